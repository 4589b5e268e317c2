#!/usr/bin/env bash
# docs/capacity.md, "Capacity search": faultsim capacity on M/M/1
# (scenarios/capacity_search_mm1.lua, mu = 500/s) for three p99 objectives,
# seeds 1-20, against lambda_max = mu - ln(100) / D.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo "| SLO | M/M/1 λ_max (/s) | found (/s, mean ± 95%) | min – max | runs |"
echo "|---|---|---|---|---|"
for d in 15 20 50; do
  "$FAULTSIM" capacity scenarios/capacity_search_mm1.lua --param rate --slo "p99<=${d}ms" \
      --seeds 20 -j 2 --quiet |
    awk -v d="$d" '
      /^capacity / { mean = $4; half = $6; min = $(NF - 2); max = $NF; sub(/,$/, "", min); sub(/\)$/, "", max) }
      /^runs: / { runs = $2 }
      END {
        printf "| p99 ≤ %d ms | %.1f | %.1f ± %.1f | %s – %s | %d |\n", d, 500 - log(100) / (d / 1000), mean, half, min, max, runs
      }'
done
