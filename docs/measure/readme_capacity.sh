#!/usr/bin/env bash
# The README's capacity summary: the worst point of the queueing-theory
# table (docs/capacity.md) over seeds 1-20.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. "$(dirname "$0")/capacity_lib.sh"
queueing_rows 1-20 | awk '{
  lo = ($5 - 2.093 * $6) / $4 - 1; hi = ($5 + 2.093 * $6) / $4 - 1
  worst = -lo > hi ? -lo : hi
  if (worst > max) max = worst
  n++
} END {
  printf "Over 20 seeds the measured mean response time of all %d points, with its\n", n
  printf "95%% confidence interval, is within %.1f%% of the formula (the tolerance is 5%%).\n", 100 * max
}'
