#!/usr/bin/env bash
# docs/locks.md: every lock model under each network fault (lock_network_faults.lua), seeds 1-20.
set -euo pipefail
. docs/measure/locks_lib.sh
echo "| model | fault | availability | overlaps per run | unsafe writes per run |"
echo "|---|---|---|---|---|"
for m in naive lease fenced redlock; do
  sweep_csv scenarios/lock_network_faults.lua --param fault=none,loss,dup,reorder,delay,all --seeds 20 \
    --set model=lock.$m --metric overlaps --metric unsafe_writes |
    awk -F, -v m=lock.$m '{ printf("| %s | %s | %.3f | %.2f | %.2f |\n", m, $1, $3, $5, $7) }'
done
