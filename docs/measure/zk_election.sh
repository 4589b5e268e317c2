#!/usr/bin/env bash
# docs/zk.md, "leader election": scenarios/zk_election.lua over seeds 1-20
# (session timeout 1 s): the time without a leader after the leader
# crashes, and the seeds where a leader paused for 2.5 s and a successor
# both believed they led.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/locks_lib.sh
gap=$(values scenarios/zk_election.lua 20 '.metrics.leaderless_ms.p50' | range '%.0f')
two=$(seeds_where scenarios/zk_election.lua 20 '.invariants[] | select(.name == "single_leader") | .violations > 0' --set fault=pause)
one=$(seeds_where scenarios/zk_election.lua 20 '.invariants[] | select(.name == "single_leader") | .violations == 0')
echo "After the leader crashes, the next candidate leads $gap ms later (seeds"
echo "1–20); one leader at a time in $one of 20 seeds. With the leader paused"
echo "for 2.5 s instead, two candidates believed they led at once in $two of 20."
