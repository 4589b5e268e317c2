#!/usr/bin/env bash
# docs/zk.md, "Snapshots": scenarios/zk_snapshot.lua (zk.server with
# snapshot_every = 20, a follower down 1.5 s from 1.5 s) under each network
# fault at seeds 1-3: runs whose expect{} held, InstallSnapshot chunks
# delivered to the follower that was down, snapshots installed (any server).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo "| fault | expect{} held at seeds 1-3 | chunks to the lagging follower (range) | snapshots installed, all servers (range) |"
echo "|---|---|---|---|"
for fault in none loss duplicate reorder delay crash all; do
  held=0 chunks="" installed=""
  for seed in 1 2 3; do
    rc=0
    out=$("$FAULTSIM" run scenarios/zk_snapshot.lua --seed "$seed" --set fault="$fault" --json) || rc=$?
    [ "$rc" -le 1 ] || exit "$rc"
    [ "$rc" -eq 0 ] && held=$((held + 1))
    chunks+="$(jq -r .metrics.lagging_chunks <<<"$out")"$'\n'
    installed+="$(jq -r .metrics.raft_snapshots_installed <<<"$out")"$'\n'
  done
  range() { grep . | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print (lo == hi ? lo : lo "-" hi) }'; }
  echo "| $fault | $held of 3 | $(range <<<"$chunks") | $(range <<<"$installed") |"
done
