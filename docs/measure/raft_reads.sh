#!/usr/bin/env bash
# The cost of each read mode in docs/raft.md: scenarios/raft_faults.lua with
# no fault (three kv.raft clients doing read, write and cas on 3 or 5
# servers for 5 s) at seeds 1-3 together, read = log, readindex and lease:
# reads completed, their latency (invoke to ok, from the history), messages
# sent per completed operation, and heartbeat rounds started for reads.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| read | servers | reads ok | read latency mean (ms) | p99 (ms) | messages per op | rounds for reads | reads within a lease |"
echo "|---|---|---|---|---|---|---|---|"
for read in log readindex lease; do
  for n in 3 5; do
    : > "$tmp/runs"
    : > "$tmp/hist"
    for seed in 1 2 3; do
      "$FAULTSIM" run scenarios/raft_faults.lua --seed "$seed" --set fault=none --set servers="$n" \
        --set read="$read" --history "$tmp/h" --json >> "$tmp/runs"
      jq -c --arg s "$seed" '. + { seed: $s }' "$tmp/h" >> "$tmp/hist"
    done
    lat=$(jq -s -r '[group_by([.seed, .op])[] | select(.[0].f == "read" and length == 2 and .[1].type == "ok")
                     | .[1].time - .[0].time] | sort
                    | "\(length) | \(add / length / 1e6 * 10 | round / 10) | \(.[(length * 0.99 | floor)] / 1e6 * 10 | round / 10)"' "$tmp/hist")
    jq -s -r --arg read "$read" --arg n "$n" --arg lat "$lat" '
        (map(.messages.sent) | add) as $msgs | (map(.ops.ok + .ops.fail) | add) as $ops
        | "| \($read) | \($n) | \($lat) | \($msgs / $ops * 10 | round / 10) | \(map(.metrics.raft_read_rounds // 0) | add) | \(map(.metrics.raft_reads_lease // 0) | add) |"' "$tmp/runs"
  done
done
