#!/usr/bin/env bash
# The membership tables of docs/raft.md: scenarios/raft_add_server.lua and
# scenarios/raft_remove_leader.lua under each network fault, seeds 1-3,
# means over the three seeds (availability: ok / invoked, the clients').
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
faults="none loss duplicate reorder delay crash all"

# mean FILTER SCENARIO FAULT: the mean of the jq FILTER over seeds 1-3.
mean() {
  for seed in 1 2 3; do
    "$FAULTSIM" run "scenarios/$2.lua" --seed "$seed" --set "fault=$3" --json | jq -r "$1 // 0"
  done | awk -v d="${4:-0}" '{ s += $1 } END { printf "%.*f", d, s / NR }'
}

echo "Adding s4 to s1-s3 (raft_add_server.lua):"
echo
echo "| fault | AddServer to OK (ms) | catch-up rounds | catch-up TIMEOUTs | ok ops after s1's crash | availability |"
echo "|---|---|---|---|---|---|"
for f in $faults; do
  echo "| $f | $(mean .metrics.raft_admin_ms.max raft_add_server "$f") | $(mean .metrics.raft_catchup_rounds raft_add_server "$f" 1) | $(mean .metrics.raft_catchup_timeouts raft_add_server "$f" 1) | $(mean .metrics.ok_after_crash raft_add_server "$f") | $(mean .availability raft_add_server "$f" 3) |"
done
echo
echo "Removing the leader of s1-s5 (raft_remove_leader.lua):"
echo
echo "| fault | RemoveServer to OK (ms) | OK to a new leader (ms) | OK to its first commit (ms) | availability |"
echo "|---|---|---|---|---|"
for f in $faults; do
  echo "| $f | $(mean .metrics.raft_admin_ms.max raft_remove_leader "$f") | $(mean .metrics.leaderless_ms.max raft_remove_leader "$f") | $(mean .metrics.unavail_ms.max raft_remove_leader "$f") | $(mean .availability raft_remove_leader "$f" 3) |"
done
echo
echo "The removed leader restarted at 3 s (--set restart_removed=true, no fault): leaders elected after it, per seed:"
echo
echo "| protection | seed 1 | seed 2 | seed 3 |"
echo "|---|---|---|---|"
for set in check_quorum=false check_quorum=true prevote=true; do
  row="| $(case $set in check_quorum=false) echo none ;; check_quorum=true) echo CheckQuorum ;; *) echo PreVote ;; esac) |"
  for seed in 1 2 3; do
    row="$row $("$FAULTSIM" run scenarios/raft_remove_leader.lua --seed "$seed" --set restart_removed=true --set "$set" --json | jq -r .metrics.disruptions) |"
  done
  echo "$row"
done
