#!/usr/bin/env bash
# The exploration block of docs/libraft.md: scenarios/libraft_nemesis.lua
# (every fault class at once) over seeds 1-100, one process per seed
# (tools/libraft-explore.sh: a crash of the process is recorded, not fatal
# to the sweep), with crashes that kill the library (crash=kill, the
# default) and with crashes that shut it down cleanly (crash=close).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
JOBS=2 tools/libraft-explore.sh scenarios/libraft_nemesis.lua 1 100 | sed 's/^/    /'
JOBS=2 tools/libraft-explore.sh scenarios/libraft_nemesis.lua 1 100 --set crash=close | sed 's/^/    /'
