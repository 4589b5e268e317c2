#!/usr/bin/env bash
# docs/kv.md: what a strict quorum (N = 3, R = W = 2, versions from a read
# phase) gives in real time under each fault, next to ABD. Rows of the
# fault matrix (scenarios/kv_quorum_faults.lua and kv_abd_faults.lua with
# --set lincheck=true for kv.quorum, so every client waits for its
# operation), then the slow-writer contention scenario
# (scenarios/kv_abd_contention.lua) for both stores, and a leave under load
# with lossy links and few keys (scenarios/kv_leave.lua). Seeds 1-10.
set -euo pipefail
. "$(dirname "$0")/kv_lib.sh"
# row LABEL PREFIX FILE SETTINGS...: stale reads, reads checked, seeds not
# linearizable, seeds undecided, quorums short of distinct replicas.
row() {
  local label=$1 prefix=$2 file=$3; shift 3
  for seed in $(seq 1 10); do
    run_json "$file" --seed "$seed" "$@" |
      jq -r --arg p "$prefix" '[.metrics[$p + "_stale_reads"], .metrics[$p + "_reads_checked"], .metrics[$p + "_lincheck"],
        ([.invariants[] | select(.name == "quorum_distinct") | .violations] | add // 0)] | @tsv'
  done | awk -F'\t' -v l="$label" '{ s += $1; c += $2; if ($3 == "") na = 1; else if ($3 == 0) bad++; else if ($3 == -1) unk++; q += $4 }
    END { if (na) printf "| %s | %d | %d | not checked | | %d |\n", l, s, c, q
          else printf "| %s | %d | %d | %d of 10 | %d | %d |\n", l, s, c, bad, unk, q }'
}
echo "| store, fault | stale reads | reads checked | not linearizable | undecided | quorums short |"
echo "|---|---|---|---|---|---|"
for fault in none loss duplicate reorder delay crash all; do
  row "kv.quorum, $fault" kv scenarios/kv_quorum_faults.lua --set "fault=$fault" --set lincheck=true
done
row "kv.abd, all" abd scenarios/kv_abd_faults.lua --set fault=all
row "kv.quorum, slow writer" kv scenarios/kv_abd_contention.lua --set store=quorum
row "kv.abd, slow writer" abd scenarios/kv_abd_contention.lua
row "kv.quorum, N=R=W=1, a leave under load" kv scenarios/kv_leave.lua --set keys=30 --set rate=1000 \
  --set loss=0.3 --set client_loss=0.2
