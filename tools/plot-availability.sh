#!/bin/sh
# Runs a scenario with --csv and plots its availability timeline with
# plots/availability.gp.
#
#   tools/plot-availability.sh [SCENARIO.lua [OUT.png [faultsim run options...]]]
#
# Defaults: scenarios/nemesis.lua, build/plots/<scenario>-availability.png.
# Extra arguments go to `faultsim run` (e.g. --seed 3 --window 1s). The CSV
# is kept next to the PNG. FAULTSIM overrides the binary (build/faultsim).
# Exit status: that of `faultsim run` if it failed to run (2), else gnuplot's;
# a run whose expectations failed (1) is still plotted.
set -eu
scenario=${1:-scenarios/nemesis.lua}
name=$(basename "$scenario" .lua)
out=${2:-build/plots/$name-availability.png}
[ $# -ge 2 ] && shift 2 || shift $#
faultsim=${FAULTSIM:-build/faultsim}
csv=${out%.png}.csv
mkdir -p "$(dirname "$out")"
status=0
"$faultsim" run "$scenario" --csv "$csv" "$@" >/dev/null || status=$?
if [ "$status" -ge 2 ]; then
  echo "plot-availability: faultsim run $scenario failed (exit $status)" >&2
  exit "$status"
fi
here=$(dirname "$0")
gnuplot -c "$here/../plots/availability.gp" "$csv" "$out" "$name (faultsim run $scenario${*:+ $*})"
echo "$out"
