#!/usr/bin/env bash
# The quorum cost table of docs/capacity.md: scenarios/capacity_quorum_cost.lua
# with W = 2 and W = 3, send_to = quorum and all, seeds 1-10: the saturation
# goodput at 1000 writes per second offered (mean and 95% interval), the
# messages a write cost the replicas, and at 400 per second the replicas'
# utilization and the mean write latency; then, seeds 1-5, versions from a
# read phase (R = 2) at 200 per second and at saturation, and what a 20 ms
# sloppy_after does near and above capacity.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/quorum_cost_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
quorum_cost_rows 1-10 > "$tmp/sat"
quorum_cost_rows 1-10 rate=400 > "$tmp/low"
quorum_cost_rows 1-5 versions=read rate=200 > "$tmp/read"
quorum_cost_rows 1-5 versions=read > "$tmp/readsat"
echo "| send_to | W | messages per write (measured) | capacity 3μ / m (writes/s) | goodput at 1000/s offered (measured) | replica utilization at 400/s (measured) | 400 m / 1500 | mean write latency at 400/s |"
echo "|---|---|---|---|---|---|---|---|"
# Rows: SEND_TO W RUNS GOODPUT GOODPUT_SE MSGS UTIL LATENCY_MS; t = 2.262 for 9 degrees of freedom.
join -j 1 <(awk '{ print $1 "/" $2, $0 }' "$tmp/sat" | sort) <(awk '{ print $1 "/" $2, $7, $8 }' "$tmp/low" | sort) |
  sort -k2,2r -k3,3n |
  awk '{ m = $7; printf "| %s | %s | %g | %.0f | %.1f ± %.1f | %.3f | %.3f | %.2f ms |\n", $2, $3, m, 1500 / m, $5, 2.262 * $6, $10, 400 * m / 1500, $11 }'
awk '{ g[$1 " " $2] = $4 } END {
  printf "\nSaturation goodput W = 2 / W = 3: %.3f with send_to = quorum (predicted 3/2), %.3f with send_to = all (predicted 1).\n",
    g["quorum 2"] / g["quorum 3"], g["all 2"] / g["all 3"] }' "$tmp/sat"
echo ""
echo "With versions = \"read\" (a write first queries R = 2 replicas, then writes to W):"
echo ""
echo "| send_to | W | messages per write at 200/s (measured) | R + W, or 2N | capacity 3μ / m | replica utilization at 200/s (measured) | 200 m / 1500 | goodput at 1000/s offered (measured) |"
echo "|---|---|---|---|---|---|---|---|"
join -j 1 <(awk '{ print $1 "/" $2, $0 }' "$tmp/read" | sort) <(awk '{ print $1 "/" $2, $4, $5 }' "$tmp/readsat" | sort) |
  sort -k2,2r -k3,3n |
  awk '{ m = $2 == "all" ? 6 : 2 + $3
         printf "| %s | %s | %g | %d | %.0f | %.3f | %.3f | %.1f ± %.1f |\n", $2, $3, $7, m, 1500 / m, $8, 200 * m / 1500, $10, 2.776 * $11 }'
echo ""
echo "send_to = quorum, W = 2, with the default sloppy_after = 20 ms (more replicas asked after 20 ms without the quorum):"
echo ""
echo "| offered (writes/s) | messages per write | goodput (writes/s) |"
echo "|---|---|---|"
for rate in 700 1000; do
  sweep_positional scenarios/capacity_quorum_cost.lua --param "rate=$rate" --set send_to=quorum --set w=2 \
    --set sloppy_after=20ms --seeds 1-5 --jobs 2 -m goodput_per_s -m messages_per_write --csv "$tmp/s.csv" > /dev/null
  # Columns: rate,runs,availability,_se,goodput_per_s,_se,messages_per_write,_se
  awk -F, 'NR == 2 { printf "| %s | %.3f | %.1f ± %.1f |\n", $1, $7, $5, 2.776 * $6 }' "$tmp/s.csv"
done
echo ""
echo "(10 seeds per row in the first table, 5 in the others; 95% intervals; N = 3 replicas, exponential service of mean 2 ms, mu = 500/s each; goodput: writes acknowledged per second from 2 s to 10 s of load.)"
