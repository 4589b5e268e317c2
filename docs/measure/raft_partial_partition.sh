#!/usr/bin/env bash
# The partial-partition table of docs/raft.md: scenarios/raft_partial_partition.lua
# for each cut (the leader link; everything inbound to the follower) with
# plain Raft and with PreVote + CheckQuorum, seeds 1-3: elections forced
# during the 20 s cut, how far the term rose, the commit stall and the
# clients' ok operations per second during the cut.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo "| cut | PreVote + CheckQuorum | seed | elections during the cut | term rise | commits stalled (ms) | ok ops per s |"
echo "|---|---|---|---|---|---|---|"
for cut in leader inbound; do
  for protect in false true; do
    for seed in 1 2 3; do
      "$FAULTSIM" run scenarios/raft_partial_partition.lua --seed "$seed" --set "cut=$cut" --set "protect=$protect" --json |
        jq -r --arg cut "$cut" --arg protect "$protect" '.metrics as $m |
          "| \($cut) | \(if $protect == "true" then "yes" else "no" end) | \(.seed) | \($m.elections_during_cut) | \($m.term_rise) | \($m.stall_ms | round) | \($m.ok_per_s_cut | round) |"'
    done
  done
done
