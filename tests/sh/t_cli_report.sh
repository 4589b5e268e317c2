# Operations with no outcome when the run ended are reported as pending
# (issue 10, point 27), so invoked = ok + fail + info + pending in text and
# JSON, and the availability line says how they count.
. "$ROOT/tests/sh/lib.sh"
F=$FAULTSIM
# echo.lua, seed 1: one ping is in flight at the end of the 10 s.
expect_exit 0 "$F" run "$ROOT/scenarios/echo.lua" --json
ops=$(printf '%s\n' "$OUT" | jq -c .ops)
[ "$ops" = '{"invoked":915,"ok":882,"fail":0,"info":32,"pending":1}' ] || fail "ops: $ops"
expect_exit 0 "$F" run "$ROOT/scenarios/echo.lua"
contains "$OUT" "operations: 915 invoked, 882 ok, 0 fail, 32 info, 1 pending (no outcome when the run ended)"
contains "$OUT" "availability 0.9639 (ok / invoked: fail, info and pending count as not available)"
# The sum holds in the reports of one scenario per model family (seed 1).
for n in nemesis open_loop lock_gc_pause txn_2pc_part_crash kv_abd compare_quorum triggers; do
  s=$ROOT/scenarios/$n.lua
  rc=0; "$F" run "$s" --json >r.json 2>/dev/null || rc=$?
  [ "$rc" -le 1 ] || fail "$s did not run (exit $rc)"
  jq -e '.ops | .invoked == .ok + .fail + .info + .pending and .pending >= 0' r.json >/dev/null ||
    fail "$s: ops do not add up: $(jq -c .ops r.json)"
  a=$(jq '.availability' r.json)
  [ "$a" = null ] || jq -e '.availability == .ops.ok / .ops.invoked' r.json >/dev/null ||
    fail "$s: availability $a is not ok / invoked"
done
