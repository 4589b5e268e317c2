#!/usr/bin/env bash
# The mitigation table of docs/capacity.md ("Metastable failure"):
# scenarios/metastable.lua for each mitigation, with open-loop and with
# closed-loop clients, seeds 1-3: the theory's attempt rate of failing
# operations, then what the clients sent after the trigger (attempts per
# operation, attempts per second, 24 s to 44 s), the availability of that
# stretch and how long after the trigger availability came back.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/sweep_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for loop in open closed; do
  sweep_positional scenarios/metastable.lua --param mitigation=none,backoff,budget,shed --set "loop=$loop" \
    --seeds 1-3 --jobs 2 -m offered_fail_theory -m attempts_per_op -m offered_per_s -m avail_after -m recovery_s \
    --csv "$tmp/$loop.csv" > /dev/null
done
echo "| clients | mitigation | attempts per second if every operation fails (theory) | attempts per op (measured) | attempts per second (measured) | availability 24-44 s | back to >= 0.99 after |"
echo "|---|---|---|---|---|---|---|"
# Columns: mitigation,runs,availability,_se,offered_fail_theory,_se,attempts_per_op,_se,offered_per_s,_se,
#          avail_after,_se,recovery_s,_se
for loop in open closed; do
  awk -F, -v loop="$loop" 'NR > 1 {
    verdict = $5 > 500 ? "> mu" : "< mu"
    back = $13 >= 99 ? "never" : sprintf("%.1f s", $13)
    printf "| %s | %s | %.0f (%s) | %.2f | %.0f | %.3f | %s |\n", loop, $1, $5, verdict, $7, $9, $11, back
  }' "$tmp/$loop.csv"
done
echo ""
echo "(Means over seeds 1-3; mu = 500 per second; the trigger is a 2 s pause at 10 s.)"
