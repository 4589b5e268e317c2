#!/usr/bin/env bash
# docs/kv.md: scenarios/kv_leave.lua (11 servers, 11,000 preloaded keys,
# two clients, s11 or another server leaves at 1 s), seed 1: keys moved,
# their share, handoff time, client operations ok, stale reads, and keys
# lost or short of a replica at the end.
set -euo pipefail
. "$(dirname "$0")/kv_lib.sh"
echo "| ring | keys moved | fraction | handoff time | reads/writes ok | stale reads | lost / under-replicated keys |"
echo "|---|---|---|---|---|---|---|"
row() { # LABEL SETTINGS...
  local label=$1; shift
  run_json scenarios/kv_leave.lua --seed 1 "$@" |
    jq -r '.metrics | [.kv_keys_moved, .kv_handoff_ms, .kv_read_ok, .kv_read_ok + .kv_read_info,
             .kv_write_ok, .kv_write_ok + .kv_write_info, .kv_stale_reads, .kv_lost_keys, .kv_under_replicated_keys] | @tsv' |
    awk -F'\t' -v l="$label" '{ printf "| %s | %d | %.3f | %.0f ms | %d/%d, %d/%d | %d | %d / %d |\n",
                                  l, $1, $1 / 11000, $2, $3, $4, $5, $6, $7, $8, $9 }'
}
for ring in vnodes ketama jump rendezvous modulo; do row "$ring" --set "ring=$ring"; done
row "vnodes, \`--set replicas=3\` (copies)" --set replicas=3
row "vnodes, \`--set leave=s6\`" --set leave=s6
row "jump, \`--set leave=s6\`" --set ring=jump --set leave=s6
