# on_overload in a Lua model (model{ on_overload = ... }) works like the C
# echo.server's: on a node whose service model rejects overflow, the same
# seed gives the same pings ok and failed with either, each rejection
# answered BUSY (tests/data/luamodel/overload.lua checks that itself).
. "$ROOT/tests/sh/lib.sh"
set -e
cd "$ROOT"
for impl in lua c; do
  expect_exit 0 "$FAULTSIM" run tests/data/luamodel/overload.lua --seed 3 --set impl=$impl --json
  printf '%s' "$OUT" | jq -c '[.ops.invoked, .ops.ok, .ops.fail, (.nodes[] | select(.name == "server") | .service.rejected)]' \
    > "$TMPDIR/$impl"
done
cmp -s "$TMPDIR/lua" "$TMPDIR/c" || fail "Lua and C differ: $(cat "$TMPDIR/lua") vs $(cat "$TMPDIR/c")"
[ "$(jq '.[3]' "$TMPDIR/c")" -gt 10 ] || fail "too few rejections to compare: $(cat "$TMPDIR/c")"
