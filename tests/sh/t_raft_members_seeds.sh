# Raft membership changes on seeds that once failed (round 8).
# raft.admin follows a NOT_LEADER hint to a leader outside its `servers`
# list: in raft_add_server.lua, fault=reorder seed 10, s1 appends the
# configuration {s1..s4} and crashes at 4 s before it commits; s4, now a
# member, wins the next election, and s2 and s3 name it as leader. An admin
# that only asked s1-s3 never got its answer (raft_admin_done missing).
# raft_remove_leader.lua, fault=delay seeds 17 and 136: a leader deposed
# just before the admin started (17) or before its removal committed (136)
# no longer fails the run.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"

expect_exit 0 fs run scenarios/raft_add_server.lua --seed 10 --set fault=reorder --json --trace "$TMPDIR/t.jsonl"
[ "$(jq -r '.metrics.raft_admin_done' <<<"$OUT")" = 1 ] || fail "raft_admin_done is not 1 at seed 10, fault=reorder"
grep -q '"node":"admin","peer":"s4","msg":{"type":"AddServer"' "$TMPDIR/t.jsonl" \
  || fail "the admin never asked s4, the leader its hints named"

expect_exit 0 fs check scenarios/raft_remove_leader.lua --seeds 17-17 --set fault=delay
expect_exit 0 fs check scenarios/raft_remove_leader.lua --seeds 136-136 --set fault=delay
