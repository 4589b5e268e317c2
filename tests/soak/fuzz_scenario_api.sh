#!/usr/bin/env bash
# The scenario API fuzz (tests/data/fuzz/api_garbage.lua) over many seeds:
# each seed adds its own random argument triples to the fixed grid. Per
# seed, a normal run must exit 0 (no crash, every error message names its
# function and shows no address); a run with escape=true must exit 2 with
# "FILE:LINE: message" at the failing function's wrapper and naming it, or
# exit 0 saying that function never failed often enough ("no escape").
# FUZZ_SEEDS (default 1-200) and FUZZ_CALLS (random triples per function
# and seed, default 400) size it. Exit 1 at the first seed that fails.
set -u
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
root=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"
script=tests/data/fuzz/api_garbage.lua
seeds=${FUZZ_SEEDS:-1-200}
first=${seeds%-*} last=${seeds#*-}
calls=${FUZZ_CALLS:-400}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad() { echo "fuzz_scenario_api: seed $seed: $*" >&2; sed 's/^/    /' "$tmp/err" | grep -v '^    \[t=[0-9.]*s\] *$' | tail -n 5 >&2; exit 1; }
escaped=0
for seed in $(seq "$first" "$last"); do
  "$FAULTSIM" run "$script" --seed "$seed" --set "random_calls=$calls" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ "$rc" -eq 0 ] || { sed 's/^/    /' "$tmp/out" | grep -A3 'FAIL\|- ' | head -n 12 >&2; bad "exit $rc, expected 0"; }
  "$FAULTSIM" run "$script" --seed "$seed" --set "random_calls=$calls" --set escape=true >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -eq 0 ] && grep -q 'api_garbage: no escape' "$tmp/err"; then continue; fi
  [ "$rc" -eq 2 ] || bad "with escape=true: exit $rc, expected 2"
  name=$(sed -n 's/.*api_garbage: escaping with \(.*\)$/\1/p' "$tmp/err" | head -n 1)
  [ -n "$name" ] || bad "with escape=true: no 'escaping with' line"
  line=$(grep -n "\"$name\"\\]* *[=,] *function(" "$script" | head -n 1 | cut -d: -f1)
  [ -n "$line" ] || bad "no wrapper line for $name in $script"
  word=${name##*:}
  grep -q "^\\(faultsim run: \\)\\{0,1\\}$script:$line: .*\\b$word\\b" "$tmp/err" ||
    bad "the error of $name is not '$script:$line: ...$word...'"
  escaped=$((escaped + 1))
done
echo "fuzz_scenario_api: seeds $seeds passed ($calls random calls per function; $escaped escapes checked)"
