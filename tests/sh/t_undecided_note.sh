# A linearizability check that runs out of steps is undecided: no
# violation, abd_lincheck = -1, and the report says why in "notes" (text
# and --json), instead of leaving a bare -1 beside "ok linearizable".
. "$ROOT/tests/sh/lib.sh"
S=$ROOT/tests/data/kv/abd_undecided.lua
expect_exit 0 fs run "$S" --json
[ "$(echo "$OUT" | jq -r '.metrics.abd_lincheck')" = -1 ] || fail "abd_lincheck is not -1"
[ "$(echo "$OUT" | jq -r '.invariants[] | select(.name == "linearizable") | .violations')" = 0 ] ||
  fail "an undecided check counted a violation"
contains "$(echo "$OUT" | jq -r '.notes[0]')" "linearizable: undecided after"
expect_exit 0 fs run "$S"
contains "$OUT" "  notes:
    - linearizable: undecided after"
# A run with nothing to say has an empty list, not a missing key.
expect_exit 0 fs run "$ROOT/scenarios/echo.lua" --json
[ "$(echo "$OUT" | jq -c '.notes')" = "[]" ] || fail "notes is not an empty list"
