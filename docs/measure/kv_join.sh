#!/usr/bin/env bash
# docs/kv.md: scenarios/kv_join.lua (10 servers, 11,000 preloaded keys, s11
# joins at 1 s), seed 1, per placement algorithm: keys moved, their share,
# and the time from the join to the last acknowledged handoff.
set -euo pipefail
. "$(dirname "$0")/kv_lib.sh"
echo "| ring | keys moved | fraction | handoff time | divergent keys |"
echo "|---|---|---|---|---|"
row() { # LABEL SETTINGS...
  local label=$1; shift
  run_json scenarios/kv_join.lua --seed 1 "$@" |
    jq -r '.metrics | [.kv_keys_moved, .kv_handoff_ms, .kv_divergent_keys] | @tsv' |
    awk -F'\t' -v l="$label" '{ printf "| %s | %d | %.3f | %.0f ms | %d |\n", l, $1, $1 / 11000, $2, $3 }'
}
for ring in vnodes ketama jump rendezvous modulo; do row "$ring" --set "ring=$ring"; done
row "vnodes, \`--set replicas=3\` (copies)" --set replicas=3
