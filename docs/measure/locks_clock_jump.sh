#!/usr/bin/env bash
# docs/locks.md: lock_redlock_clock_jump.lua and its variants (two clients,
# one grant each: overlaps per run is 0 or 1, mean x seeds counts seeds).
set -euo pipefail
. docs/measure/locks_lib.sh
s=scenarios/lock_redlock_clock_jump.lua
echo "| run | seeds | with two holders |"
echo "|---|---|---|"
sweep_csv $s --param jump=2s,0 --seeds 100 --metric overlaps |
  awk -F, '{ printf("| %s | 1-100 | %d |\n", $1 == "0" ? "no jump (`--set jump=0`)" : "r3 jumps +2 s, links cut", $5 * 100 + 0.5) }'
sweep_csv $s --param split=false --seeds 20 --metric overlaps |
  awk -F, '{ printf("| r3 jumps, no cut links (`--set split=false`) | 1-20 | %d |\n", $5 * 20 + 0.5) }'
echo
echo "Seed 1: \`$(json $s 1 | jq -r '.invariants[] | select(.name == "mutual_exclusion") | .examples[0]')\`."
