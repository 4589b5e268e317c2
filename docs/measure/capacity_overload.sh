#!/usr/bin/env bash
# The overload table of docs/capacity.md: scenarios/capacity_overload.lua
# (M/M/1/K, K = 10, overflow rejected with BUSY) at three loads, seeds
# 1-20: the availability the client measured against 1 - P_K.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/sweep_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sweep_positional scenarios/capacity_overload.lua --param rho=0.9,1.2,2 --seeds 1-20 --jobs 2 \
  -m availability_theory -m blocking_measured --csv "$tmp/o.csv" > /dev/null
echo "| offered load rho | P_K (M/M/1/K) | pings turned away (measured) | availability, 1 - P_K | availability (measured) |"
echo "|---|---|---|---|---|"
# Columns: rho,runs,availability,availability_se,availability_theory,_se,blocking_measured,_se
awk -F, 'NR > 1 {
  printf "| %s | %.4f | %.4f ± %.4f | %.4f | %.4f ± %.4f |\n", $1, 1 - $5, $7, 2.093 * $8, $5, $3, 2.093 * $4
}' "$tmp/o.csv"
echo ""
echo "(20 seeds per load, 95% intervals; 100 s of pings at rho × 500 per second.)"
