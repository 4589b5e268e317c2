# faultsim explore: the issue's known results on the explore side, cheap
# versions (tests/soak/explore_10k.sh runs 10,000 runs of the correct
# models), the reproduce command, -j and --until-first giving the same
# report, explore{} inert without --explore, the swarm immune to a script
# that redefines the fault functions, and usage and bad declarations.
. "$ROOT/tests/sh/lib.sh"
set -e
S=$ROOT/scenarios

# 1. 3PC under random partitions fails, 2PC does not, in the same runs.
expect_exit 1 fs explore "$S/explore_3pc.lua" --runs 300
three=$OUT
contains "$three" "300 runs (seeds 1-300)"
contains "$three" ": atomicity, in "
expect_exit 0 fs explore "$S/explore_2pc.lua" --runs 300
contains "$OUT" "0 failed (0 violated an invariant, 0 could not finish), 0 unique failures"

# The printed command reproduces the run: same invariant, same first message.
cmd=$(printf '%s\n' "$three" | grep -m1 '  reproduce: ' | sed 's/^  reproduce: //')
first=$(printf '%s\n' "$three" | grep -m1 '  first: ' | sed 's/^  first: //')
seed=${cmd##* }
expect_exit 1 fs run "$S/explore_3pc.lua" --explore --seed "$seed" --json
[ "$(printf '%s' "$OUT" | jq -r '.invariants[] | select(.name == "atomicity") | .examples[0]')" = "$first" ] ||
  fail "run --explore --seed $seed does not show '$first'"
case "$cmd" in *" run $S/explore_3pc.lua --explore --seed $seed") ;; *) fail "reproduce command: $cmd";; esac
# A pinned explore run: the swarm's draws do not drift.
[ "$(fs run "$S/explore_3pc.lua" --explore --seed 101 --json | jq -r .trace_digest)" = c562eb73756d33eb0631903ead41acf6 ] ||
  fail "explore_3pc.lua --explore --seed 101 changed digest"

# The same report for any -j; --until-first stops at the lowest failing seed.
expect_exit 1 fs explore "$S/explore_3pc.lua" --runs 300 -j 2
[ "$OUT" = "$three" ] || fail "-j 2 gives another report than -j 1"
expect_exit 1 fs explore "$S/explore_3pc.lua" --runs 300 --until-first
u1=$OUT
expect_exit 1 fs explore "$S/explore_3pc.lua" --runs 300 --until-first -j 2
[ "$OUT" = "$u1" ] || fail "--until-first -j 2 differs from -j 1"
low=$(printf '%s\n' "$three" | grep -E '^failure [0-9]+ of' | sed 's/.*(seeds\{0,1\} \([0-9]*\).*/\1/' | sort -n | head -n 1)
contains "$u1" "$low runs (seeds 1-$low)"
contains "$u1" "1 failed"

# 2. The 2PC lab's broken solutions are found; the reference is not.
lab() { fs explore "$S/explore_2pc_lab.lua" --set fault=none --set loss=0 "$@"; }
expect_exit 1 lab --set solution=_wrong_commit_after_send.lua --runs 200 --no-coverage
contains "$OUT" ": atomicity, in "
expect_exit 1 lab --set solution=_wrong_decide_alone.lua --runs 100 --no-coverage
contains "$OUT" ": atomicity, in "
expect_exit 0 lab --runs 100

# 3. Redlock's clock jump found with clock jumps only, the lease's GC pause
#    with pauses only; fencing tokens hold.
expect_exit 1 fs explore "$S/explore_redlock_clock.lua" --runs 1000
contains "$OUT" ": mutual_exclusion, in "
expect_exit 1 fs explore "$S/explore_lease_pause.lua" --runs 1000
contains "$OUT" ": resource_safety, in "
contains "$OUT" "lock.lease.client  cs_enter"

# 4. (cheap) correct models: nothing found.
expect_exit 0 fs explore "$S/explore_lease_pause.lua" --set model=lock.fenced --runs 1000
expect_exit 0 fs explore "$S/explore_kv_abd.lua" --runs 150 -j 2
contains "$OUT" "0 failed"

# Without --explore, explore{} adds nothing: the digest of a copy without it.
grep -v '^explore {' "$S/explore_kv_abd.lua" > plain.lua
for s in 1 2; do
  a=$(fs run "$S/explore_kv_abd.lua" --seed $s --json | jq -r .trace_digest)
  b=$(fs run plain.lua --seed $s --json | jq -r .trace_digest)
  [ "$a" = "$b" ] || fail "explore{} changed a run without --explore (seed $s)"
done
# The swarm uses the fault functions as they were before the script ran.
{ cat "$S/explore_kv_abd.lua"; echo 'crash = nil; partition = nil; after = nil; link = function() error("no") end'; } > hostile.lua
for s in 3 4 5; do
  a=$(fs run "$S/explore_kv_abd.lua" --explore --seed $s --json | jq -r .trace_digest)
  b=$(fs run hostile.lua --explore --seed $s --json | jq -r .trace_digest)
  c=$(fs run "$S/explore_kv_abd.lua" --seed $s --json | jq -r .trace_digest)
  [ "$a" = "$b" ] || fail "a script redefining the fault functions changed the swarm (seed $s)"
  [ "$a" != "$c" ] || fail "seed $s injected nothing: pick another seed for this test"
done

# Bad declarations and usage: exit 2 with a message.
printf 'node("a", "echo.server")\nexplore { nodes = { "a", "zz" } }\n' > bad.lua
expect_exit 2 fs run bad.lua --explore
contains "$ERR" "bad.lua:2: explore{}: nodes: unknown node 'zz'"
expect_exit 2 fs explore bad.lua --runs 3
contains "$OUT" "error 1 of 1: the run could not finish, in 3 runs (seeds 1, 2, 3)"
expect_exit 0 fs run bad.lua
expect_exit 2 fs explore "$S/explore_2pc.lua" --runs 0
expect_exit 2 fs explore "$S/explore_2pc.lua" --runs 5 --time 1s
expect_exit 2 fs explore no_such.lua
contains "$ERR" "no_such.lua: no such file"
expect_exit 2 fs explore "$S/explore_2pc.lua" --set nope=1
contains "$ERR" "declares no parameter 'nope'"
expect_exit 0 fs explore "$S/explore_2pc.lua" --time 0.5s
contains "$OUT" "explore $S/explore_2pc.lua: "
