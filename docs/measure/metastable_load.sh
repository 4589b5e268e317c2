#!/usr/bin/env bash
# The stable/vulnerable table of docs/capacity.md ("Metastable failure"):
# scenarios/metastable.lua without mitigation and with open-loop clients,
# at several loads and without the trigger, seeds 1-3: the theory's
# attempt rate of failing operations against mu, and the availability
# after the trigger.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/sweep_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sweep_positional scenarios/metastable.lua --param load=0.2,0.3,0.5,0.75 --seeds 1-3 --jobs 2 \
  -m offered_fail_theory -m avail_after -m recovery_s --csv "$tmp/load.csv" > /dev/null
sweep_positional scenarios/metastable.lua --param trigger=0 --seeds 1-3 --jobs 2 \
  -m offered_fail_theory -m avail_after -m recovery_s --csv "$tmp/none.csv" > /dev/null
echo "| load | trigger | attempts per second if every operation fails, 4 x lambda | state | availability 24-44 s | back to >= 0.99 after |"
echo "|---|---|---|---|---|---|"
# Columns: PARAM,runs,availability,_se,offered_fail_theory,_se,avail_after,_se,recovery_s,_se
awk -F, 'NR > 1 {
  state = $5 > 500 ? "vulnerable" : "stable"
  back = $9 >= 99 ? "never" : sprintf("%.1f s", $9)
  printf "| %s | 2 s pause | %.0f | %s | %.3f | %s |\n", $1, $5, state, $7, back
}' "$tmp/load.csv"
awk -F, 'NR > 1 { printf "| 0.75 | none | %.0f | vulnerable | %.3f | - |\n", $5, $7 }' "$tmp/none.csv"
echo ""
echo "(No mitigation, open-loop clients, means over seeds 1-3; mu = 500 per second.)"
