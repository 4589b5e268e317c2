#!/usr/bin/env bash
# README.md, "Block storage: HDFS": rack loss at seeds 1-10 with each
# placement, and re-replication at 100 Mbit/s at seeds 1-3.
set -euo pipefail
. docs/measure/hdfs_lib.sh
ra=$(hdfs_runs scenarios/hdfs_rack_loss.lua 1 10 '[.metrics.hdfs_blocks_lost]' placement=rack_aware |
     awk -F'\t' '{ s += $2 } END { printf "%d", s / NR }')
rnd=$(hdfs_runs scenarios/hdfs_rack_loss.lua 1 10 '[.metrics.hdfs_blocks_lost, .metrics.expected_lost]' placement=random |
      awk -F'\t' '{ s += $2; e = $3 } END { printf "%.1f %.1f", s / NR, e }')
rr=$(hdfs_runs scenarios/hdfs_rereplication.lua 1 3 '[.metrics.bytes_copied, .metrics.rereplication_s, .metrics.predicted_s]' |
     awk -F'\t' '{ b += $2; t += $3; p += $4 } END { printf "%.2f %.1f %.1f", b / NR / 1e9, t / NR, p / NR }')
set -- $rnd $rr
echo "Losing one of three racks of four DataNodes loses $ra of 550 blocks with"
echo "rack-aware placement and $1 on average with random placement (C(4,3) /"
echo "C(12,3) × 550 = $2 expected; seeds 1-10). With one of twelve DataNodes"
echo "dead, its $3 GB take $4 s to re-replicate over 100 Mbit/s links with"
echo "max_streams = 2 (bound $5 s; seeds 1-3)."
