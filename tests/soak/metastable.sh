# Long check of scenarios/metastable.lua beyond its default variant (make
# soak runs that one over seeds 1-1000): every mitigation with open- and
# closed-loop clients over seeds 1-200, each holding its expect{}; and the
# 60% variant of scenarios/capacity_n_minus_1.lua (whose default is 75%)
# over the same seeds. Prints check's line for each.
set -u
cd "$ROOT"
status=0
check() { # LABEL faultsim-check-arguments...
  local label=$1 out rc=0
  shift
  out=$("$FAULTSIM" check --seeds 1-200 --jobs 2 "$@") || rc=$?
  grep -v 'passed, ' <<<"$out" | sed "s/^/$label: /"
  [ "$rc" -eq 0 ] || status=1
}
for mitigation in none backoff budget shed; do
  for loop in open closed; do
    check "metastable ($mitigation, $loop)" --set "mitigation=$mitigation" --set "loop=$loop" scenarios/metastable.lua
  done
done
check "capacity_n_minus_1 (load 0.6)" --set load=0.6 scenarios/capacity_n_minus_1.lua
exit "$status"
