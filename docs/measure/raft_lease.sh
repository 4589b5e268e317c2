#!/usr/bin/env bash
# The lease table of docs/raft.md: scenarios/raft_lease_read.lua (clocks
# within the assumed bound) and raft_lease_read_beyond.lua (beyond it) at
# seeds 1-5, every server model / read mode and clock fault they take:
# when (ms after the cut, lowest to highest over the seeds) S1 last answered
# its reader, S2 was elected and the first new write completed; stale
# reads per seed (reads invoked after a write completed that returned an
# older value) and the seeds at which lincheck found the history not
# linearizable.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
row() { # file label clock set...
  local file=$1 label=$2 clock=$3 status; shift 3
  : > "$tmp/runs"
  for seed in 1 2 3 4 5; do
    status=0
    # exit 1 (an expectation not met) would be a finding, not an error here
    "$FAULTSIM" run "scenarios/$file" --seed "$seed" --set clock="$clock" "$@" --json >> "$tmp/runs" || status=$?
    [ "$status" -le 1 ] || exit "$status"
  done
  jq -s -r --arg file "$file" --arg who "$label" --arg clock "$clock" '
      def span(k): map(.metrics[k]) | if min == max then "\(min)" else "\(min) to \(max)" end;
      ([.[] | select(any(.invariants[]; .name == "linearizable" and .violations > 0)) | .seed | tostring]
       | if length == 0 then "none" else join(", ") end) as $bad
      | "| \($file) | \($who) | \($clock) | \(span("old_leader_last_answer_ms")) | \(span("new_leader_ms")) | \(span("first_new_write_ms")) | \(map(.metrics.stale_reads | tostring) | join(", ")) | \($bad) |"' "$tmp/runs"
}
echo "| scenario | servers | clock fault | S1 last answers (ms after the cut) | S2 elected (ms) | first new write (ms) | stale reads, seeds 1-5 | not linearizable at seeds |"
echo "|---|---|---|---|---|---|---|---|"
for clock in fast jump; do
  row raft_lease_read.lua "raft, lease" "$clock" --set variant=raft
  row raft_lease_read.lua "raft.lease_no_drift_margin" "$clock" --set variant=raft.lease_no_drift_margin
done
for clock in slow_fast jump; do
  row raft_lease_read_beyond.lua "raft, lease" "$clock" --set read=lease
  row raft_lease_read_beyond.lua "raft, readindex" "$clock" --set read=readindex
done
