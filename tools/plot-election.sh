#!/usr/bin/env bash
# The Raft paper's Figure 16 from faultsim: the CDF of the time without a
# leader after a leader crash, for several election-timeout ranges. Runs
# scenarios/raft_election_time.lua once per range with --trace, takes from
# each trace the time from every crash (the scenario crashes only the
# leader) to the next raft_leader event, and plots the CDFs with
# plots/election.gp: the top panel varies the randomness (150-150 ms to
# 150-300 ms), the bottom one scales the minimum timeout (12-24 ms to
# 150-300 ms), as in the paper.
#
#   tools/plot-election.sh [OUT.png [faultsim run options...]]
#
# Default OUT: build/plots/raft-election-cdf.png; the data (one file per
# range: the sorted times in ms and their cumulative fraction) is kept in
# build/plots/election-data/ (DATA overrides). TRIALS sets the crashes per
# range (default 1000, as in the paper; a tenth for 150-151 ms, whose
# elections take tens of seconds). 150-150 ms (no randomness, in the
# paper) is left out: here it elects no leader in 4 hours of simulated time.
# Extra arguments go to every `faultsim run` (e.g. --seed 3). FAULTSIM
# overrides the binary (build/faultsim). docs/img/raft-election-cdf.png is
# this script's output at seed 1. Exit status: 2 if a run could not run,
# else gnuplot's; a run whose expectations failed (exit 1) is still
# plotted.
set -euo pipefail
out=${1:-build/plots/raft-election-cdf.png}
[ $# -ge 1 ] && shift
faultsim=${FAULTSIM:-build/faultsim}
here=$(cd "$(dirname "$0")" && pwd)
data=${DATA:-build/plots/election-data}
trials=${TRIALS:-1000}
mkdir -p "$data"
# name:range:trials
ranges="150-151:150ms,151ms:$(( (trials + 9) / 10 ))
150-155:150ms,155ms:$trials
150-175:150ms,175ms:$trials
150-200:150ms,200ms:$trials
150-300:150ms,300ms:$trials
12-24:12ms,24ms:$trials
25-50:25ms,50ms:$trials
50-100:50ms,100ms:$trials
100-200:100ms,200ms:$trials"
while IFS=: read -r name range n; do
  trace="$data/$name.trace.jsonl"
  status=0
  "$faultsim" run "$here/../scenarios/raft_election_time.lua" --set "timeout_range=$range" --set "trials=$n" \
    --trace "$trace" "$@" > /dev/null || status=$?
  if [ "$status" -ge 2 ]; then
    echo "plot-election: faultsim run scenarios/raft_election_time.lua (timeout_range=$range) failed (exit $status)" >&2
    exit "$status"
  fi
  # crash time -> the next raft_leader event: one time without leader (ms)
  grep -E '"kind":"crash"|"type":"raft_leader"' "$trace" |
    jq -r 'select(.kind == "crash" or (.kind == "event" and .msg.type == "raft_leader")) | "\(.kind) \(.t)"' |
    awk '$1 == "crash" { t0 = $2; next } t0 != "" { printf "%.3f\n", ($2 - t0) / 1e6; t0 = "" }' |
    sort -g | awk -v n="$n" '{ printf "%s %.5f\n", $1, NR / n }' > "$data/$name.cdf"
  rm -f "$trace"
done <<< "$ranges"
gnuplot -c "$here/../plots/election.gp" "$data" "$out"
echo "$out"
