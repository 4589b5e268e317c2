#!/usr/bin/env bash
# Labs 3-5 at length (part of `make soak`; tests/sh/t_labs.sh runs each
# test's own seeds): every reference solution must hold every test of its
# lab over seeds 1-1000, and the wrong and cheating ones still fail as
# t_labs.sh says. Exit 1 if not.
set -u
: "${FAULTSIM:?set FAULTSIM}"
root=$(cd "${ROOT:-$(dirname "$0")/../..}" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/faultsim-labs.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" && ROOT="$root" TMPDIR="$dir" LABS_SEEDS=1-1000 bash "$root/tests/sh/t_labs.sh"
