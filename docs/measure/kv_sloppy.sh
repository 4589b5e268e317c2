#!/usr/bin/env bash
# docs/kv.md: scenarios/kv_sloppy.lua (5 servers, N = 3, R = 1, W = 2, two
# of key 0's replicas down from 1 s to 3 s), seeds 1-3, strict against
# sloppy quorum: writes invoked during the outage that succeeded, write
# availability over the run, hinted writes, hints delivered, divergent keys,
# and stale reads (real time) in each mode.
set -euo pipefail
. "$(dirname "$0")/kv_lib.sh"
measure() {
  jq -r '[.metrics.kv_outage_write_availability * .metrics.kv_outage_writes, .metrics.kv_outage_writes,
          .metrics.kv_write_availability, .metrics.kv_hinted_writes, .metrics.kv_hints_delivered,
          .metrics.kv_divergent_keys, (.invariants[] | select(.name == "stale_read") | .violations)] | @tsv'
}
echo "| seed | strict: outage writes ok | write avail. | stale reads | sloppy: outage writes ok | write avail. | hinted writes | hints delivered | divergent | stale reads |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for seed in 1 2 3; do
  strict=$(run_json scenarios/kv_sloppy.lua --seed "$seed" | measure)
  sloppy=$(run_json scenarios/kv_sloppy.lua --seed "$seed" --set sloppy=true | measure)
  printf '%s\t%s\t%s\n' "$seed" "$strict" "$sloppy" |
    awk -F'\t' '{ printf "| %d | %d/%d | %.3f | %d | %d/%d | %.3f | %d | %d | %d | %d |\n", $1, $2, $3, $4, $8, $9, $10, $11, $12, $13, $14, $15 }'
done
