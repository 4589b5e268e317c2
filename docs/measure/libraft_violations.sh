#!/usr/bin/env bash
# The violations block of docs/libraft.md: the two seeds of
# scenarios/libraft_nemesis.lua (crashes killing the process) at which the
# long exploration (tests/soak/libraft_explore.sh) saw libraft 0.15.0
# break Raft's safety: the run's verdict and, per broken invariant, its
# count and first example.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
for seed in 1602 2553; do
  { "$FAULTSIM" run scenarios/libraft_nemesis.lua --seed "$seed" --json || true; } |
    jq -r '"seed \(.seed): \(if .expectations.ok then "held" else "violated" end)",
      (.invariants[] | select(.violations > 0) | "  \(.name): \(.violations) (first: \(.examples[0]))")'
done | sed "s/^/    /"
