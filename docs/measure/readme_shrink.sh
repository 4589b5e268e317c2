#!/usr/bin/env bash
# `faultsim shrink` on scenarios/shrink_3pc_nemesis.lua at seed 3 (3PC
# under a random partition nemesis, an atomicity violation): its
# transcript, and the faults of the scenario it writes. Deterministic.
# Printed for README.md, "Finding failures".
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo '```'
echo '$ faultsim shrink scenarios/shrink_3pc_nemesis.lua --seed 3 -o build/minimal.lua'
"$FAULTSIM" shrink scenarios/shrink_3pc_nemesis.lua --seed 3 -o "$tmp/minimal.lua" |
  sed -e "s#$tmp/#build/#g" -e "s#$FAULTSIM run#faultsim run#g"
echo '$ tail -n 2 build/minimal.lua'
tail -n 2 "$tmp/minimal.lua"
echo '```'
