#!/bin/sh
# Draws a space-time diagram of one run: runs SCENARIO with --trace, turns
# the trace into diagram data with `faultsim spacetime`, and plots it with
# plots/spacetime.gp.
#
#   tools/spacetime.sh SCENARIO.lua FROM_S TO_S [OUT.png [faultsim run options...]]
#
# FROM_S and TO_S bound the window in simulated seconds (keep it short: a
# few hundred messages read well). Default output:
# build/plots/<scenario>-spacetime.png. Extra arguments go to `faultsim run`
# (e.g. --seed 5 --set solution=_broken_2pc.lua). FAULTSIM overrides the
# binary (build/faultsim).
set -eu
[ $# -ge 3 ] || { echo "usage: $0 SCENARIO.lua FROM_S TO_S [OUT.png [run options...]]" >&2; exit 2; }
scenario=$1 from=$2 to=$3
name=$(basename "$scenario" .lua)
out=${4:-build/plots/$name-spacetime.png}
[ $# -ge 4 ] && shift 4 || shift 3
faultsim=${FAULTSIM:-build/faultsim}
dir=$(dirname "$out")
mkdir -p "$dir"
trace=${out%.png}.trace.jsonl
data=${out%.png}.tsv
status=0
"$faultsim" run "$scenario" --trace "$trace" "$@" >/dev/null || status=$?
if [ "$status" -ge 2 ]; then
  echo "spacetime: faultsim run $scenario failed (exit $status)" >&2
  exit "$status"
fi
"$faultsim" spacetime "$trace" --from "$from" --to "$to" > "$data"
here=$(dirname "$0")
# Empty blocks (no faults in the window) are expected: hide gnuplot's note.
gnuplot -c "$here/../plots/spacetime.gp" "$data" "$out" "$name ${*:+($*) }from $from s to $to s" 2>&1 |
  grep -v 'Skipping data file with no valid points' >&2 || true
echo "$out"
