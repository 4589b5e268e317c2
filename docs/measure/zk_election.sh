#!/usr/bin/env bash
# docs/zk.md, "leader election": scenarios/zk_election.lua over seeds 1-20
# (session timeout 1 s): the time without a leader after the leader
# crashes, and `faultsim check` of the crash (its expect{}: one leader at a
# time, one successor) and of zk_election_pause.lua (two believed leaders).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/locks_lib.sh
gap=$(values scenarios/zk_election.lua 20 '.metrics.leaderless_ms.p50' | range '%.0f')
one=$(held scenarios/zk_election.lua)
two=$(held scenarios/zk_election_pause.lua)
echo "After the leader crashes, the next candidate leads $gap ms later (seeds"
echo "1–20); one leader at a time and one successor in $one seeds. With the"
echo "leader paused for 2.5 s instead, two candidates believed they led at once"
echo "in $two."
