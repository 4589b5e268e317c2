#!/usr/bin/env bash
# docs/txn.md: a partition in the decision phase (txn_2pc_partition.lua, txn_3pc_partition.lua).
set -euo pipefail
. docs/measure/locks_lib.sh
s=scenarios/txn_2pc_partition.lua
three=""
for seed in $(seq 1 20); do
  if [ "$(json $s "$seed" --set proto=3pc | jq '.metrics["txn.atomicity_conflicts"] > 0')" = true ]; then
    three="$three${three:+, }$seed"
  fi
done
echo "| protocol | seeds with an atomicity violation | seeds of 1-20 with a participant in doubt > 500 ms |"
echo "|---|---|---|"
echo "| 2PC | $(seeds_where $s 20 '.metrics["txn.atomicity_conflicts"] > 0') of 1-20 | $(seeds_where $s 20 '.metrics["txn.blocked"] > 0') |"
# txn_3pc_partition.lua's expect{} asks for an atomicity violation, so
# "held in" counts the seeds that have one.
echo "| 3PC | $(held scenarios/txn_3pc_partition.lua --seeds 1-100 | cut -d/ -f1) of 1-100 (of 1-20: ${three:-none}) | $(seeds_where $s 20 '.metrics["txn.blocked"] > 0' --set proto=3pc) |"
