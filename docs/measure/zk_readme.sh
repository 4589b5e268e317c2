#!/usr/bin/env bash
# README.md, "Coordination: ZooKeeper": scenarios/zk_lock_gc_pause.lua
# (lock.zk and lock.zk.fenced) over seeds 1-20, and scenarios/zk_herd.lua at
# seed 1 (2 and 8 contenders).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/locks_lib.sh
two=$(seeds_where scenarios/zk_lock_gc_pause.lua 20 '.metrics.overlaps > 0')
unsafe=$(seeds_where scenarios/zk_lock_gc_pause.lua 20 '.metrics.unsafe_writes > 0')
rejected=$(seeds_where scenarios/zk_lock_gc_pause.lua 20 '.metrics.unsafe_writes == 0 and .metrics.stale_token_rejections > 0' --set model=lock.zk.fenced)
read -r z2 z8 h2 h8 < <(json scenarios/zk_herd.lua 1 | jq -r '.metrics |
  [.msgs_per_acquisition_zk_small, .msgs_per_acquisition_zk_large, .msgs_per_acquisition_herd_small,
   .msgs_per_acquisition_herd_large] | map(. * 10 | round / 10) | @tsv')
echo "Across seeds 1–20 the paused client and its successor both hold the lock"
echo "in $two of 20, its stale write is accepted in $unsafe of 20 without fencing, and"
echo "with \`lock.zk.fenced\` it is rejected in $rejected of 20. Per acquisition the"
echo "naive recipe costs $h2 messages with 2 contenders and $h8 with 8; the"
echo "predecessor recipe $z2 and $z8."
