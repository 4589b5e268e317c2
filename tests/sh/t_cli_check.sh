# `faultsim check` (issue 10, points 24 and 28): a scenario that could not
# run is an ERROR, counted apart ("N passed, N failed, N errors") and exit 2
# whatever else happened, so CI can tell a broken file from a broken
# protocol; the rerun hint names the binary as it was invoked, so pasting it
# in the same folder runs the same faultsim.
. "$ROOT/tests/sh/lib.sh"
F=$FAULTSIM
mkdir cs
cp "$ROOT/tests/data/check/fine.lua" "$ROOT/tests/data/check/too_optimistic.lua" cs/
printf 'scenario { name = "broken"\n' > cs/broken.lua
printf 'scenario { name = "boom", duration = "2s", seeds = 2 }\nat("1s", function() error("boom") end)\n' > cs/boom.lua
expect_exit 2 "$F" check cs
contains "$OUT" "ERROR cs/boom.lua seed 1: cs/boom.lua:2: boom"
contains "$OUT" "ERROR cs/broken.lua: cs/broken.lua:2:"
contains "$OUT" "PASS  cs/fine.lua"
contains "$OUT" "FAIL  cs/too_optimistic.lua"
contains "$OUT" "
1 passed, 1 failed, 2 errors"
# An error alone is 2, a failure alone is 1; the count line is always whole.
expect_exit 2 "$F" check cs/fine.lua cs/boom.lua
contains "$OUT" "1 passed, 0 failed, 1 errors"
expect_exit 1 "$F" check cs/fine.lua cs/too_optimistic.lua
contains "$OUT" "1 passed, 1 failed, 0 errors"
expect_exit 0 "$F" check cs/fine.lua
contains "$OUT" "1 passed, 0 failed, 0 errors"

# rerun_works WANT CMD...: runs CMD check on the failing scenario; the
# command after "rerun: " must start with WANT and, pasted into a shell here,
# run the scenario (exit 1).
rerun_works() {
  local want=$1; shift
  expect_exit 1 "$@" check cs/too_optimistic.lua
  local cmd; cmd=$(printf '%s\n' "$OUT" | sed -n 's/.*rerun: \(.*\))$/\1/p')
  case "$cmd" in "$want run cs/too_optimistic.lua --seed 1") ;; *) fail "rerun hint '$cmd', expected '$want run ...'";; esac
  expect_exit 1 sh -c "$cmd"
  contains "$OUT" "scenario too_optimistic" "output of the pasted '$cmd'"
}
rerun_works "$F" "$F"                # by absolute path
ln -s "$F" ./fsim
rerun_works ./fsim ./fsim            # by a relative path
mkdir bin && ln -s "$F" bin/faultsim
(PATH="$PWD/bin:$PATH" && rerun_works faultsim faultsim) || exit 1   # found on PATH
# A scenario path with a space is quoted in the hint.
mkdir "my labs" && cp cs/too_optimistic.lua "my labs/"
expect_exit 1 "$F" check "my labs"
contains "$OUT" "rerun: $F run 'my labs/too_optimistic.lua' --seed 1"
expect_exit 2 "$F" check cs/boom.lua
contains "$OUT" "(rerun: $F run cs/boom.lua --seed 1)"
