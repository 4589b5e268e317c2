#!/usr/bin/env bash
# docs/zk.md, "The service": scenarios/zk_stale_read.lua over seeds 1-5,
# plain getData against sync() + getData (the reader cut off with the old
# leader), and zk_faults.lua with a client paused past its session timeout
# (sessions expired, invariants held) at seeds 1-3.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/locks_lib.sh
echo "| reads | linearizable at seeds 1-5 | reads and writes ok (range) | sessions expired (range) |"
echo "|---|---|---|---|"
for sync in false true; do
  lin=$(seeds_where scenarios/zk_stale_read.lua 5 '.metrics.zk_lincheck == 1' --set sync_reads=$sync)
  ok=$(values scenarios/zk_stale_read.lua 5 '.ops.ok' --set sync_reads=$sync | range '%d')
  exp=$(values scenarios/zk_stale_read.lua 5 '.metrics.zk_sessions_expired' --set sync_reads=$sync | range '%d')
  name=$([ "$sync" = true ] && echo "sync() + getData" || echo "getData")
  echo "| $name | $lin of 5 | $ok | $exp |"
done
