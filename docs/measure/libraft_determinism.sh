#!/usr/bin/env bash
# The determinism check of docs/libraft.md: scenarios/libraft_nemesis.lua
# at seeds 1-20, each run in three separate processes (the third with
# LIBRAFT_TRACE=1, which would turn on the library's own tracer and its
# wall-clock reads): how many seeds gave the same trace digest every time,
# and how many distinct digests the 20 seeds gave.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
digests() {
  for seed in $(seq 1 20); do
    "$FAULTSIM" run scenarios/libraft_nemesis.lua --seed "$seed" --json | jq -r .trace_digest
  done
}
a=$(digests)
b=$(digests)
c=$(LIBRAFT_TRACE=1 digests 2>/dev/null)
same=$(paste <(echo "$a") <(echo "$b") <(echo "$c") | awk '$1 == $2 && $2 == $3' | wc -l)
echo "seeds 1-20, three processes each (one with LIBRAFT_TRACE=1): $same of 20 seeds gave one digest in all three;"
echo "$(echo "$a" | sort -u | wc -l) distinct digests over the 20 seeds."
