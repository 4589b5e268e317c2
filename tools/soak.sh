#!/usr/bin/env bash
# `make soak`: what is too long for `make test`. Every scenario over many
# seeds (SOAK_SEEDS, default 1-1000), then every tests/soak/*.sh piece (fuzz
# runs and other long checks), each with FAULTSIM set. Exit 1 if any part
# failed, 2 if one could not run.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
: "${FAULTSIM:=build/faultsim}"
export FAULTSIM ROOT="$root"
seeds=${SOAK_SEEDS:-1-1000}
jobs=$(nproc 2>/dev/null || echo 2)
status=0
"$FAULTSIM" check --jobs "$jobs" --seeds "$seeds" scenarios || status=$?
for piece in tests/soak/*.sh; do
  [ -e "$piece" ] || continue
  echo "== $piece"
  bash "$piece" || { rc=$?; [ "$status" -eq 0 ] || [ "$rc" -gt "$status" ] && status=$rc; }
done
exit "$status"
