#!/usr/bin/env bash
# docs/hdfs.md, "Losing a rack": scenarios/hdfs_rack_loss.lua with each
# placement policy at seeds 1-20 (550 blocks, RF 3, 3 racks of 4). Exits
# 1 if rack-aware placement lost a block, or if random placement's mean
# loss is not within the 95% interval of the combinatorial expectation.
set -euo pipefail
. docs/measure/hdfs_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pl in rack_aware random; do
  hdfs_runs scenarios/hdfs_rack_loss.lua 1 20 \
    '[.metrics.hdfs_blocks_lost, .metrics.expected_lost, .metrics.rereplicated_after_s, .metrics.hdfs_truth_under_replicated]' \
    "placement=$pl" > "$tmp/$pl"
done
awk -F'\t' '
  FNR == 1 { pl = FILENAME; sub(/.*\//, "", pl) }
  { n[pl]++; s[pl] += $2; ss[pl] += $2 * $2; e[pl] = $3; t[pl] += $4; u[pl] += $5
    if (min[pl] == "" || $2 < min[pl]) min[pl] = $2
    if ($2 > max[pl]) max[pl] = $2 }
  END {
    print "| placement | blocks lost per run: mean ± 95% (min-max) | combinatorial expectation | re-replicated after the loss (mean) | under-replicated at the end |"
    print "|---|---|---|---|---|"
    bad = 0
    for (i = 1; i <= 2; i++) {
      pl = i == 1 ? "rack_aware" : "random"
      m = s[pl] / n[pl]; sd = sqrt((ss[pl] - n[pl] * m * m) / (n[pl] - 1)); h = 1.96 * sd / sqrt(n[pl])
      printf "| %s | %.2f ± %.2f (%d-%d) | %.2f | %.1f s | %d |\n", pl, m, h, min[pl], max[pl], e[pl], t[pl] / n[pl], u[pl]
      if (pl == "rack_aware" && max[pl] > 0) bad = 1
      if (pl == "random" && (e[pl] < m - h || e[pl] > m + h)) bad = 1
    }
    printf "\n(Seeds 1-%d; 550 one-block files, RF 3, twelve DataNodes in three racks of four; rack 1 lost once every write is answered and nothing is under-replicated.)\n", n["random"]
    if (bad) print "hdfs_rack_loss: the rack-loss result did not reproduce" > "/dev/stderr"
    exit bad
  }' "$tmp/rack_aware" "$tmp/random"
