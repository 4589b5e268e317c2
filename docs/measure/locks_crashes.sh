#!/usr/bin/env bash
# docs/locks.md: lock_redlock_crashes.lua with 0-3 of 5 servers down.
set -euo pipefail
. docs/measure/locks_lib.sh
s=scenarios/lock_redlock_crashes.lua
echo "| crashed | lock_availability (mean of seeds 1-30) | acquisitions (mean) | two holders (mean) | acquire latency p50, seed 1 |"
echo "|---|---|---|---|---|"
sweep_csv $s --param crashed=0,1,2,3 --seeds 30 --metric lock_availability --metric acquisitions --metric overlaps |
  while IFS=, read -r c _ _ _ la _ acq _ ov _; do
    p50=$(json $s 1 --set crashed="$c" | jq -r '.metrics.acquire_latency_ms.p50 // "-"')
    [ "$p50" = - ] || p50=$(printf '%.1f ms' "$p50")
    printf '| %s | %.3f | %.1f | %.2f | %s |\n' "$c" "$la" "$acq" "$ov" "$p50"
  done
