#!/usr/bin/env bash
# docs/lincheck.md, "Bounds": the memory cap on a key that cannot be decided
# (key 0 of tests/data/lincheck/kv_hard_first.edn). The memory is counted,
# not measured, so a cap stops the search at the same step every time.
set -u
: "${FAULTSIM:=build/faultsim}"
f=tests/data/lincheck/kv_hard_first.edn
echo '```'
for cap in 4M 16M 64M; do
  echo "\$ grep ':key 0,' $f | faultsim lincheck --model register --max-memory $cap /dev/stdin"
  grep ':key 0,' "$f" | "$FAULTSIM" lincheck --model register --max-memory "$cap" /dev/stdin 2>&1
  echo "exit ${PIPESTATUS[1]}"
done
echo '```'
