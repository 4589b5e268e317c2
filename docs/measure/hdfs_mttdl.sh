#!/usr/bin/env bash
# docs/hdfs.md, "Mean time to data loss": scenarios/hdfs_mttdl.lua with
# RF 2 at seeds 1-40 and RF 3 at seeds 1-30 (RUNS_RF2, RUNS_RF3 change the
# last seeds); each run is one time to data
# loss. The Markov estimate takes the exposures measured over all the runs
# of a row (pooled, weighted by their counts). Exits 1 if an estimate is
# outside the 95% confidence interval of the measured mean.
set -euo pipefail
. docs/measure/hdfs_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expr='[.metrics.hdfs_first_loss_s, .metrics.exposure1_s, .metrics.exposures1, (.metrics.exposure2_s // 0), (.metrics.exposures2 // 0), .metrics.nemesis_crashes]'
runs2=${RUNS_RF2:-40} runs3=${RUNS_RF3:-30}
hdfs_runs scenarios/hdfs_mttdl.lua 1 "$runs2" "$expr" rf=2 > "$tmp/2"
hdfs_runs scenarios/hdfs_mttdl.lua 1 "$runs3" "$expr" rf=3 > "$tmp/3"
awk -F'\t' -v runs2="$runs2" -v runs3="$runs3" '
  FNR == 1 { rf = FILENAME; sub(/.*\//, "", rf) }
  { t = $2 - 20; n[rf]++; s[rf] += t; ss[rf] += t * t; e1[rf] += $3 * $4; n1[rf] += $4
    e2[rf] += $5 * $6; n2[rf] += $6; f[rf] += $7 }
  END {
    print "| RF | mttf per DataNode | runs | failures per run | mean repair exposure E1, E2 | MTTDL measured, 95% interval | Markov estimate |"
    print "|---|---|---|---|---|---|---|"
    bad = 0
    for (rf = 2; rf <= 3; rf++) {
      mttf = rf == 2 ? 910 : 400; N = 8; l = 1 / mttf
      r[1] = e1[rf] / n1[rf]; r[2] = n2[rf] ? e2[rf] / n2[rf] : 0
      tot = 0; tau = 0
      for (k = 0; k < rf; k++) { a = (N - k) * l; tau = 1 / a + (k > 0 ? (1 / r[k]) / a * tau : 0); tot += tau }
      m = s[rf] / n[rf]; sd = sqrt((ss[rf] - n[rf] * m * m) / (n[rf] - 1)); h = 1.96 * sd / sqrt(n[rf])
      printf "| %d | %d s | %d | %.1f | %.2f s%s | %.0f s [%.0f, %.0f] | %.0f s |\n", rf, mttf, n[rf], f[rf] / n[rf],
        r[1], rf == 3 ? sprintf(", %.2f s", r[2]) : "", m, m - h, m + h, tot
      if (tot < m - h || tot > m + h) bad = 1
    }
    print ""
    print "(Eight DataNodes, random placement, 200 blocks at RF 2 and 400 at RF 3; a failed DataNode comes back empty after 2 s on average; seeds 1-" runs2 " and 1-" runs3 ".)"
    if (bad) print "hdfs_mttdl: a Markov estimate is outside the measured interval" > "/dev/stderr"
    exit bad
  }' "$tmp/2" "$tmp/3"
