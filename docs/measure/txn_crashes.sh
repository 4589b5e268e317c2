#!/usr/bin/env bash
# docs/txn.md: the coordinator crashes after the votes (txn_2pc_coord_crash.lua
# and its 3PC variant), seeds 1-20.
set -euo pipefail
. docs/measure/locks_lib.sh
s=scenarios/txn_2pc_coord_crash.lua
echo "| run | in doubt at most | blocked participants (mean) | the hit transaction: aborts / commits at participants (mean) | violations over seeds 1-20 |"
echo "|---|---|---|---|---|"
row() {
  local label=$1 proto=$2
  shift 2
  local doubt bad
  doubt=$(values $s 20 '.metrics["txn.in_doubt_max_s"]' --set proto="$proto" "$@" | range %.4f)
  bad=$(sweep_csv $s --param proto="$proto" --seeds 20 --metric txn.atomicity_conflicts --metric txn.lost_commits "$@" |
        awk -F, '{ print ($5 + $7) * 20 }')
  sweep_csv $s --param proto="$proto" --seeds 20 --metric txn.blocked --metric hit_txn_part_abort \
    --metric hit_txn_part_commit "$@" |
    awk -F, -v l="$label" -v d="$doubt" -v v="$bad" \
      '{ printf("| %s | %s s | %.2f | %.2f / %.2f | %d |\n", l, d, $5, $7, $9, v) }'
}
row "2PC" 2pc
row "2PC, \`decision_timeout=1s\`" 2pc --set decision_timeout=1s
row "3PC" 3pc
