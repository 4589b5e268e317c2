#!/usr/bin/env bash
# README "2PC or a quorum?": both protocols at p = 0.1 (each node down a
# tenth of the time), 10 seeds each, beside their formulas.
set -euo pipefail
. docs/measure/sweep_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sweep_positional scenarios/compare_2pc.lua --param down=0.1 --seeds 10 --jobs 2 \
  --metric formula_all_up --csv "$tmp/2pc.csv" >/dev/null
sweep_positional scenarios/compare_quorum.lua --param down=0.1 --seeds 10 --jobs 2 \
  --metric formula_quorum --csv "$tmp/quorum.csv" >/dev/null
# CSV columns: down,runs,availability,availability_se,formula,formula_se
awk -F, 'FNR == 2 { a[++n] = $3; se[n] = $4; f[n] = $5 } END {
  printf "At p = 0.1 the measured availability is %.2f ± %.3f for 2PC against (1−p)⁴ = %.2f,\n", a[1], se[1], f[1]
  printf "and %.3f ± %.3f for the quorum against the k-of-n formula'"'"'s %.3f (10 seeds per\n", a[2], se[2], f[2]
  print "point; the figures are in the sweep'"'"'s table)."
}' "$tmp/2pc.csv" "$tmp/quorum.csv"
