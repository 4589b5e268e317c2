#!/usr/bin/env bash
# The snapshot table of docs/raft.md: scenarios/raft_snapshot.lua at seed 1
# under each fault row (3 servers, snapshot_every = 20, a follower down
# from 1.5 s to 3 s): snapshots taken and installed, InstallSnapshot chunks
# sent and delivered to the follower that was down, restarts that
# recovered a snapshot, the most entries any server held in its log, and
# the same with snapshot_every = 0 (no compaction), ok operations, and
# lincheck's verdict (1: linearizable).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo "| fault | snapshots taken | installed | chunks sent | chunks to the follower that was down | restarts from a snapshot | most entries in a log | same, every = 0 | ok ops | linearizable |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for fault in none loss duplicate reorder delay crash all; do
  # Without snapshots the scenario's expectations fail (exit 1): only the
  # log length is wanted from that run.
  off=$({ "$FAULTSIM" run scenarios/raft_snapshot.lua --seed 1 --set "fault=$fault" --set every=0 --json || [ $? -eq 1 ]; } |
    jq -r '.metrics.max_log_entries')
  "$FAULTSIM" run scenarios/raft_snapshot.lua --seed 1 --set "fault=$fault" --json |
    jq -r --arg f "$fault" --arg off "$off" '.metrics as $m |
      "| \($f) | \($m.raft_snapshots_taken) | \($m.raft_snapshots_installed) | \($m.raft_snapshot_chunks_sent) | \($m.lagging_chunks) | \($m.recovered_from_snapshot) | \($m.max_log_entries) | \($off) | \(.ops.ok) | \($m.raft_lincheck) |"'
done
