#!/usr/bin/env bash
# A long run of the history readers' mutation fuzzer (tests/fuzz/): several
# master seeds, many inputs each, from the seeds in tests/data/lincheck and
# tests/data/lincheck/fuzz. `make test` runs a short one. A failure names
# the seed and iteration; `faultsim-fuzz --seed S --dump K PATH...` writes
# the input (keep it under tests/data/lincheck/fuzz/ with the fix).
# FUZZ_SEEDS (default "1 2 3 4") and FUZZ_ITERATIONS (default 50000) adjust
# the run. Exit 1 if any input failed, 2 if the fuzzer could not run.
set -u
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
root=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
fuzz=$(dirname "$FAULTSIM")/faultsim-fuzz
[ -x "$fuzz" ] || { echo "fuzz_history: $fuzz is missing (make binaries)" >&2; exit 2; }
status=0
for seed in ${FUZZ_SEEDS:-1 2 3 4}; do
  "$fuzz" --seed "$seed" --iterations "${FUZZ_ITERATIONS:-50000}" \
    "$root/tests/data/lincheck" "$root/tests/data/lincheck/fuzz" || status=1
done
exit "$status"
