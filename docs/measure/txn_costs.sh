#!/usr/bin/env bash
# docs/txn.md: what one transaction costs without faults (txn_2pc_nofault.lua), seeds 1-20.
set -euo pipefail
. docs/measure/locks_lib.sh
s=scenarios/txn_2pc_nofault.lua
echo "| protocol | messages per participant | forced writes per transaction | commit latency p50, seed 1 | commits per run (mean) |"
echo "|---|---|---|---|---|"
for proto in 2pc 3pc; do
  mpp=$(values $s 20 '.metrics["txn.msgs_per_participant"]' --set proto=$proto | range %g)
  fw=$(values $s 20 '.metrics["txn.forced_writes_per_txn"]' --set proto=$proto | range %g)
  p50=$(json $s 1 --set proto=$proto | jq '.metrics["txn.commit_latency_ms"].p50')
  commits=$(sweep_csv $s --param proto=$proto --seeds 20 --metric txn.commits | cut -d, -f5)
  printf '| %s | %s | %s | %.1f ms | %.1f |\n' "$proto" "$mpp" "$fw" "$p50" "$commits"
done
