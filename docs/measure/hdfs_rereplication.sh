#!/usr/bin/env bash
# docs/hdfs.md, "Re-replication after a DataNode dies":
# scenarios/hdfs_rereplication.lua at four bandwidths, seeds 1-3 (means).
set -euo pipefail
. docs/measure/hdfs_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expr='[.metrics.bytes_copied, .metrics.detect_s, .metrics.predicted_s, .metrics.rereplication_s, .metrics.ratio,
       .metrics.read_avail_before, .metrics.read_avail_undetected, .metrics.read_avail_undetected_theory,
       .metrics.read_avail_rereplicating, .metrics.read_avail_after]'
echo "| bandwidth | GB copied | declared dead after | max_streams | bound: bytes / (11 x max_streams x bandwidth) | measured | measured / bound | reads ok: before, until declared (theory), re-replicating, after |"
echo "|---|---|---|---|---|---|---|---|"
for row in "50Mbit 2" "100Mbit 2" "200Mbit 2" "1Gbit 2" "100Mbit 4"; do
  set -- $row
  hdfs_runs scenarios/hdfs_rereplication.lua 1 3 "$expr" "bandwidth=$1" "max_streams=$2" > "$tmp/rows"
  awk -F'\t' -v bw="$1" -v ms="$2" '
    { for (i = 2; i <= NF; i++) s[i] += $i; n++ }
    END { printf "| %s | %.2f | %.0f s | %d | %.1f s | %.1f s | %.2f | %.3f, %.3f (%.3f), %.3f, %.3f |\n", bw, s[2] / n / 1e9,
            s[3] / n, ms, s[4] / n, s[5] / n, s[6] / n, s[7] / n, s[8] / n, s[9] / n, s[10] / n, s[11] / n }' "$tmp/rows"
done
echo
echo "(Means over seeds 1-3; twelve DataNodes, 240 blocks of 128 MB at RF 3, heartbeats and the replication monitor every 3 s, dead_after 30 s.)"
