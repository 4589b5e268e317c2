#!/usr/bin/env bash
# scenarios/raft_figure8.lua (the Raft paper's Figure 8 as an event-triggered
# schedule) at seeds 1-20 with the broken commit rule and the correct one:
# how many seeds played the whole schedule, on how many S1 reported the
# old-term entry at index 2 committed, and the violations of the four Raft
# invariants summed over the seeds; then the first examples at seed 1 of
# the broken variant. Printed for docs/raft_invariants.md.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
sc=scenarios/raft_figure8.lua
echo "| variant | seeds played | old entry committed | election_safety | log_matching | leader_completeness | state_machine_safety |"
echo "|---|---|---|---|---|---|---|"
for v in raft.commit_old_terms raft; do
  for s in $(seq 1 20); do
    "$FAULTSIM" run "$sc" --seed "$s" --set "variant=$v" --json || [ $? -eq 1 ]
  done | jq -s -r --arg v "$v" '
    def inv($n): map(.invariants[] | select(.name == $n) | .violations) | add;
    "| `\($v)` | \(map(select(.invariants[] | select(.name == "figure8_played") | .ok)) | length) | \(map(.metrics.figure8_old_entry_committed) | add) | \(inv("election_safety")) | \(inv("log_matching")) | \(inv("leader_completeness")) | \(inv("state_machine_safety")) |"'
done
echo
echo "At seed 1 with \`raft.commit_old_terms\`:"
echo
echo '```'
{ "$FAULTSIM" run "$sc" --seed 1 --json || [ $? -eq 1 ]; } |
  jq -r '.invariants[] | select(.violations > 0) | .name as $n | .examples[] | "\($n): \(.)"'
echo '```'
