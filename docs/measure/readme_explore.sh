#!/usr/bin/env bash
# The README's "Finding failures" explore transcripts: 1,000 explored runs
# of scenarios/explore_3pc.lua (3PC under the swarm's random partitions)
# and the same 1,000 of explore_2pc.lua, with the binary's path written as
# build/faultsim. Runs are seeds 1-1000, so the output is the same
# everywhere and for any -j.
set -uo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo '```'
echo '$ build/faultsim explore scenarios/explore_3pc.lua --runs 1000 -j 2'
"$FAULTSIM" explore scenarios/explore_3pc.lua --runs 1000 -j 2 | sed "s#$FAULTSIM #build/faultsim #g"
echo '$ build/faultsim explore scenarios/explore_2pc.lua --runs 1000 -j 2 --no-coverage'
"$FAULTSIM" explore scenarios/explore_2pc.lua --runs 1000 -j 2 --no-coverage | sed "s#$FAULTSIM #build/faultsim #g"
echo '```'
