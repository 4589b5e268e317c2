#!/usr/bin/env bash
# Long run of the quorum cost (part of `make soak`; tests/sh/t_quorum_cost.sh
# runs seeds 1-5): scenarios/capacity_quorum_cost.lua with W = 2 and 3,
# send_to = quorum and all, below, near and above capacity, seeds 1-200:
# every run's messages per write exact and its goodput within 10% of
# min(rate, capacity). Exit 1 if a row fails.
set -u
: "${FAULTSIM:?set FAULTSIM}"
cd "${ROOT:-$(dirname "$0")/../..}"
jobs=$(nproc 2>/dev/null || echo 2)
status=0
for send_to in quorum all; do
  for w in 2 3; do
    for rate in 400 700 1000; do
      "$FAULTSIM" check --jobs "$jobs" --seeds 1-200 --set "send_to=$send_to" --set "w=$w" --set "rate=$rate" \
        scenarios/capacity_quorum_cost.lua || status=1
    done
  done
done
exit "$status"
