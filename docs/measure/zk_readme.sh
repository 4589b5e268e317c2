#!/usr/bin/env bash
# README.md, "Coordination: ZooKeeper": `faultsim check` of
# scenarios/zk_lock_gc_pause.lua and its fenced variant (seeds 1-20; their
# expect{} asks for the outcome, seed by seed), and scenarios/zk_herd.lua
# at seed 1 (2 and 8 contenders).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/locks_lib.sh
plain=$(held scenarios/zk_lock_gc_pause.lua)
fenced=$(held scenarios/zk_lock_gc_pause_fenced.lua)
read -r z2 z8 h2 h8 < <(json scenarios/zk_herd.lua 1 | jq -r '.metrics |
  [.msgs_per_acquisition_zk_small, .msgs_per_acquisition_zk_large, .msgs_per_acquisition_herd_small,
   .msgs_per_acquisition_herd_large] | map(. * 10 | round / 10) | @tsv')
echo "The paused client and its successor both hold the lock, and the storage"
echo "accepts the stale write, in $plain seeds; with \`lock.zk.fenced\` the two"
echo "holders remain but the write is rejected in $fenced. Per acquisition the"
echo "naive recipe costs $h2 messages with 2 contenders and $h8 with 8; the"
echo "predecessor recipe $z2 and $z8."
