#!/usr/bin/env bash
# Runs every tests/sh/t_*.sh (or the ones named) with FAULTSIM pointing at
# the binary under test, each in a fresh temporary directory it may litter,
# and prints one line per test and a summary. A test passes by exiting 0;
# its output is shown only when it fails. Exit 1 if any test failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
FAULTSIM=$(cd "$(dirname "$FAULTSIM")" && pwd)/$(basename "$FAULTSIM")
export FAULTSIM ROOT="$root"
tests=("$@")
[ ${#tests[@]} -eq 0 ] && tests=("$here"/t_*.sh)
pass=0 fail=0
for t in "${tests[@]}"; do
  t=$(cd "$(dirname "$t")" && pwd)/$(basename "$t")
  name=$(basename "$t" .sh)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/faultsim-sh.XXXXXX")
  start=$(date +%s)
  if (cd "$dir" && TMPDIR="$dir" bash "$t") >"$dir/.out" 2>&1; then
    pass=$((pass + 1))
    printf '  ok    %-36s %3ss\n' "$name" $(( $(date +%s) - start ))
  else
    fail=$((fail + 1))
    printf '  FAIL  %s\n' "$name"
    sed 's/^/        /' "$dir/.out" | tail -n 40
  fi
  rm -rf "$dir"
done
echo "shell tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
