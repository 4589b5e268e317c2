#!/usr/bin/env bash
# The election-time table of docs/libraft.md: scenarios/libraft_election.lua
# (five servers, the leader crashed 100 times per run, timeouts in
# [150, 300] ms, 50 ms heartbeats) with libraft 0.15.0 and with faultsim's
# raft, seeds 1-2: percentiles of the time from the crash to the next
# leader's announcement, and the terms spent per election (the last
# leader's term minus the first's, over the elections).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo "| implementation | seed | elections | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | terms per election |"
echo "|---|---|---|---|---|---|---|---|"
for impl in libraft raft; do
  for seed in 1 2; do
    "$FAULTSIM" run scenarios/libraft_election.lua --seed "$seed" --set "impl=$impl" --json --trace /dev/stdout |
      jq -s -r --arg impl "$impl" '
        (map(select(.kind == "event" and .msg.type == "raft_leader") | .msg.term)) as $terms |
        (map(select(.trace_digest != null)) | .[0]) as $r |
        $r.metrics.failover_ms as $f |
        "| \($impl) | \($r.seed) | \($f.count) | \($f.p50 | round) | \($f.p90 | round) | \($f.p99 | round) | \($f.max | round) | \((($terms | max) - ($terms | min)) / $f.count * 100 | round / 100) |"'
  done
done
