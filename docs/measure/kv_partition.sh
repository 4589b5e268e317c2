#!/usr/bin/env bash
# docs/kv.md: scenarios/kv_partition.lua (N = 3, a partition isolates
# client1 with s1 from 2 s to 5 s) with R = W = 1 and R = W = 2, seeds 1-3:
# stale reads (real time) and read availability.
set -euo pipefail
. "$(dirname "$0")/kv_lib.sh"
measure() { jq -r '[.metrics.kv_stale_reads, .metrics.kv_read_availability] | @tsv'; }
echo "| seed | R=W=1: stale reads | read avail. | R=W=2: stale reads | read avail. |"
echo "|---|---|---|---|---|"
for seed in 1 2 3; do
  weak=$(run_json scenarios/kv_partition.lua --seed "$seed" | measure)
  strict=$(run_json scenarios/kv_partition.lua --seed "$seed" --set r=2 --set w=2 | measure)
  printf '%s\t%s\t%s\n' "$seed" "$weak" "$strict" |
    awk -F'\t' '{ printf "| %d | %d | %.4f | %d | %.4f |\n", $1, $2, $3, $4, $5 }'
done
