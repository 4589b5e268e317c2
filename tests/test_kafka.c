/* Kafka (models/kafka): the replication rules of kafka_rules.c on
 * hand-built states — ISR shrink and expand, the high watermark, both
 * follower-truncation rules (KIP-101's two cases among them), and the
 * controller's elections, fencing, registrations and AlterPartition. */
#include "models/kafka/kafka.h"
#include <CUnit/CUnit.h>

static void test_isr_shrink_expand(void)
{
  SimTime caught[3] = { 0, 900, 500 };
  /* Follower 2 last caught up 500 before now = 1000 > lag 300: it leaves;
   * follower 1 (100 ago) stays; the leader (0) stays whatever its time. */
  CU_ASSERT_EQUAL(kafka_isr_shrink(0x7, 0, caught, 3, 1000, 300), 0x3);
  /* At exactly the lag it stays (more than lag leaves). */
  CU_ASSERT_EQUAL(kafka_isr_shrink(0x7, 0, caught, 3, 800, 300), 0x7);
  /* Members outside the ISR are not touched. */
  CU_ASSERT_EQUAL(kafka_isr_shrink(0x1, 0, caught, 3, 10000, 300), 0x1);
  CU_ASSERT_EQUAL(kafka_isr_size(0x5), 2);
  /* Expand: the fetch offset must reach both the HW and the leader's
   * epoch start. */
  CU_ASSERT_TRUE(kafka_isr_may_join(10, 10, 8));
  CU_ASSERT_FALSE(kafka_isr_may_join(9, 10, 8));
  CU_ASSERT_FALSE(kafka_isr_may_join(10, 7, 11));
}

static void test_hw_advance(void)
{
  int64_t leo[3] = { 10, 7, 4 };
  /* The smallest log end among the ISR. */
  CU_ASSERT_EQUAL(kafka_hw_advance(0, 0x7, leo, 3), 4);
  /* Replica 2 out of the ISR: it no longer holds the HW back. */
  CU_ASSERT_EQUAL(kafka_hw_advance(0, 0x3, leo, 3), 7);
  /* Leader alone: its own log end. */
  CU_ASSERT_EQUAL(kafka_hw_advance(0, 0x1, leo, 3), 10);
  /* Never backwards (a follower's fetch offset after its restart). */
  CU_ASSERT_EQUAL(kafka_hw_advance(8, 0x7, leo, 3), 8);
}

static const KafkaRecord *records(KafkaRecord *out, const int64_t *epochs, guint n)
{
  for (guint i = 0; i < n; i++)
    out[i] = (KafkaRecord) { epochs[i], 100 + i, 0, 0 };
  return out;
}

static void test_truncate_hw(void)
{
  /* Before KIP-101: to the own HW, never past the log end. */
  CU_ASSERT_EQUAL(kafka_truncate_hw(5, 3), 3);
  CU_ASSERT_EQUAL(kafka_truncate_hw(2, 3), 2);
  CU_ASSERT_EQUAL(kafka_truncate_hw(5, -1), 0);
}

