#!/usr/bin/env bash
# The retries table of docs/capacity.md: scenarios/retry_amplification.lua
# (an echo server at rho = 0.6, paused for 2 s at t = 3 s) under each retry
# policy, seeds 1-10: load amplification, attempts per second during the
# pause, recovery after it and availability at the end of the run.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/sweep_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sweep_positional scenarios/retry_amplification.lua --param retry=none,immediate,backoff,budget --seeds 1-10 \
  --jobs 2 -m amplification -m attempts_pause -m availability_after -m recovered -m recovery_s \
  --csv "$tmp/r.csv" > /dev/null
echo "| clients retry | attempts / ops | attempts per second during the pause | recovered after the pause | availability from 9.5 s |"
echo "|---|---|---|---|---|"
# Columns: retry,runs,availability,_se,amplification,_se,attempts_pause,_se,
# availability_after,_se,recovered,_se,recovery_s,_se
awk -F, 'NR > 1 {
  name = $1 == "none" ? "no (timeout only)" : $1 == "immediate" ? "3 retries at once" : \
         $1 == "backoff" ? "3 retries, exp:50ms,2,1s, full jitter" : "3 retries at once, budget 0.1 + 10"
  rec = $11 == 1 ? sprintf("in %.2f s (all %d runs)", $13, $2) : $11 == 0 ? sprintf("no (0 of %d runs)", $2) \
        : sprintf("in %.0f%% of runs", 100 * $11)
  printf "| %s | %.2f | %.0f | %s | %.3f |\n", name, $5, $7, rec, $9
}' "$tmp/r.csv"
echo ""
echo "(10 seeds per row, means; 300 pings per second offered to a server that serves 500.)"
