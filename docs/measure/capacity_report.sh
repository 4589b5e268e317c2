#!/usr/bin/env bash
# The report excerpt and Little's law line of docs/capacity.md: the service
# lines of scenarios/capacity_overload.lua's text report at seed 1, and
# L, lambda and W of the rho = 0.9 station of scenarios/capacity_mm1.lua
# at seed 1 (from --json).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo '```'
"$FAULTSIM" run scenarios/capacity_overload.lua --seed 1 | grep -A2 '^  service '
echo '```'
echo ""
"$FAULTSIM" run scenarios/capacity_mm1.lua --seed 1 --json |
  jq -r '.nodes[] | select(.name == "rho90") | .service |
    "At rho = 0.9 (capacity_mm1.lua, seed 1): L = \(.in_system_mean * 10000 | round / 10000) jobs in the system on average, λ = \(.arrival_rate * 1000 | round / 1000) per second over the run, W = \(.response_ms.mean * 10000 | round / 10000) ms; λW = \(.arrival_rate * .response_ms.mean / 1000 * 10000 | round / 10000)."'
