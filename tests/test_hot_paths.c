/* The hot paths rewritten for speed (issue 12, Raft performance) keep
 * their contracts: the event queue pops in (time, sequence) order, message
 * fields are found by text as well as by pointer, and the leader's commit
 * rule picks the majority's index for small and large clusters alike. */
#include "models/raft/raft.h"
#include "sim/kernel/queue.h"
#include "sim/kernel/sim.h"
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  SimTime time;
  uint64_t seq;
} QueueRef;

static int ref_cmp(const void *a, const void *b)
{
  const QueueRef *x = a, *y = b;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Random pushes (few distinct times, so many ties) mixed with pops: every
 * pop returns the earliest (time, seq) still queued, checked against a
 * sorted copy of what is queued. */
static void test_queue_order(void)
{
  SimQueue q;
  sim_queue_init(&q);
  SimRng rng;
  sim_rng_init(&rng, 7, "queue");
  GArray *ref = g_array_new(FALSE, FALSE, sizeof(QueueRef));
  uint64_t seq = 0;
  SimTime now = 0;
  gboolean ordered = TRUE;
  for (int round = 0; round < 20000; round++) {
    if (ref->len == 0 || sim_rng_below(&rng, 100) < 55) {
      SimTime t = now + (SimTime) sim_rng_below(&rng, 40);
      QueueRef r = { t, seq++ };
      sim_queue_push(&q, t, (uint32_t) r.seq);
      g_array_append_val(ref, r);
      continue;
    }
    g_array_sort(ref, ref_cmp);
    QueueRef want = g_array_index(ref, QueueRef, 0);
    g_array_remove_index(ref, 0);
    SimQueueEntry got;
    CU_ASSERT_TRUE_FATAL(sim_queue_pop(&q, &got));
    ordered &= got.time == want.time && got.seq == want.seq && got.payload == (uint32_t) want.seq;
    now = got.time;
  }
  CU_ASSERT_TRUE(ordered);
  CU_ASSERT_EQUAL(q.len, ref->len);
  SimQueueEntry e;
  SimTime last = -1;
  while (sim_queue_pop(&q, &e)) {
    CU_ASSERT(e.time >= last);
    last = e.time;
  }
  g_array_unref(ref);
  sim_queue_clear(&q);
}

/* A name equal in text but not in pointer is the same field; names that
 * share a first byte stay apart; an absent name gives the fallback. */
static void test_fields_by_text(void)
{
  SimMsg m = sim_record("test");
  g_autofree char *term = g_strdup("term");
  sim_msg_set(&m, "term", 1);
  sim_msg_set(&m, "t0", 2);
  sim_msg_set(&m, "prev", 3);
  sim_msg_set(&m, "pt", 4);
  sim_msg_set(&m, term, 5); /* another pointer, the same field */
  CU_ASSERT_EQUAL(m.nfields, 4);
  CU_ASSERT_EQUAL(sim_msg_get(&m, "term", 0), 5);
  CU_ASSERT_EQUAL(sim_msg_get(&m, term, 0), 5);
  CU_ASSERT_EQUAL(sim_msg_get(&m, "t0", 0), 2);
  CU_ASSERT_EQUAL(sim_msg_get(&m, "pt", 0), 4);
  g_autofree char *prev = g_strdup("prev");
  CU_ASSERT_EQUAL(sim_msg_get(&m, prev, 0), 3);
  CU_ASSERT_EQUAL(sim_msg_get(&m, "te", -7), -7);   /* a prefix of a name */
  CU_ASSERT_EQUAL(sim_msg_get(&m, "terms", -7), -7); /* a name plus more */
  CU_ASSERT_EQUAL(sim_msg_get(&m, "x", -7), -7);
  CU_ASSERT_TRUE(sim_msg_has(&m, term));
  CU_ASSERT_FALSE(sim_msg_has(&m, "t"));
  sim_msg_set(&m, "", 9); /* the empty name is a name too */
  CU_ASSERT_EQUAL(sim_msg_get(&m, "", 0), 9);
  CU_ASSERT_EQUAL(m.nfields, 5);
}

/* raft_commit_advance against the definition: the largest N above
 * commitIndex that a majority's match reaches (all entries of the current
 * term), for clusters of 1 to 40 members and random match indices. */
static void test_commit_advance_sizes(void)
{
  RaftState s;
  raft_state_init(&s);
  s.currentTerm = 3;
  for (int i = 0; i < 60; i++) {
    RaftEntry e = { .term = 3 };
    g_array_append_val(s.log, e);
  }
  SimRng rng;
  sim_rng_init(&rng, 11, "commit");
  gboolean right = TRUE;
  for (guint n = 1; n <= 40; n++)
    for (int trial = 0; trial < 50; trial++) {
      int64_t match[40];
      for (guint i = 0; i < n; i++)
        match[i] = (int64_t) sim_rng_below(&rng, 61);
      s.commitIndex = (int64_t) sim_rng_below(&rng, 20);
      int64_t want = s.commitIndex;
      for (int64_t N = 60; N > s.commitIndex; N--) {
        guint count = 0;
        for (guint i = 0; i < n; i++)
          count += match[i] >= N;
        if (2 * count > n) {
          want = N;
          break;
        }
      }
      right &= raft_commit_advance(&s, match, n, FALSE) == want;
    }
  CU_ASSERT_TRUE(right);
  raft_state_clear(&s);
}

void suite_hot_paths(void)
{
  CU_pSuite s = CU_add_suite("hot_paths", NULL, NULL);
  CU_add_test(s, "the event queue pops in (time, seq) order", test_queue_order);
  CU_add_test(s, "message fields are found by text as well as by pointer", test_fields_by_text);
  CU_add_test(s, "the commit rule picks the majority's index at every cluster size", test_commit_advance_sizes);
}
