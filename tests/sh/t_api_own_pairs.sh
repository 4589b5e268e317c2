# The scenario API walks a script's tables with the sandbox's own ordered
# pairs, not whatever the script left in the global `pairs`.
. "$ROOT/tests/sh/lib.sh"
expect_exit 0 fs run "$ROOT/tests/data/sandbox/pairs_replaced.lua"
contains "$OUT" "verdict: every expectation held"
