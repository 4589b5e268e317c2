#!/usr/bin/env bash
# docs/locks.md: lock_gc_pause.lua with the lease and the fenced lock. One
# write per client, so unsafe_writes per run is 0 or 1 and mean x seeds
# counts the seeds.
set -euo pipefail
. docs/measure/locks_lib.sh
s=scenarios/lock_gc_pause.lua
echo "| lock, pause | seeds | with an unsafe write | with a rejected stale write | with two holders |"
echo "|---|---|---|---|---|"
row() {
  local label=$1 n=$2
  shift 2
  sweep_csv $s --seeds "$n" --metric unsafe_writes --metric stale_token_rejections --metric overlaps "$@" |
    awk -F, -v l="$label" -v n="$n" '{ printf("| %s | 1-%d | %d | %d | %d |\n", l, n, $5 * n + 0.5, $7 * n + 0.5, $9 * n + 0.5) }'
}
row "lock.lease, 1.5 s" 50 --param model=lock.lease
row "lock.fenced, 1.5 s" 50 --param model=lock.fenced
row "lock.lease, 100 ms" 30 --param pause=100ms
echo
echo "Seed 1, lease: \`$(json $s 1 | jq -r '.invariants[] | select(.name == "resource_safety") | .examples[0]')\`."
