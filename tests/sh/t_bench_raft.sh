# The Raft benchmarks of `make bench` (issue 12, "Performance"), for their
# verdicts only (no timing is asserted): the nemesis scenario they time,
# bench/raft_nemesis.lua, holds as `faultsim run` runs it (lincheck decided
# the history linearizable, the Raft invariants held, both nemeses struck),
# and `faultsim-bench raft_nemesis` reports it with check=ok beside its
# reference.
source "$ROOT/tests/sh/lib.sh"
set -e
bench=$(dirname "$FAULTSIM")/faultsim-bench
[ -x "$bench" ] || fail "no faultsim-bench beside $FAULTSIM"

expect_exit 0 "$FAULTSIM" run "$ROOT/bench/raft_nemesis.lua" --seed 1 --json
[ "$(jq -r '.metrics.raft_lincheck' <<<"$OUT")" = 1 ] || fail "raft_lincheck is not 1: $OUT"
[ "$(jq '[.invariants[].violations] | add' <<<"$OUT")" = 0 ] || fail "violations: $OUT"
[ "$(jq '.ops.ok' <<<"$OUT")" -gt 1000 ] || fail "too few ops completed: $OUT"

cd "$ROOT"
expect_exit 0 "$bench" raft_nemesis
contains "$OUT" "BENCH name=raft_nemesis "
contains "$OUT" " unit=sim_s/s ref_rate="
contains "$OUT" " sim_s=10 "
contains "$OUT" " check=ok"
