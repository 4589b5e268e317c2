#!/usr/bin/env bash
# The majority table of docs/raft.md: scenarios/raft_majority.lua at seeds
# 1-3, with CheckQuorum and without: entries committed with two of five
# servers down and with three down, ok operations with three down, entries
# committed after the restart, and for the leader cut off in a minority:
# the uncommitted entries of its term it held at the heal, those it
# appended from 16.5 s on, those no truncation removed, those any server
# applied.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo "| CheckQuorum | seed | commits, 2 down (3-7 s) | commits, 3 down (8-12 s) | ok ops, 3 down | commits after restart (13-16 s) | cut-off leader: uncommitted entries | appended after 16.5 s | kept after the heal | applied |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for cq in true false; do
  for seed in 1 2 3; do
    "$FAULTSIM" run scenarios/raft_majority.lua --seed "$seed" --set "check_quorum=$cq" --json |
      jq -r --arg cq "$cq" '.metrics as $m |
        "| \(if $cq == "true" then "yes" else "no" end) | \(.seed) | \($m.commits_2down) | \($m.commits_3down) | \($m.ok_3down) | \($m.commits_after) | \($m.isolated_entries) | \($m.stale_appends) | \($m.not_discarded) | \($m.isolated_applied) |"'
  done
done
