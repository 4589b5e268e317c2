#!/usr/bin/env bash
# README, "Capacity search": the example search (seeds 1-8, as in the
# picture) against M/M/1's lambda_max = mu - ln(100) / D.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
"$FAULTSIM" capacity scenarios/capacity_search_mm1.lua --param rate --slo 'availability>=0.99' \
    --slo 'p99<=20ms' --seeds 8 -j 2 --quiet |
  awk '/^capacity / { mean = $4; half = $6 } /^runs: / { runs = $2 } END {
    printf "Over seeds 1-8 (%d runs) it finds a capacity of %.1f ± %.1f pings per second;\n", runs, mean, half
    printf "M/M/1 predicts μ − ln(100) / 20 ms = %.1f.\n", 500 - log(100) / 0.020
  }'
