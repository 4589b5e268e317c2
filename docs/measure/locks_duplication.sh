#!/usr/bin/env bash
# docs/locks.md: duplication alone (lock_dup_*.lua).
set -euo pipefail
. docs/measure/locks_lib.sh
echo "| run | seeds where mutual exclusion held |"
echo "|---|---|"
echo "| lock.redlock, 2% duplicated, seeds 1-300 | $(held scenarios/lock_dup_redlock.lua --set prob=0.02 --seeds 1-300) |"
for m in redlock lease fenced; do
  echo "| lock.$m, 5% duplicated, seeds 1-100 | $(held scenarios/lock_dup_$m.lua --seeds 1-100) |"
done
echo "| lock.redlock, doubled OKs from 2 of 5 servers (\`lock_redlock_dup_reply.lua\`) | $(held scenarios/lock_redlock_dup_reply.lua) (no grant) |"
n=$(held scenarios/lock_dup_naive.lua --seeds 1-100 | cut -d/ -f1)
echo "| lock.naive, 50% duplicated, seeds 1-100 | $((100 - n))/100 (two holders in the other $n) |"
