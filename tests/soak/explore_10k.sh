# Long check of issue 17's fourth known result (part of `make soak`): on
# correct models, 10,000 explored runs find no violation. The 2PC reference
# (the txn.2pc model under random partitions, and the 2PC lab's reference
# solution under every fault kind), lock.fenced under random pauses, and
# kv.abd under every fault kind. tests/sh/t_explore.sh runs the same with
# a few hundred runs. Exits 1 if a run failed, 2 if one could not finish.
set -u
cd "$ROOT"
jobs=$(nproc 2>/dev/null || echo 2)
status=0
explore() {
  local rc=0
  "$FAULTSIM" explore "$@" --runs 10000 -j "$jobs" --no-coverage || rc=$?
  [ "$rc" -le "$status" ] || status=$rc
}
explore scenarios/explore_2pc.lua
explore scenarios/explore_2pc_lab.lua --set fault=none --set loss=0
explore scenarios/explore_lease_pause.lua --set model=lock.fenced
explore scenarios/explore_kv_abd.lua
exit "$status"
