#!/usr/bin/env bash
# README "2PC or a quorum?": scenarios/availability_mttf.lua at MTTF 1 s
# (MTTR 0.5 s, so each node is up 2/3 of the time), 20 seeds per protocol,
# beside the formulas a^4 and a^3 + 3a^2(1 - a). The sweep CSV's columns
# are found by name (availability or availability_mean, availability_se).
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for p in 2pc quorum; do
  "$FAULTSIM" sweep scenarios/availability_mttf.lua --set protocol=$p --param mttf=1 --seeds 20 --jobs 2 \
    --csv "$tmp/$p.csv" >/dev/null
done
awk -F, '
  FNR == 1 { for (i = 1; i <= NF; i++) { if ($i == "availability" || $i == "availability_mean") m = i
                                          if ($i == "availability_se") s = i }; next }
  { n++; mean[n] = $m; se[n] = $s }
  END {
    a = 1 / 1.5
    printf "At MTTF = 1 s (each node up a = 2/3 of the time) the measured availability is\n"
    printf "%.3f ± %.3f for 2PC against a⁴ = %.3f, and %.3f ± %.3f for the quorum against\n", mean[1], se[1], a ^ 4, mean[2], se[2]
    printf "a³ + 3a²(1 − a) = %.3f (20 seeds per point, mean ± standard error).\n", a ^ 3 + 3 * a ^ 2 * (1 - a)
  }' "$tmp/2pc.csv" "$tmp/quorum.csv"
