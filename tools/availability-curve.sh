#!/bin/sh
# "Is 2PC or a quorum more available?" as a curve: sweeps how long each
# node stays up (MTTF; down for Exp(0.5 s) after each crash) over
# scenarios/availability_mttf.lua for 2PC (all of 4 nodes) and for a
# majority quorum (2 of 3), and draws the measured availability (mean and
# 95% confidence interval over seeds) beside each protocol's analytic{}
# formula with `faultsim plot curve`, which also prints every point's
# distance from its formula in standard errors. `make curve` runs it.
#
#   tools/availability-curve.sh [OUT.png]     (default build/plots/availability-mttf.png)
#
# FAULTSIM overrides the binary (build/faultsim); SEEDS the seeds per point
# (default 20); MTTFS the values (default 0.5,1,2,4,8 seconds); JOBS the
# runs at once (default: the number of cores). The sweeps' CSVs and the
# plotted data are kept beside the picture. docs/img/availability-mttf.png
# is this script's output with the defaults.
set -eu
out=${1:-build/plots/availability-mttf.png}
faultsim=${FAULTSIM:-build/faultsim}
seeds=${SEEDS:-20}
mttfs=${MTTFS:-0.5,1,2,4,8}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
here=$(dirname "$0")
scenario=$here/../scenarios/availability_mttf.lua
dir=$(dirname "$out")
mkdir -p "$dir"
for p in 2pc quorum; do
  "$faultsim" sweep "$scenario" --set protocol=$p --param mttf="$mttfs" --seeds "$seeds" --jobs "$jobs" \
    --csv "$dir/mttf-$p.csv" > "$dir/mttf-$p.txt"
done
"$faultsim" plot curve "$dir/mttf-2pc.csv" "$dir/mttf-quorum.csv" --scenario "$scenario" \
  --set protocol=2pc --set protocol=quorum --x mttf --logx \
  --label "2PC: coordinator + 3 participants, all up" --label "quorum: 2 of 3 replicas up" \
  --xlabel "MTTF of each node (s, log scale); MTTR 0.5 s" --data "${out%.*}.tsv" -o "$out" \
  --title "Availability as nodes fail less often (scenarios/availability_mttf.lua, $seeds seeds per point)"