static void test_truncate_epoch(void)
{
  KafkaRecord a[8], b[8];
  /* KIP-101 case 1: leader A holds m1 m2 of epoch 1 and leads epoch 1;
   * follower B holds both too but its HW is 1. Asked for epoch 1, A
   * answers (1, 2): B keeps m2 (the HW rule would drop it). */
  const int64_t e1[] = { 1, 1 };
  records(a, e1, 2);
  records(b, e1, 2);
  int64_t reply, end;
  kafka_epoch_lookup(a, 2, 1, 0, 1, &reply, &end);
  CU_ASSERT_EQUAL(reply, 1);
  CU_ASSERT_EQUAL(end, 2);
  CU_ASSERT_EQUAL(kafka_truncate_epoch(b, 2, reply, end), 2);
  CU_ASSERT_EQUAL(kafka_truncate_hw(2, 1), 1);

  /* KIP-101 case 2: A (epoch 1: m1, m2) and B (epoch 1: m1) both fail; B
   * comes back first, leads epoch 2 from offset 1 and appends m3. A, back
   * as follower, asks for its last epoch 1: B answers (1, 1), and A
   * truncates m2 away instead of keeping it beside B's m3. */
  const int64_t ea[] = { 1, 1 }, eb[] = { 1, 2 };
  records(a, ea, 2);
  records(b, eb, 2);
  kafka_epoch_lookup(b, 2, 2, 1, 1, &reply, &end);
  CU_ASSERT_EQUAL(reply, 1);
  CU_ASSERT_EQUAL(end, 1);
  CU_ASSERT_EQUAL(kafka_truncate_epoch(a, 2, reply, end), 1);

  /* A leader that leads epoch 3 from offset 4 with no record of it yet:
   * asked for epoch 2 (which it holds up to 4) it answers (2, 4). */
  const int64_t el[] = { 1, 1, 2, 2 };
  records(b, el, 4);
  kafka_epoch_lookup(b, 4, 3, 4, 2, &reply, &end);
  CU_ASSERT_EQUAL(reply, 2);
  CU_ASSERT_EQUAL(end, 4);
  /* Asked for its current epoch: its log end. */
  kafka_epoch_lookup(b, 4, 3, 4, 3, &reply, &end);
  CU_ASSERT_EQUAL(reply, 3);
  CU_ASSERT_EQUAL(end, 4);

  /* KIP-279: the follower's last epoch (3) is one the leader never had
   * (leader epochs 1, 4): the leader answers its largest epoch below,
   * 1, ending at 2; the follower truncates to the smaller of that and
   * its own end of epoch 1. */
  const int64_t lf[] = { 1, 1, 4 }, ff[] = { 1, 3, 3 };
  records(a, lf, 3);
  records(b, ff, 3);
  kafka_epoch_lookup(a, 3, 4, 2, 3, &reply, &end);
  CU_ASSERT_EQUAL(reply, 1);
  CU_ASSERT_EQUAL(end, 2);
  CU_ASSERT_EQUAL(kafka_truncate_epoch(b, 3, reply, end), 1);

  /* Two rounds (scenarios/kafka_nemesis.lua seed 178): leader epochs
   * 1 1 2, leading epoch 4 from offset 3; follower 1 1 1 3. Asked for 3,
   * the leader answers (2, 3): the follower drops its epoch-3 record but
   * still ends with epoch 1, which is not 2 — its record at offset 2 is
   * not the leader's — so it asks again for epoch 1: (1, 2), truncating
   * that record too. Stopping after one round kept it. */
  const int64_t l2[] = { 1, 1, 2 }, f2[] = { 1, 1, 1, 3 };
  records(a, l2, 3);
  records(b, f2, 4);
  kafka_epoch_lookup(a, 3, 4, 3, 3, &reply, &end);
  CU_ASSERT_EQUAL(reply, 2);
  CU_ASSERT_EQUAL(end, 3);
  int64_t len = kafka_truncate_epoch(b, 4, reply, end);
  CU_ASSERT_EQUAL(len, 3);
  CU_ASSERT_FALSE(kafka_epoch_agreed(b, len, reply));
  kafka_epoch_lookup(a, 3, 4, 3, kafka_last_epoch(b, len), &reply, &end);
  CU_ASSERT_EQUAL(reply, 1);
  CU_ASSERT_EQUAL(end, 2);
  len = kafka_truncate_epoch(b, len, reply, end);
  CU_ASSERT_EQUAL(len, 2);
  CU_ASSERT_TRUE(kafka_epoch_agreed(b, len, reply));
  CU_ASSERT_TRUE(kafka_epoch_agreed(b, 0, 5));
  CU_ASSERT_TRUE(kafka_epoch_agreed(b, 2, -1));

  /* A follower whose every epoch is older than any the leader knows
   * truncates everything. */
  const int64_t old[] = { 1, 1 }, newer[] = { 2 };
  records(a, newer, 1);
  records(b, old, 2);
  kafka_epoch_lookup(a, 1, 2, 0, 1, &reply, &end);
  CU_ASSERT_EQUAL(reply, -1);
  CU_ASSERT_EQUAL(kafka_truncate_epoch(b, 2, reply, end), 0);
  CU_ASSERT_EQUAL(kafka_last_epoch(b, 2), 1);
  CU_ASSERT_EQUAL(kafka_last_epoch(b, 0), -1);
}

static void registered(KafkaPartition *p, guint n)
{
  kafka_partition_init(p, n);
  for (guint i = 0; i < n; i++)
    kafka_register(p, (int) i, 0, FALSE);
}

