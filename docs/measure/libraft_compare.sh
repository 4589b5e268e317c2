#!/usr/bin/env bash
# The side-by-side table of docs/libraft.md: each fault-class scenario
# (scenarios/libraft_*.lua) with libraft 0.15.0 (impl=libraft) and with
# faultsim's own Raft model (impl=raft) under the same script, seeds 1-3
# summed or averaged: availability (ok / invoked), operations that timed
# out (info), the median write latency (the mean of the three runs'
# p50), messages sent per entry applied, events per entry applied, and
# the Raft/linearizability violations found.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo "| fault class | implementation | availability | timed out | write p50 (ms) | messages per entry | events per entry | violations |"
echo "|---|---|---|---|---|---|---|---|"
row() {
  local label=$1 file=$2 set=$3
  for impl in libraft raft; do
    for seed in 1 2 3; do
      if [ -n "$set" ]; then
        "$FAULTSIM" run "scenarios/$file" --seed "$seed" --set "impl=$impl" --set "$set" --json
      else
        "$FAULTSIM" run "scenarios/$file" --seed "$seed" --set "impl=$impl" --json
      fi
    done | jq -s -r --arg name "$label" --arg impl "$impl" '
      def applied: (.metrics.raft_applied_indices // 0);
      "| \($name) | \($impl) | \((map(.availability) | add / length * 1000 | round) / 1000) | \(map(.ops.info) | add) | \((map(.latency_ms.write.p50) | add / length * 10 | round) / 10) | \((map(.messages.sent) | add) / (map(applied) | add) * 10 | round / 10) | \((map(.events) | add) / (map(applied) | add) * 10 | round / 10) | \(map(.invariants | map(.violations) | add) | add) |"'
  done
}
row "leader crash" libraft_basic.lua ""
row "minority partition" libraft_partition.lua "side=minority"
row "majority partition (leader cut off)" libraft_partition.lua "side=majority"
row "partial partition" libraft_partial_partition.lua ""
row "clock jumps" libraft_clock.lua ""
row "lost unsynced writes" libraft_unsynced.lua ""
row "loss and duplication (10% each)" libraft_loss.lua ""
