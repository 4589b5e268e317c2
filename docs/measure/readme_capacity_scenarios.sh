#!/usr/bin/env bash
# The README's N-1 and metastable summaries (section "Capacity"), from
# scenarios/capacity_n_minus_1.lua at 60% and 75% load and
# scenarios/metastable.lua under each mitigation, seeds 1-3 (means).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/sweep_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sweep_positional scenarios/capacity_n_minus_1.lua --param load=0.6,0.75 --seeds 1-3 --jobs 2 \
  -m w_before_ms -m w_after_ms -m avail_after -m avail_late --csv "$tmp/n1.csv" > /dev/null
for loop in open closed; do
  sweep_positional scenarios/metastable.lua --param mitigation=none,backoff,budget,shed --set "loop=$loop" \
    --seeds 1-3 --jobs 2 -m avail_after -m recovery_s --csv "$tmp/$loop.csv" > /dev/null
done
# n1.csv: load,runs,availability,_se,w_before_ms,_se,w_after_ms,_se,avail_after,_se,avail_late,_se
awk -F, 'NR == 2 { printf "At 60%% of full capacity, losing one of three servers raises the mean response\ntime from %.1f ms to %.1f ms, and availability after the loss is %.4f;\n", $5, $7, $9 }
         NR == 3 { printf "at 75%%, availability from 15 s on is %.4f (seeds 1-3).\n", $11 }' "$tmp/n1.csv"
echo ""
# LOOP.csv: mitigation,runs,availability,_se,avail_after,_se,recovery_s,_se
awk -F, 'function back(r) { return r >= 99 ? "never back" : r == 0 ? "up as the pause ends" : sprintf("back after %.1f s", r) }
  FNR == 1 { loop = FILENAME ~ /open/ ? "open" : "closed" }
  FNR > 1 { a[loop, $1] = $5; r[loop, $1] = $7 }
  END {
    printf "After the 2 s pause, availability from 24 s on is %.3f without mitigation\n(%s); ", a["open", "none"], back(r["open", "none"])
    printf "with a retry budget %.3f (%s), with load\nshedding %.3f (%s); ", a["open", "budget"], back(r["open", "budget"]), a["open", "shed"], back(r["open", "shed"])
    printf "backoff gives %.3f with open-loop\nclients (%s) and %.3f with closed-loop ones (%s).\n", a["open", "backoff"], back(r["open", "backoff"]), a["closed", "backoff"], back(r["closed", "backoff"])
    print "(Seeds 1-3, means.)"
  }' "$tmp/open.csv" "$tmp/closed.csv"