static void test_elections(void)
{
  KafkaPartition p;
  registered(&p, 3);
  CU_ASSERT_EQUAL(p.leader, 0);
  CU_ASSERT_EQUAL(p.epoch, 1);
  CU_ASSERT_EQUAL(p.isr, 0x7);
  /* The leader is fenced: it leaves the ISR, the next member leads a new
   * epoch. */
  kafka_fence(&p, 0, FALSE);
  CU_ASSERT_EQUAL(p.leader, 1);
  CU_ASSERT_EQUAL(p.epoch, 2);
  CU_ASSERT_EQUAL(p.isr, 0x6);
  /* Fencing twice changes nothing. */
  int64_t v = p.version;
  kafka_fence(&p, 0, FALSE);
  CU_ASSERT_EQUAL(p.version, v);

  /* Clean: the ISR shrank to the leader, which dies: no leader, and the
   * last member stays in the ISR; it leads again when it comes back. */
  registered(&p, 3);
  CU_ASSERT_TRUE(kafka_alter_isr(&p, 0, 1, p.version, 0x1));
  kafka_fence(&p, 0, FALSE);
  CU_ASSERT_EQUAL(p.leader, -1);
  CU_ASSERT_EQUAL(p.isr, 0x1);
  int64_t e = p.epoch;
  kafka_register(&p, 1, 0, FALSE); /* a live non-member: nothing */
  CU_ASSERT_EQUAL(p.leader, -1);
  kafka_register(&p, 0, 1, FALSE); /* the member, restarted */
  CU_ASSERT_EQUAL(p.leader, 0);
  CU_ASSERT_EQUAL(p.epoch, e + 1);

  /* Unclean: the same, but a live replica out of the ISR leads at once,
   * alone in the ISR. */
  registered(&p, 3);
  CU_ASSERT_TRUE(kafka_alter_isr(&p, 0, 1, p.version, 0x1));
  kafka_fence(&p, 0, TRUE);
  CU_ASSERT_EQUAL(p.leader, 1);
  CU_ASSERT_EQUAL(p.isr, 0x2);
  /* Unclean, nobody alive: offline. */
  registered(&p, 2);
  kafka_fence(&p, 1, TRUE);
  kafka_fence(&p, 0, TRUE);
  CU_ASSERT_EQUAL(p.leader, -1);

  /* A leader that restarted (new incarnation) before it was fenced loses
   * its leadership to another ISR member. */
  registered(&p, 3);
  kafka_register(&p, 0, 1, FALSE);
  CU_ASSERT_EQUAL(p.leader, 1);
  CU_ASSERT_EQUAL(p.isr, 0x7);
  /* A follower's restart changes no leader. */
  e = p.epoch;
  kafka_register(&p, 2, 1, FALSE);
  CU_ASSERT_EQUAL(p.leader, 1);
  CU_ASSERT_EQUAL(p.epoch, e);
}

static void test_alter_isr(void)
{
  KafkaPartition p;
  registered(&p, 3);
  int64_t v = p.version;
  /* Stale epoch or version, a leader dropping itself, a fenced member,
   * another broker: refused. */
  CU_ASSERT_FALSE(kafka_alter_isr(&p, 0, 0, v, 0x3));
  CU_ASSERT_FALSE(kafka_alter_isr(&p, 0, 1, v - 1, 0x3));
  CU_ASSERT_FALSE(kafka_alter_isr(&p, 0, 1, v, 0x6));
  CU_ASSERT_FALSE(kafka_alter_isr(&p, 1, 1, v, 0x3));
  CU_ASSERT_EQUAL(p.version, v);
  CU_ASSERT_TRUE(kafka_alter_isr(&p, 0, 1, v, 0x3));
  CU_ASSERT_EQUAL(p.version, v + 1);
  kafka_fence(&p, 2, FALSE);
  CU_ASSERT_FALSE(kafka_alter_isr(&p, 0, 1, p.version, 0x7));
  CU_ASSERT_FALSE(kafka_alter_isr(&p, 0, 1, p.version, 0x9)); /* not a replica */
}

void suite_kafka(void)
{
  CU_pSuite s = CU_add_suite("kafka", NULL, NULL);
  CU_add_test(s, "ISR shrinks after replica_lag_time and expands at the HW", test_isr_shrink_expand);
  CU_add_test(s, "HW is the smallest log end among the ISR, never backwards", test_hw_advance);
  CU_add_test(s, "truncation to the HW (before KIP-101)", test_truncate_hw);
  CU_add_test(s, "truncation by leader epoch (KIP-101, KIP-279)", test_truncate_epoch);
  CU_add_test(s, "controller: clean and unclean elections, fencing, restarts", test_elections);
  CU_add_test(s, "controller: AlterPartition checks epoch, version, members", test_alter_isr);
}
