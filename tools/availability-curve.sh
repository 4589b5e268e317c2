#!/bin/sh
# "Is 2PC or a quorum more available?" as a curve: sweeps the fraction of
# time each node is down over scenarios/compare_2pc.lua and
# scenarios/compare_quorum.lua, and plots measured availability (with
# standard errors over seeds) next to each protocol's formula.
#
#   tools/availability-curve.sh [OUT.png]     (default build/plots/2pc-vs-quorum.png)
#
# FAULTSIM overrides the binary (build/faultsim); SEEDS the seeds per point
# (default 10); JOBS the runs at once (default: the number of cores).
set -eu
out=${1:-build/plots/2pc-vs-quorum.png}
faultsim=${FAULTSIM:-build/faultsim}
seeds=${SEEDS:-10}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
downs=0.01,0.02,0.05,0.1,0.15,0.2,0.3
dir=$(dirname "$out")
mkdir -p "$dir"
# points SCENARIO FORMULA NAME: sweeps SCENARIO and writes $dir/NAME.dat,
# a row per point: p, mean availability, its standard error, the formula
# (columns picked by name from the sweep's CSV).
points() {
  "$faultsim" sweep "$1" --param down=$downs --seeds "$seeds" --jobs "$jobs" --metric "$2" --csv "$dir/$3.csv"
  awk -F, -v f="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { print $1 "," $c["availability_mean"] "," $c["availability_se"] "," $c[f "_mean"] }' "$dir/$3.csv" > "$dir/$3.dat"
}
points scenarios/compare_2pc.lua formula_all_up 2pc
points scenarios/compare_quorum.lua formula_quorum quorum
here=$(dirname "$0")
gnuplot -c "$here/../plots/compare.gp" "$dir/2pc.dat" "2PC, 1 coordinator + 3 participants" "(1-p)^4" \
  "$dir/quorum.dat" "quorum reads and writes, N=3, R=W=2" "k-of-n" "$out" \
  "Availability as nodes fail more often ($seeds seeds per point)" "p: fraction of time each node is down"
echo "$out"
