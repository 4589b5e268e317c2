#!/usr/bin/env bash
# The nemesis table of docs/raft.md: scenarios/raft_nemesis.lua (leaders
# crash with MTTF 2 s, restart after 500 ms on average) at seeds 1-3: the
# failures, the measured time from a leader's crash to its successor's
# first commit against the formula (detection + election + the no-op's
# commit), the time without a leader, and the unavailable fraction
# against the MTTF/MTTR formula.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo "| seed | leader failures | observed MTTF (s) | unavailable per failure (ms) | formula (ms) | excess (ms) | without a leader (ms) | unavailable fraction | MTTR / (MTTF + MTTR) |"
echo "|---|---|---|---|---|---|---|---|---|"
for seed in 1 2 3; do
  "$FAULTSIM" run scenarios/raft_nemesis.lua --seed "$seed" --json | jq -r '.metrics as $m |
    "| \(.seed) | \($m.failures) | \($m.mttf_observed_s * 100 | round / 100) | \($m.unavail_mean_ms | round) | \($m.theory_ms | round) | \($m.unavail_excess_ms | round) | \($m.leaderless_mean_ms | round) | \($m.unavail_fraction * 1000 | round / 1000) | \($m.unavail_fraction_theory * 1000 | round / 1000) |"'
done
