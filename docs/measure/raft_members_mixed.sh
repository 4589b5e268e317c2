#!/usr/bin/env bash
# The table of docs/raft.md on membership changes beside reads outside the
# log and snapshots: scenarios/raft_add_server.lua and raft_remove_leader.lua
# with each setting, under each network fault at seeds 1-3 (21 runs a row):
# how many held every expectation, and the sums of lease/ReadIndex reads
# answered and snapshots installed.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
faults="none loss duplicate reorder delay crash all"

echo "| scenario | setting | runs that held | reads without the log | snapshots installed |"
echo "|---|---|---|---|---|"
for sc in raft_add_server raft_remove_leader; do
  for set in read=readindex read=lease snapshot_every=20 snapshot_every=10; do
    held=0 reads=0 snaps=0
    for f in $faults; do
      for seed in 1 2 3; do
        rc=0
        out=$("$FAULTSIM" run "scenarios/$sc.lua" --seed "$seed" --set "$set" --set "fault=$f" --json) || rc=$?
        [ "$rc" -eq 0 ] && held=$((held + 1))
        read -r r s < <(jq -r '[(.metrics.raft_reads_lease // 0) + (.metrics.raft_reads_readindex // 0), .metrics.raft_snapshots_installed // 0] | @tsv' <<<"$out")
        reads=$((reads + r)) snaps=$((snaps + s))
      done
    done
    echo "| $sc | $set | $held/21 | $reads | $snaps |"
  done
done
