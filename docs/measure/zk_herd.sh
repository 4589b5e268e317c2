#!/usr/bin/env bash
# docs/zk.md, "the herd effect": scenarios/zk_herd.lua at seed 1 with 2
# contenders and then 4, 8 and 16: the recipe's messages per acquisition
# (requests, replies, watch notifications) for lock.zk (watch the
# predecessor) and lock.zk.herd (everyone watches the children).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/locks_lib.sh
row() { jq -r --arg n "$1" --arg k "$2" \
  '.metrics | "| \($n) | \(.["msgs_per_acquisition_zk_" + $k] * 10 | round / 10) | \(.["msgs_per_acquisition_herd_" + $k] * 10 | round / 10) |"'; }
echo "| contenders | \`lock.zk\` messages per acquisition | \`lock.zk.herd\` messages per acquisition |"
echo "|---|---|---|"
json scenarios/zk_herd.lua 1 --set large=4 | row 2 small
for n in 4 8 16; do json scenarios/zk_herd.lua 1 --set large="$n" | row "$n" large; done
