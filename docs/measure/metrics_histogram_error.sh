#!/usr/bin/env bash
# docs/metrics.md: how far the histogram's reported quantiles are from the
# exact nearest-rank values, on docs/measure/histogram_samples.lua (sample
# i of n is 10^(-6 + 12 i / n), so the q-quantile is sample ceil(q n)).
set -euo pipefail
"$FAULTSIM" run docs/measure/histogram_samples.lua --json | jq -r '.metrics.x | [.count, .p50, .p90, .p99, .p999, .max] | @tsv' |
  awk -F'\t' '{
    n = $1
    split("p50 p90 p99 p99.9 max", names, " "); split("0.5 0.9 0.99 0.999 1", qs, " ")
    print "| quantile | exact | reported | relative error |"
    print "|---|---|---|---|"
    for (i = 1; i <= 5; i++) {
      k = qs[i] * n; if (k > int(k)) k = int(k) + 1
      exact = 10 ^ (-6 + 12 * k / n); got = $(i + 1)
      err = (got > exact ? got - exact : exact - got) / exact
      printf "| %s | %.6g | %.6g | %.3f %% |\n", names[i], exact, got, 100 * err
    }
  }'
