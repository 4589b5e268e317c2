#!/usr/bin/env bash
# docs/locks.md: lock_redlock_drift.lua, seeds 1-200 (two clients, one grant
# each: a run has 0 or 1 overlaps, so mean x 200 counts seeds).
set -euo pipefail
. docs/measure/locks_lib.sh
s=scenarios/lock_redlock_drift.lua
echo "| r3's clock fast by | drift_factor (allowance for a 1 s TTL) | seeds of 1-200 with two holders |"
echo "|---|---|---|"
sweep_csv $s --param drift_factor=0.01,0 --seeds 200 --metric overlaps |
  awk -F, '{ printf("| 0.9%% | %s (%d ms) | %d |\n", $1, $1 * 1000 + 2, $5 * 200 + 0.5) }'
sweep_csv $s --param ppm=15000 --seeds 200 --metric overlaps |
  awk -F, '{ printf("| 1.5%% | 0.01 (12 ms) | %d |\n", $5 * 200 + 0.5) }'
echo
sweep_csv $s --param drift_factor=0.01 --seeds 200 --metric client2_after_client1_ms |
  awk -F, '{ printf("With the allowance, client2 gets the lock %.1f ms (mean) after client1'"'"'s validity ends.\n", $5) }'
