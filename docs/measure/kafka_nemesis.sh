#!/usr/bin/env bash
# docs/kafka.md, "Under network faults": scenarios/kafka_nemesis.lua
# (crashes, partitions, pauses of every node) over seeds 1-100 with
# `faultsim check`: seeds whose expect{} held (no acknowledged record lost,
# none read then lost, no divergence), per mode, idempotent or not.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo "| nemesis | idempotent | not idempotent |"
echo "|---|---|---|"
for mode in part crash both; do
  line="| $mode"
  for idem in true false; do
    held=$("$FAULTSIM" check --jobs 2 --seeds 100 --set "mode=$mode" --set "idempotent=$idem" scenarios/kafka_nemesis.lua |
      sed -n 's/.*held in \([0-9]*\/[0-9]*\).*/\1/p')
    line+=" | $held"
  done
  echo "$line |"
done
