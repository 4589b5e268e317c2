#!/usr/bin/env bash
# The N-1 table of docs/capacity.md: scenarios/capacity_n_minus_1.lua at
# several loads (fractions of the full capacity, 3 x 500 per second), one
# of the three servers crashing at 10 s, seeds 1-5: the survivors' rho,
# M/M/1's mean response time against the servers' measured one before
# and after the loss, and the availability after it.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/sweep_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sweep_positional scenarios/capacity_n_minus_1.lua --param load=0.5,0.6,0.65,0.7,0.75 --seeds 1-5 --jobs 2 \
  -m rho_after -m w_before_ms -m w_after_ms -m avail_after -m avail_late -m queue_max --csv "$tmp/n1.csv" > /dev/null
echo "| load | rho before, after the loss | mean response before: M/M/1, measured | after: M/M/1, measured | availability 3-36 s | 15-36 s | longest queue |"
echo "|---|---|---|---|---|---|---|"
# Columns: load,runs,availability,_se,rho_after,_se,w_before_ms,_se,w_after_ms,_se,avail_after,_se,
#          avail_late,_se,queue_max,_se
awk -F, 'NR > 1 {
  mu = 500; rho = $1; lb = rho * mu
  after = $5 < 1 ? sprintf("%.1f ms", 1000 / (mu - $5 * mu)) : "unbounded"
  wa = $9 >= 1000 ? sprintf("%.0f ms", $9) : sprintf("%.1f ms", $9)
  printf "| %s | %.2f, %.3f | %.1f ms, %.1f ms | %s, %s | %.4f | %.4f | %.0f |\n", \
    $1, rho, $5, 1000 / (mu - lb), $7, after, wa, $11, $13, $15
}' "$tmp/n1.csv"
sweep_positional scenarios/capacity_n_minus_1.lua --param eject_for=5s --set load=0.6 --seeds 1-5 --jobs 2 \
  -m w_after_ms -m avail_after --csv "$tmp/eject.csv" > /dev/null
echo ""
# Columns: eject_for,runs,availability,_se,w_after_ms,_se,avail_after,_se
awk -F, 'NR == 2 { printf "At load 0.6 with eject_for = %s, the survivors'"'"' mean response after the loss is %.1f ms (availability %.4f).\n", $1, $5, $7 }' "$tmp/eject.csv"
echo ""
echo "(Means over seeds 1-5; 3 servers of mu = 500 per second; s3 crashes at 3 s; the 1000-place queues bound the growth.)"
