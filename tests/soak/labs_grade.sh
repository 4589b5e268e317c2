# Every lab's reference solution over seeds 1-1000 of every one of its tests
# (issue 15: make test grades the tests' own seeds, make soak a thousand):
# `faultsim grade --seeds 1-1000` must give full marks. Prints each grade.
set -u
cd "$ROOT"
status=0
for tests in scenarios/labs/*/tests.lua; do
  lab=$(dirname "$tests")
  for reference in "$lab"/_reference_*.lua; do
    rc=0
    "$FAULTSIM" grade "$lab" "$reference" --seeds 1-1000 -j "$(nproc 2>/dev/null || echo 2)" || rc=$?
    [ "$rc" -eq 0 ] || status=$(( rc > status ? rc : status ))
  done
done
exit "$status"
