#!/bin/sh
# Runs a scenario with --trace and --history and draws it with `faultsim
# plot`: its timeline (operations per window over each node's crash,
# pause and cut-link bands) and its latency per operation kind.
#
#   tools/plot-timeline.sh [SCENARIO.lua [faultsim run options...]]
#
# Default: scenarios/nemesis.lua. Writes build/plots/NAME-timeline.png and
# build/plots/NAME-latency.png (the trace and history beside them) and
# prints their paths. Extra arguments go to `faultsim run` (e.g. --seed 3).
# FAULTSIM overrides the binary (build/faultsim). `make plot` runs it.
# Exit status: that of `faultsim run` if it could not run (2), else that of
# `faultsim plot`; a run whose expectations failed (1) is still drawn.
set -eu
scenario=${1:-scenarios/nemesis.lua}
[ $# -ge 1 ] && shift
name=$(basename "$scenario" .lua)
faultsim=${FAULTSIM:-build/faultsim}
dir=build/plots
mkdir -p "$dir"
status=0
"$faultsim" run "$scenario" --trace "$dir/$name.trace.jsonl" --history "$dir/$name.history.jsonl" "$@" >/dev/null ||
  status=$?
if [ "$status" -ge 2 ]; then
  echo "plot-timeline: faultsim run $scenario failed (exit $status)" >&2
  exit "$status"
fi
"$faultsim" plot timeline "$dir/$name.trace.jsonl" -o "$dir/$name-timeline.png" \
  --title "$name (faultsim run $scenario${*:+ $*}): operations completed per window, and the faults"
"$faultsim" plot latency "$dir/$name.history.jsonl" -o "$dir/$name-latency.png" \
  --title "$name (faultsim run $scenario${*:+ $*}): latency of ok operations"
