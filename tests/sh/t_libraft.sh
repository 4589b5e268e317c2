# libraft (models/libraft/, issue 19): the two models are listed; the
# library under the adapter is deterministic across processes (the same
# seed gives the same trace digest in two processes, over 20 seeds of the
# nemesis scenario that uses every fault class and snapshots) and does not
# depend on the environment (LIBRAFT_TRACE, which turns the library's own
# tracer and its wall-clock reads on, changes nothing); a bad parameter
# is refused with exit 2.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"

expect_exit 0 fs models
contains "$OUT" "libraft.server"
contains "$OUT" "libraft.client"

digests() {
  for seed in $(seq 1 20); do
    fs run scenarios/libraft_nemesis.lua --seed "$seed" --json | jq -r '"\(.seed) \(.trace_digest) \(.expectations.ok)"'
  done
}
a=$(digests)
b=$(digests)
c=$(LIBRAFT_TRACE=1 digests 2>/dev/null)
[ "$(echo "$a" | wc -l)" = 20 ] || fail "expected 20 digests, got: $a"
echo "$a" | grep -qv " true$" && fail "an expectation failed: $a"
[ "$a" = "$b" ] || fail "digests differ between processes: $(diff <(echo "$a") <(echo "$b"))"
[ "$a" = "$c" ] || fail "LIBRAFT_TRACE changed a digest: $(diff <(echo "$a") <(echo "$c"))"
# Different seeds do different things.
[ "$(echo "$a" | awk '{print $2}' | sort -u | wc -l)" = 20 ] || fail "seeds share digests: $a"

cat >"$TMPDIR/bad.lua" <<'LUA'
scenario { name = "bad", duration = "1s" }
node("s1", "libraft.server", { peers = "s1", election_timeout = "150ms,200ms" })
LUA
expect_exit 2 fs run "$TMPDIR/bad.lua"
contains "$ERR" "election_timeout"

# The two seeds where the long exploration saw libraft 0.15.0 break Raft's
# safety with crashes that kill the process (docs/libraft.md): both
# reproduce in every process, with the same broken invariants.
for seed in 1602 2553; do
  expect_exit 1 fs run scenarios/libraft_nemesis.lua --seed "$seed"
  contains "$OUT" "FAIL state_machine_safety"
  contains "$OUT" "FAIL raft_apply_agree"
  lacks "$OUT" "FAIL election_safety"
done
expect_exit 1 fs run scenarios/libraft_nemesis.lua --seed 1602
contains "$OUT" "FAIL leader_completeness"
