#!/usr/bin/env bash
# docs/capacity.md, "Capacity search": the first-broken line and rerun
# command of the example search (seeds 1-8), as the summary prints them.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo '```'
"$FAULTSIM" capacity scenarios/capacity_search_mm1.lua --param rate --slo 'availability>=0.99' \
    --slo 'p99<=20ms' --seeds 8 -j 2 --quiet |
  grep -A1 '^p99<=20ms: first broken' | sed "s|^  rerun: [^ ]*faultsim |  rerun: build/faultsim |"
echo '```'
