#!/usr/bin/env bash
# Long run of scenarios/kv_abd_contention.lua (part of `make soak`): seeds
# 1-1000 of the slow-writer setup, then 1000 seeds with two writers, ten
# readers and heavy-tailed latency on every link. Every history must be
# linearizable with no stale read. Exit 1 if a seed fails.
set -u
: "${FAULTSIM:?set FAULTSIM}"
cd "${ROOT:-$(dirname "$0")/../..}"
jobs=$(nproc 2>/dev/null || echo 2)
status=0
"$FAULTSIM" check --jobs "$jobs" --seeds 1-1000 scenarios/kv_abd_contention.lua || status=1
"$FAULTSIM" check --jobs "$jobs" --seeds 1-1000 --set writers=2 --set readers=10 \
  --set latency=lognormal:3ms,1.2 --set slow=lognormal:3ms,1.2 scenarios/kv_abd_contention.lua || status=1
exit "$status"
