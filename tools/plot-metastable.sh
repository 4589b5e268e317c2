#!/usr/bin/env bash
# A metastable failure and its mitigations in one picture: runs
# scenarios/metastable.lua for each mitigation (none, backoff, budget,
# shed) with open-loop and with closed-loop clients, writes each run's
# availability timeline (faultsim run --csv, 500 ms windows), and plots
# them with plots/metastable.gp, one panel per mitigation.
#
#   tools/plot-metastable.sh [OUT.png [faultsim run options...]]
#
# Default OUT: build/plots/metastable.png; the CSVs are kept in
# build/plots/metastable-data/ (DATA overrides). Extra arguments go to every
# `faultsim run` (e.g. --seed 3). FAULTSIM overrides the binary
# (build/faultsim). docs/img/metastable.png is this script's output at
# seed 1. Exit status: 2 if a run could not run, else gnuplot's; a run
# whose expectations failed (exit 1) is still plotted.
set -euo pipefail
out=${1:-build/plots/metastable.png}
[ $# -ge 1 ] && shift
faultsim=${FAULTSIM:-build/faultsim}
here=$(cd "$(dirname "$0")" && pwd)
data=${DATA:-build/plots/metastable-data}
mkdir -p "$data"
for mitigation in none backoff budget shed; do
  for loop in open closed; do
    status=0
    "$faultsim" run "$here/../scenarios/metastable.lua" --set "mitigation=$mitigation" --set "loop=$loop" \
      --window 500ms --csv "$data/$mitigation-$loop.csv" "$@" > /dev/null || status=$?
    if [ "$status" -ge 2 ]; then
      echo "plot-metastable: faultsim run scenarios/metastable.lua (mitigation=$mitigation, loop=$loop) failed (exit $status)" >&2
      exit "$status"
    fi
  done
done
gnuplot -c "$here/../plots/metastable.gp" "$data" "$out"
echo "$out"
