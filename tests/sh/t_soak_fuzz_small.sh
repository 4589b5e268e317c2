# The soak's scenario-API fuzz (tests/soak/fuzz_scenario_api.sh) at a size
# make test can afford, so the soak script cannot rot unseen between soaks
# (it once expected error lines without the "faultsim run: " prefix).
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
FUZZ_SEEDS=1-3 FUZZ_CALLS=50 bash tests/soak/fuzz_scenario_api.sh || fail "the soak fuzz script fails at 3 seeds"
