#!/bin/bash
# Draws a space-time diagram of one run: runs SCENARIO with --trace and
# draws a window of it with `faultsim plot spacetime` (the data of
# `faultsim spacetime`, plots/spacetime.gp).
#
#   tools/spacetime.sh [--values FIELD=V:WORD,...]... SCENARIO.lua FROM_S TO_S [OUT.png [run options...]]
#
# FROM_S and TO_S bound the window in simulated seconds (keep it short: a
# few hundred messages read well). --values (repeatable) names the values of
# a field in the labels, e.g. --values commit=0:abort,1:commit (see
# `faultsim spacetime --help`). Default output:
# build/plots/<scenario>-spacetime.png, with the data beside it (.tsv) and
# the trace (.trace.jsonl). Extra arguments go to `faultsim run` (e.g.
# --seed 5 --set solution=_wrong_decide_alone.lua). FAULTSIM overrides the binary
# (build/faultsim). Exit 2 on bad usage, when the run could not run or the
# diagram could not be drawn.
set -eu
values=()
while [ $# -ge 2 ] && [ "$1" = --values ]; do
  values+=(--values "$2")
  shift 2
done
[ $# -ge 3 ] || { echo "usage: $0 [--values FIELD=V:WORD,...]... SCENARIO.lua FROM_S TO_S [OUT.png [run options...]]" >&2; exit 2; }
scenario=$1 from=$2 to=$3
name=$(basename "$scenario" .lua)
out=${4:-build/plots/$name-spacetime.png}
if [ $# -ge 4 ]; then shift 4; else shift 3; fi
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
"$faultsim" plot spacetime "$trace" --from "$from" --to "$to" ${values[@]+"${values[@]}"} --data "$data" -o "$out" \
  --title "$name ${*:+($*) }from $from s to $to s" >/dev/null
echo "$out"
