#!/usr/bin/env bash
# docs/locks.md: lock_naive_pause.lua, seed 1 and seeds 1-50.
set -euo pipefail
. docs/measure/locks_lib.sh
s=scenarios/lock_naive_pause.lua
j=$(json $s 1)
m() { printf '%s' "$j" | jq ".metrics.$1"; }
echo "| | overlaps | locks_deleted_by_non_owner | unsafe_writes |"
echo "|---|---|---|---|"
echo "| seed 1 | $(m overlaps) | $(m locks_deleted_by_non_owner) | $(m unsafe_writes) |"
sweep_csv $s --param ttl=1s --seeds 50 --metric overlaps --metric locks_deleted_by_non_owner --metric unsafe_writes |
  awk -F, '{ printf("| seeds 1-50, mean | %.2f | %.2f | %.2f |\n", $5, $7, $9) }'
echo "| seeds 1-50 with an overlap and a foreign delete | $(held $s) | | |"
