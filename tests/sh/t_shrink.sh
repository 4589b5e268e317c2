# faultsim shrink: known results 1-3 of issue 17 (shrink side). Each failing
# run shrinks to a few faults, the scenario it writes fails on its own with
# `faultsim run`, and shrinking is deterministic.
source "$ROOT/tests/sh/lib.sh"
set -e

# after_faults: the fault count of shrink's "after:" line in $OUT.
after_faults() { printf '%s\n' "$OUT" | sed -n "s/^  after: *\([0-9]*\) faults*[,].*/\1/p"; }

# shrink_case FILE SEED MAX_FAULTS INVARIANT [--set ...]: shrinks, checks
# the size, runs the written scenario alone.
shrink_case() {
  local file=$1 seed=$2 max=$3 inv=$4; shift 4
  expect_exit 0 fs shrink "$ROOT/scenarios/$file" --seed "$seed" -o min.lua "$@"
  contains "$OUT" "invariant '$inv' is violated"
  local n; n=$(after_faults)
  [ -n "$n" ] && [ "$n" -ge 1 ] && [ "$n" -le "$max" ] || fail "$file seed $seed: $n faults after shrinking, want 1..$max"
  contains "$OUT" "wrote min.lua; it violates '$inv' on its own"
  # The written scenario alone: exit 1, the same invariant violated.
  expect_exit 1 fs run min.lua --seed "$seed" "$@" --json
  [ "$(printf '%s' "$OUT" | jq --arg i "$inv" '[.invariants[] | select(.name == $i) | .violations][0]')" -ge 1 ] ||
    fail "$file: the written scenario does not violate $inv"
  # It has only explicit faults: at() calls, no nemesis of its own.
  [ "$(grep -c '^at("' min.lua)" -eq "$n" ] || fail "$file: expected $n at() calls in min.lua"
}

# 1. 3PC under a random partition nemesis: at most 2 faults (here 1, a partition).
shrink_case shrink_3pc_nemesis.lua 3 2 atomicity
grep -q 'fault.partition(' min.lua || fail "3PC: the remaining fault is not a partition"
# The same topology under 2PC violates nothing at that seed: nothing to shrink.
expect_exit 2 fs shrink "$ROOT/scenarios/shrink_3pc_nemesis.lua" --seed 3 --set proto=2pc -o two.lua
contains "$ERR" "no invariant is violated"
[ ! -e two.lua ] || fail "a scenario was written for a run without a violation"

# 2. The 2PC lab's broken solution (commit sent before all votes are in),
# its coordinator crashed by a hook on its first DECISION: at most 3 faults.
shrink_case labs/2pc/grade.lua 1 3 atomicity --set solution=_wrong_commit_after_send.lua --set loss=0 --set fault=coord_after
grep -q 'once({ kind = "send", node = "coord"' min.lua || fail "lab: the hook's fault lost its trigger"

# 3. Redlock under random clock jumps, a lease lock under random GC pauses:
# one fault each.
shrink_case shrink_redlock_clocks.lua 2 1 mutual_exclusion
grep -q 'fault.clock_jump("r3"' min.lua || fail "Redlock: the remaining fault is not r3's clock jump"
shrink_case shrink_lease_pauses.lua 1 1 resource_safety
grep -q 'fault.pause("client1"' min.lua || fail "lease: the remaining fault is not client1's pause"

# A fault a timeline makes right after a protocol event, at its instant
# (lock_gc_pause.lua: pause as client1 enters its critical section): the
# replay keeps it after that event.
shrink_case lock_gc_pause.lua 1 1 resource_safety

# Deterministic: the same input gives the same scenario.
fs shrink "$ROOT/scenarios/shrink_3pc_nemesis.lua" --seed 7 -o a.lua >/dev/null
fs shrink "$ROOT/scenarios/shrink_3pc_nemesis.lua" --seed 7 -o b.lua >/dev/null
sed 1d a.lua >a.body; sed 1d b.lua >b.body
cmp -s a.body b.body || fail "two shrinks of one run wrote different scenarios"

# --invariant names one that is not violated: exit 2, nothing written.
expect_exit 2 fs shrink "$ROOT/scenarios/shrink_3pc_nemesis.lua" --seed 3 --invariant termination -o t.lua
contains "$ERR" "invariant 'termination' is not violated"
[ ! -e t.lua ] || fail "wrote a scenario for an invariant that held"
# Usage errors.
expect_exit 2 fs shrink
expect_exit 2 fs shrink nosuch.lua --seed 1
contains "$ERR" "nosuch.lua: no such file"
expect_exit 2 fs shrink "$ROOT/scenarios/shrink_3pc_nemesis.lua" --seed 3 -o "$ROOT/scenarios/shrink_3pc_nemesis.lua"
contains "$ERR" "would overwrite the scenario"
expect_exit 2 fs shrink "$ROOT/scenarios/shrink_3pc_nemesis.lua" --seed 3 -o nodir/min.lua
contains "$ERR" "nodir/min.lua: no such folder"
expect_exit 2 fs shrink "$ROOT/scenarios/shrink_3pc_nemesis.lua" --seed 3 -o .
contains "$ERR" "is a folder"
echo ok
