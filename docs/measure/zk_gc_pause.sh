#!/usr/bin/env bash
# docs/zk.md and README.md, "the GC pause": scenarios/zk_lock_gc_pause.lua
# with lock.zk and lock.zk.fenced over seeds 1-20 (one write per client, so
# a count per run is 0 or 1 and counts seeds), and seed 1's two critical
# sections.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/locks_lib.sh
two() { seeds_where scenarios/zk_lock_gc_pause.lua 20 "$2" --set model="$1"; }
echo "| recipe | seeds with two holders | unsafe writes accepted | stale writes rejected |"
echo "|---|---|---|---|"
for m in lock.zk lock.zk.fenced; do
  echo "| \`$m\` | $(two $m '.invariants[] | select(.name == "mutual_exclusion") | .violations > 0') of 20 |" \
       "$(two $m '.metrics.unsafe_writes > 0') of 20 | $(two $m '.metrics.stale_token_rejections > 0') of 20 |"
done
echo
echo "Seed 1, \`lock.zk\`:"
echo
echo '```'
"$FAULTSIM" run scenarios/zk_lock_gc_pause.lua --seed 1 | grep -E '^ +t=' | sed 's/^ *//' || true
echo '```'
