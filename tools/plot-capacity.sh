#!/bin/sh
# Searches a scenario's capacity with `faultsim capacity --csv` and plots
# the probes with plots/capacity.gp: p99 latency and availability against
# offered load, the analytic p99 when the scenario sets a theory_p99_ms
# metric, and the capacity found.
#
#   tools/plot-capacity.sh [SCENARIO.lua [OUT.png [faultsim capacity options...]]]
#
# Defaults: scenarios/capacity_search_mm1.lua, build/plots/<scenario>-capacity.png,
# and, when no options are given, --param rate --slo 'availability>=0.99'
# --slo 'p99<=20ms' --seeds 8 -j 2. The CSV is kept next to the PNG and the
# search's summary is printed. FAULTSIM overrides the binary (build/faultsim).
# Exit status: that of `faultsim capacity` if it failed (2 or 3), else gnuplot's.
set -eu
scenario=${1:-scenarios/capacity_search_mm1.lua}
name=$(basename "$scenario" .lua)
out=${2:-build/plots/$name-capacity.png}
[ $# -ge 2 ] && shift 2 || shift $#
[ $# -gt 0 ] || set -- --param rate --slo 'availability>=0.99' --slo 'p99<=20ms' --seeds 8 -j 2
faultsim=${FAULTSIM:-build/faultsim}
csv=${out%.png}.csv
summary=${out%.png}.txt
mkdir -p "$(dirname "$out")"
status=0
"$faultsim" capacity "$scenario" --csv "$csv" --quiet "$@" > "$summary" || status=$?
if [ "$status" -ne 0 ]; then
  echo "plot-capacity: faultsim capacity $scenario failed (exit $status)" >&2
  exit "$status"
fi
cat "$summary"
capacity=$(sed -n 's/^capacity [^ ]* = \([^ ]*\).*/\1/p' "$summary")
theory=0
head -n 1 "$csv" | tr ',' '\n' | grep -qx theory_p99_ms && theory=1
here=$(dirname "$0")
gnuplot -c "$here/../plots/capacity.gp" "$csv" "$out" "$name (faultsim capacity $scenario $*)" "$capacity" "$theory"
echo "$out"
