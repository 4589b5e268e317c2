#!/usr/bin/env bash
# The election-time table of docs/raft.md: scenarios/raft_election_time.lua
# at seed 1 for each election-timeout range of the Raft paper's Figure 16
# (1000 leader crashes each; 100 for 150-151 ms, whose elections take
# tens of seconds; 150-150 ms runs until its 4-hour horizon), then the
# paper's range and two narrow ones on a faster network (1-2 ms each way).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
row() { # range latency trials
  local range=$1 latency=$2 trials=$3
  local json status=0
  # exit 1 (expectations not met) is a result here: a range that elected no
  # leader within the horizon
  json=$("$FAULTSIM" run scenarios/raft_election_time.lua --seed 1 --set "timeout_range=$range" \
    --set "latency=$latency" --set "trials=$trials" --json) || status=$?
  [ "$status" -le 1 ] || exit "$status"
  jq -r --arg range "$range" --arg latency "$latency" --argjson want "$trials" '
      (.metrics.trials // 0) as $n
      | ($range | sub("ms"; ""; "g") | sub(","; "-")) as $r
      | ($latency | sub("uniform:"; "") | sub("ms"; ""; "g") | sub(","; "-")) as $l
      | if $n == 0 then "| \($r) | \($l) | 0 of \($want) | no leader in \(.sim_time_s / 3600 | floor) h | | | | |"
        else "| \($r) | \($l) | \($n)\(if $n < $want then " of \($want)" else "" end) | \(.metrics.elect_mean_ms | round) | \(.metrics.elect_p50_ms | round) | \(.metrics.elect_p99_ms | round) | \(.metrics.elect_max_ms | round) | \(.metrics.trials_split * 1000 / $n | round / 10)% |"
        end' <<< "$json"
}
echo "| election timeout (ms) | one-way delay (ms) | leader crashes | mean (ms) | p50 (ms) | p99 (ms) | max (ms) | with a split vote |"
echo "|---|---|---|---|---|---|---|---|"
for r in 150ms,150ms:100 150ms,151ms:100 150ms,155ms:1000 150ms,175ms:1000 150ms,200ms:1000 150ms,300ms:1000 \
         12ms,24ms:1000 25ms,50ms:1000 50ms,100ms:1000 100ms,200ms:1000; do
  row "${r%:*}" uniform:5ms,10ms "${r##*:}"
done
for r in 150ms,155ms 150ms,175ms 150ms,300ms; do
  row "$r" uniform:1ms,2ms 1000
done
