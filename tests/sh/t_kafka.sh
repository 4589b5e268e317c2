# Issue 13's Kafka scenarios in every configuration they assert (make
# test-scenarios runs only each file's defaults):
#  1. kafka_acks.lua: acks=1 loses the record acknowledged just before the
#     leader crashed (defaults, 200 seeds); acks=all with min_isr=2 loses
#     nothing over 200 seeds, whichever single broker crashes (the leader,
#     or one picked per seed).
#  2. kafka_unclean.lua: clean election (no loss, ~2 s without writes) and
#     unclean (loss, writes go on), 20 seeds each.
#  3. kafka_kip101.lua: HW truncation loses and diverges, leader epochs do
#     not, 50 seeds each.
#  4. kafka_faults.lua, the correct configuration under each network fault
#     alone and combined (seeds 1-10), idempotent or not.
# The whole file takes a few seconds.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
expect_exit 0 fs check --jobs 2 --seeds 200 scenarios/kafka_acks.lua
contains "$OUT" "held in 200/200" "kafka_acks acks=1"
for victim in leader random; do
  expect_exit 0 fs check --jobs 2 --seeds 200 --set acks=all --set min_isr=2 --set "victim=$victim" scenarios/kafka_acks.lua
  contains "$OUT" "held in 200/200" "kafka_acks acks=all min_isr=2 victim=$victim"
done
for unclean in false true; do
  expect_exit 0 fs check --jobs 2 --seeds 20 --set "unclean=$unclean" scenarios/kafka_unclean.lua
  contains "$OUT" "held in 20/20" "kafka_unclean unclean=$unclean"
done
for truncation in hw epoch; do
  expect_exit 0 fs check --jobs 2 --seeds 50 --set "truncation=$truncation" scenarios/kafka_kip101.lua
  contains "$OUT" "held in 50/50" "kafka_kip101 truncation=$truncation"
done
for idempotent in true false; do
  for fault in none loss duplicate reorder delay crash all; do
    expect_exit 0 fs check --jobs 2 --seeds 10 --set "fault=$fault" --set "idempotent=$idempotent" scenarios/kafka_faults.lua
    contains "$OUT" "held in 10/10" "kafka_faults fault=$fault idempotent=$idempotent"
  done
done
# The broken configuration really breaks (its expect{} asks for it; the
# report must say so too): acks=1 with a leader crash loses a record.
expect_exit 0 fs run scenarios/kafka_acks.lua --seed 1 --set acks=1 --set victim=leader --set min_isr=1 --json
[ "$(printf '%s' "$OUT" | jq '[.invariants[] | select(.name == "acked_loss")][0].violations')" -ge 1 ] \
  || fail "kafka_acks acks=1: no acked_loss"
# Bad parameters are errors naming the node.
expect_exit 2 fs run scenarios/kafka_kip101.lua --set truncation=never
contains "$ERR" "truncation must be" "kafka truncation error"
