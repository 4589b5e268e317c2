# Sourced by docs/measure/kv_*.sh. run_json FILE [faultsim run options...]
# prints the run's JSON report; a run whose expectations fail (exit 1) is
# still measured, a run that cannot run (exit 2) stops the script.
: "${FAULTSIM:=build/faultsim}"
run_json() {
  local rc=0
  "$FAULTSIM" run "$@" --json || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "faultsim run $* failed with exit $rc" >&2
    exit 2
  fi
}
