#!/usr/bin/env bash
# The README's Labs transcript: `faultsim grade` of the lock lab's
# _wrong_release_any.lua (a RELEASE frees the lock whoever sends it), with
# the binary's path written as build/faultsim. The graded seeds are fixed
# by scenarios/labs/lock/tests.lua, so the output is the same everywhere.
set -uo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
lab=scenarios/labs/lock
echo '```'
echo "\$ build/faultsim grade $lab $lab/_wrong_release_any.lua -j 2"
"$FAULTSIM" grade "$lab" "$lab/_wrong_release_any.lua" -j 2 | sed "s#$FAULTSIM #build/faultsim #g"
echo '```'
