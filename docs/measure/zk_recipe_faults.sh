#!/usr/bin/env bash
# docs/zk.md, "under network faults": scenarios/zk_recipe_faults.lua, each
# fault over seeds 1-5: the seeds where every invariant held and both
# recipes made progress (its expect{}), and the locks granted and leaders
# elected at seed 1.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/locks_lib.sh
echo "| fault | seeds where the expectations held | locks granted (seed 1) | leader terms (seed 1) |"
echo "|---|---|---|---|"
for f in none loss dup reorder delay all partition; do
  m=$(json scenarios/zk_recipe_faults.lua 1 --set fault="$f" | jq -r '.metrics | "\(.acquisitions) | \(.leader_terms)"')
  echo "| $f | $(held scenarios/zk_recipe_faults.lua --set fault="$f") | $m |"
done
