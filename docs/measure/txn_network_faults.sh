#!/usr/bin/env bash
# docs/txn.md: 2PC and 3PC under each network fault (txn_network_faults.lua), seeds 1-20.
set -euo pipefail
. docs/measure/locks_lib.sh
echo "| protocol | fault | availability | transactions split (per run) | acknowledged commits lost (per run) |"
echo "|---|---|---|---|---|"
for proto in 2pc 3pc; do
  sweep_csv scenarios/txn_network_faults.lua --param fault=none,loss,dup,reorder,delay,all --seeds 20 \
    --set proto=$proto --metric txn.atomicity_conflicts --metric txn.lost_commits |
    awk -F, -v p=$proto '{ printf("| %s | %s | %.3f | %.2f | %.2f |\n", toupper(p), $1, $3, $5, $7) }'
done
