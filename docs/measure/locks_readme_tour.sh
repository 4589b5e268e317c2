#!/usr/bin/env bash
# README.md, "What make run shows": the GC pause over seeds 1-50 (one write
# per client, so unsafe_writes and stale_token_rejections per run are 0 or
# 1 and mean x 50 counts seeds).
set -euo pipefail
. docs/measure/locks_lib.sh
counts() {
  sweep_csv scenarios/lock_gc_pause.lua --param model="$1" --seeds 50 --metric "$2" | awk -F, '{ printf("%d", $5 * 50 + 0.5) }'
}
echo "Across seeds 1–50 (\`build/faultsim check scenarios/lock_gc_pause.lua"
echo "scenarios/lock_gc_pause_fenced.lua\`) the lease lock lets the stale write"
echo "through in $(counts lock.lease unsafe_writes) of 50 seeds and the fenced lock rejects it in $(counts lock.fenced stale_token_rejections) of 50."
