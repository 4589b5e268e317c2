#!/usr/bin/env bash
# docs/lincheck.md, "Many keys": tests/data/lincheck/kv_hard_first.edn has
# the shape of Porcupine's c50-bad test (10 keys of 5 clients, a hard key 0
# first, a violation on key 5). Key 0 alone is not decided within the
# budget; the whole history is, in the first rounds.
set -u
: "${FAULTSIM:=build/faultsim}"
f=tests/data/lincheck/kv_hard_first.edn
echo '```'
echo "\$ grep -o ':key [0-9]*' $f | sort | uniq -c"
grep -o ':key [0-9]*' "$f" | sort | uniq -c
echo
echo "\$ faultsim lincheck --model register --max-steps 2000000 $f | head -3"
out=$("$FAULTSIM" lincheck --model register --max-steps 2000000 "$f" 2>&1)
rc=$?
printf '%s\n' "$out" | head -3
echo "exit $rc"
echo
echo "\$ grep ':key 0,' $f | faultsim lincheck --model register --max-steps 2000000 /dev/stdin"
grep ':key 0,' "$f" | "$FAULTSIM" lincheck --model register --max-steps 2000000 /dev/stdin 2>&1
echo "exit ${PIPESTATUS[1]}"
echo '```'
