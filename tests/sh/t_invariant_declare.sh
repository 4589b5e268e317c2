# An invariant() call that raised (a bad filter) declares nothing, even
# when a pcall catches the error: the report lists only real invariants.
. "$ROOT/tests/sh/lib.sh"
expect_exit 0 fs run "$ROOT/tests/data/sandbox/invariant_bad_filter.lua" --json
[ "$(echo "$OUT" | jq -c '[.invariants[].name]')" = "[]" ] || fail "a failed invariant() declared: $OUT"
