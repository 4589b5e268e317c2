#!/usr/bin/env bash
# docs/zk.md, "the GC pause": scenarios/zk_lock_gc_pause.lua and its fenced
# variant over their seeds 1-20 with `faultsim check` (their expect{} asks
# for the outcome in the table, seed by seed), and seed 1's findings.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/locks_lib.sh
echo "| recipe | what its \`expect{}\` asks of every seed | seeds where it held |"
echo "|---|---|---|"
echo "| \`lock.zk\` | two holders; the stale write accepted after client2's | $(held scenarios/zk_lock_gc_pause.lua) |"
echo "| \`lock.zk.fenced\` | two holders; the stale write rejected, 0 unsafe writes | $(held scenarios/zk_lock_gc_pause_fenced.lua) |"
echo
echo "Seed 1, \`lock.zk\`:"
echo
echo '```'
"$FAULTSIM" run scenarios/zk_lock_gc_pause.lua --seed 1 | grep -E '^ +t=' | sed 's/^ *//' || true
echo '```'
