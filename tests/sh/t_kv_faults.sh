# The kv fault matrix: kv.quorum and kv.abd under each fault of
# scenarios/_kv_faults.lua on its own (loss, duplication, reordering, delay,
# crashes) and all combined, seeds 1-5 per row (tests/soak/kv_faults.sh
# runs 200), and kv.quorum again with send_to = quorum. Each row must hold
# what the scenario promises: no stale read, every quorum from distinct
# replicas, and for ABD a linearizable history.
# Then ABD with writes in flight, and membership changes under duplication.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
for store in quorum abd; do
  for fault in none loss duplicate reorder delay crash all; do
    expect_exit 0 fs check --jobs 2 --seeds 1-5 --set "fault=$fault" "scenarios/kv_${store}_faults.lua"
    contains "$OUT" "held in 5/5" "kv_${store}_faults fault=$fault"
  done
done
# kv.quorum.client with send_to = quorum (a phase asks the replicas it
# needs, more after sloppy_after) under the same matrix: no stale read,
# every quorum from distinct replicas.
for fault in none loss duplicate reorder delay crash all; do
  expect_exit 0 fs check --jobs 2 --seeds 1-5 --set "fault=$fault" --set send_to=quorum scenarios/kv_quorum_faults.lua
  contains "$OUT" "held in 5/5" "kv_quorum_faults fault=$fault send_to=quorum"
done
# And under each fault that takes a request away or doubles it, it still
# gets its quorums, as often as the formula says and as send_to = all does
# (scenarios/kv_send_quorum.lua).
for send_to in quorum all; do
  for fault in none loss duplicate cut; do
    expect_exit 0 fs check --jobs 2 --seeds 1-5 --set "fault=$fault" --set "send_to=$send_to" scenarios/kv_send_quorum.lua
    contains "$OUT" "held in 5/5" "kv_send_quorum fault=$fault send_to=$send_to"
  done
done
# A sloppy quorum behind send_to = quorum: the third replica first, then
# fallbacks with hints, so writes get through while two replicas are down,
# and the strict client's do not (scenarios/kv_sloppy.lua).
for sloppy in false true; do
  expect_exit 0 fs check --jobs 2 --seeds 1-5 --set send_to=quorum --set "sloppy=$sloppy" scenarios/kv_sloppy.lua
  contains "$OUT" "held in 5/5" "kv_sloppy sloppy=$sloppy send_to=quorum"
done
# A fault name the matrix does not know is an error, not a silent pass.
expect_exit 2 fs run scenarios/kv_quorum_faults.lua --set fault=flood
contains "$ERR" "fault must be one of"
# ABD with many writes of one client in flight: each write's tag is its
# own, so the replicas agree at the end (the default, kv.quorum, runs in
# `faultsim check scenarios`).
expect_exit 0 fs check --jobs 2 --set store=abd scenarios/kv_inflight.lua
contains "$OUT" "held in 10/10"
# Membership changes with duplicated messages: joins and leaves still move
# the right keys and lose none, and the handoff race loses no write.
expect_exit 0 fs check --jobs 2 --set duplicate=0.3 scenarios/kv_join.lua scenarios/kv_leave.lua scenarios/kv_handoff_race.lua
contains "$OUT" "3 passed, 0 failed"
