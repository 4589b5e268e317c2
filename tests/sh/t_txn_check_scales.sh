# The 2PC models' per-decision work does not grow with the length of the
# run (issue 10 #20: the online atomicity check re-read every participant's
# whole log at each decision, so 400 simulated seconds at 40 tx/s took
# 77 s). 400 s at 60 tx/s costs about 1.2 CPU seconds now and over 30 with
# a check that re-reads the logs. The limit is on CPU time, which a loaded
# machine does not stretch.
. "$ROOT/tests/sh/lib.sh"
set -e
expect_exit 0 bash -c 'ulimit -t 15; exec "$0" "$@"' "$FAULTSIM" run "$ROOT/scenarios/compare_2pc.lua" \
  --set rate=60 --set length=400s --seed 1 --json
commits=$(printf '%s' "$OUT" | jq '.metrics["txn.commits"]')
[ "$commits" -gt 15000 ] || fail "only $commits commits in 400 s at 60 tx/s"
