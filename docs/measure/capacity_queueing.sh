#!/usr/bin/env bash
# The queueing-theory table of docs/capacity.md: per point, the theory's
# mean response time and the mean over seeds 1-20 of the measured one with
# its 95% confidence interval (t = 2.093 for 19 degrees of freedom).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. "$(dirname "$0")/capacity_lib.sh"
echo "| queue | point | theory W (ms) | measured W (ms), mean ± 95% CI | measured / theory |"
echo "|---|---|---|---|---|"
queueing_rows 1-20 | awk '{
  name = $1 == "mm1" ? "M/M/1" : $1 == "mmc" ? "M/M/4 (Erlang C)" : "M/D/1 (Pollaczek-Khinchine)"
  point = $2 == "mmc" ? "rho = 0.8" : sprintf("rho = 0.%s", substr($2, 4, 1))
  printf "| %s | %s | %.3f | %.3f ± %.3f | %.3f |\n", name, point, $4, $5, 2.093 * $6, $5 / $4
}'
echo ""
echo "(20 seeds per point: the per-seed figures are scenarios/capacity_mm1.lua, capacity_mmc.lua and capacity_md1.lua.)"
