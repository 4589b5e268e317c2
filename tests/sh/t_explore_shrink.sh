#!/bin/bash
# Issue 17's known results 1-3 end to end: explore finds the failure
# under its random faults, shrink --explore cuts that very run down to a
# few faults, and the scenario shrink writes fails on its own.
source "$(dirname "$0")/lib.sh"
fs() { "$FAULTSIM" "$@"; }

# explore_and_shrink SCENARIO MAX_FAULTS [--set ...]: explore until the first
# failure, shrink its seed, check the fault count and the written scenario.
explore_and_shrink() {
  local scen="$ROOT/scenarios/$1" max=$2; shift 2
  expect_exit 1 fs explore "$scen" "$@" --runs 300 --until-first
  local seed
  seed=$(printf '%s\n' "$OUT" | sed -n 's/^failure 1 of [0-9]*: .*(seed \([0-9]*\))$/\1/p')
  [ -n "$seed" ] || fail "$1: explore reported no failing seed: $OUT"
  contains "$OUT" "reproduce: $FAULTSIM run $scen ${*:+$* }--explore --seed $seed"
  expect_exit 0 fs shrink "$scen" "$@" --explore --seed "$seed" -o min.lua
  local faults
  faults=$(printf '%s\n' "$OUT" | sed -n 's/^  after:  \([0-9]*\) faults\{0,1\},.*/\1/p')
  [ -n "$faults" ] && [ "$faults" -ge 1 ] && [ "$faults" -le "$max" ] \
    || fail "$1: shrank to '$faults' faults, want 1..$max: $OUT"
  expect_exit 1 fs run min.lua --seed "$seed" "$@"
  contains "$OUT" "verdict: FAILED"
}

# 1: 3PC under random partitions, to at most 2 faults.
explore_and_shrink explore_3pc.lua 2
# 2: the 2PC lab's broken solution (decides commit before its log record
# is forced), to at most 3 faults.
explore_and_shrink explore_2pc_lab.lua 3 --set fault=none --set loss=0 --set solution=_wrong_commit_after_send.lua
# 3: Redlock under clock jumps only and the lease lock under pauses only,
# each to one fault.
explore_and_shrink explore_redlock_clock.lua 1
explore_and_shrink explore_lease_pause.lua 1
echo ok
