# runcost_hooks (bench/bench_runcost.c): the kv fault scenarios with their
# Lua hooks and with on()/once() doing nothing give the same digests, every
# run holds, and the line carries its reference.
source "$ROOT/tests/sh/lib.sh"
bench=$(dirname "$FAULTSIM")/faultsim-bench
[ -x "$bench" ] || fail "no faultsim-bench beside $FAULTSIM"
cd "$ROOT"
expect_exit 0 "$bench" runcost_hooks
contains "$OUT" "BENCH name=runcost_hooks "
contains "$OUT" " check=ok"
awk '/name=runcost_hooks/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
  exit !(f["ref_rate"] > 0 && f["ratio"] > 0 && f["ratio"] <= 1.5) }' <<<"$OUT" || fail "runcost_hooks: $OUT"
