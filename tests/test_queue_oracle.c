/* The ladder queue (sim/kernel/queue.c) against the 4-ary heap it replaced,
 * kept here as the oracle: both get the same random pushes and pops, and
 * every pop, peek and length must agree exactly (time, sequence and
 * payload). Workloads: a hold model (pop one, push one later), few distinct
 * times (ties everywhere), bursts at one instant larger than a bucket is
 * sorted at (a finer rung), times that crowd one corner of a wide range
 * (rungs within rungs), the whole int64 range with SIM_TIME_MAX parked
 * entries, pushes before the last pop, and pop_until with random bounds. */
#include "sim/kernel/model.h"
#include "sim/kernel/queue.h"
#include "sim/kernel/rng.h"
#include <CUnit/CUnit.h>
#include <string.h>

/* ---- the oracle: the 4-ary heap of queue.c before the ladder queue ---- */

typedef struct {
  SimQueueEntry *heap;
  size_t len, cap;
  uint64_t next_seq;
} OracleHeap;

static gboolean oracle_before(const SimQueueEntry *a, const SimQueueEntry *b)
{
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void oracle_push(OracleHeap *q, SimTime time, uint32_t payload)
{
  if (q->len == q->cap) {
    q->cap = q->cap ? q->cap * 2 : 1024;
    q->heap = g_renew(SimQueueEntry, q->heap, q->cap);
  }
  SimQueueEntry e = { time, q->next_seq++, payload };
  size_t i = q->len++;
  while (i > 0) {
    size_t parent = (i - 1) / 4;
    if (!oracle_before(&e, &q->heap[parent]))
      break;
    q->heap[i] = q->heap[parent];
    i = parent;
  }
  q->heap[i] = e;
}

static gboolean oracle_pop(OracleHeap *q, SimQueueEntry *out)
{
  if (q->len == 0)
    return FALSE;
  SimQueueEntry *h = q->heap;
  *out = h[0];
  SimQueueEntry last = h[--q->len];
  size_t n = q->len, i = 0;
  if (n == 0)
    return TRUE;
  for (;;) {
    size_t first = 4 * i + 1;
    if (first >= n)
      break;
    size_t best = first;
    for (size_t c = first + 1; c < n && c < first + 4; c++)
      if (oracle_before(&h[c], &h[best]))
        best = c;
    h[i] = h[best];
    i = best;
  }
  while (i > 0) {
    size_t parent = (i - 1) / 4;
    if (!oracle_before(&last, &h[parent]))
      break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = last;
  return TRUE;
}

/* ---- lockstep ---- */

typedef enum {
  W_HOLD,      /* pop one, push one up to 1 ms later, 5000 pending */
  W_TIES,      /* times from 8 values near now */
  W_BURSTS,    /* 200..2000 pushes at one instant, then pops */
  W_CORNER,    /* most times within 1000 ns of now, a few up to 2^50 later */
  W_EXTREMES,  /* anywhere in int64, SIM_TIME_MAX often, before now too */
  W_MIXED,     /* each step picks one of the above */
} Workload;

typedef struct {
  SimQueue q;
  OracleHeap o;
  SimRng rng;
  SimTime now;
  uint32_t payload;
  gboolean same;
  guint64 pops;
  /* with the ahead hook: which payloads are queued, and the hook's calls */
  guint8 *live;
  gsize live_cap;
  guint64 ahead_calls[2], ahead_strays;
} Lockstep;

/* The ahead hook of a large queue: may only name queued entries. */
static void lockstep_ahead(void *ctx, uint32_t payload, unsigned stage)
{
  Lockstep *s = ctx;
  s->ahead_calls[stage & 1]++;
  s->ahead_strays += stage > 1 || !s->live[payload];
}

/* A time for the next push, relative to the last pop; sums saturate (the
 * last pop may be SIM_TIME_MAX or far below 0). */
static SimTime draw_time(Lockstep *s, Workload w)
{
  SimRng *r = &s->rng;
  switch (w) {
  case W_HOLD:
    return sim_time_add_sat(s->now, sim_rng_range(r, 1, SIM_MS));
  case W_TIES:
    return sim_time_add_sat(s->now, (SimTime) sim_rng_below(r, 8) * 1000);
  case W_BURSTS:
    return sim_time_add_sat(s->now, 5);
  case W_CORNER:
    return sim_time_add_sat(s->now, sim_rng_below(r, 100) == 0 ? (SimTime) sim_rng_below(r, UINT64_C(1) << 50)
                                                           : (SimTime) sim_rng_below(r, 1000));
  case W_EXTREMES:
    switch (sim_rng_below(r, 5)) {
    case 0:
      return SIM_TIME_MAX;
    case 1:
      return (SimTime) sim_rng_u64(r);
    case 2:
      return sim_time_sub_sat(s->now, (SimTime) sim_rng_below(r, 100));
    default:
      return sim_time_add_sat(s->now, (SimTime) sim_rng_below(r, 1000));
    }
  case W_MIXED:
    break;
  }
  return draw_time(s, (Workload) sim_rng_below(r, W_MIXED));
}

static void step_push(Lockstep *s, SimTime t)
{
  if (s->live) {
    if (s->payload >= s->live_cap) {
      s->live = g_realloc(s->live, s->live_cap * 2);
      memset(s->live + s->live_cap, 0, s->live_cap);
      s->live_cap *= 2;
    }
    s->live[s->payload] = 1;
  }
  sim_queue_push(&s->q, t, s->payload);
  oracle_push(&s->o, t, s->payload);
  s->payload++;
}

static void step_pop(Lockstep *s)
{
  SimQueueEntry a = { 0 }, b = { 0 };
  SimTime peek = 0;
  gboolean has_peek = sim_queue_peek_time(&s->q, &peek);
  gboolean ga = sim_queue_pop(&s->q, &a), gb = oracle_pop(&s->o, &b);
  s->same &= ga == gb && has_peek == gb;
  if (ga && gb) {
    s->same &= a.time == b.time && a.seq == b.seq && a.payload == b.payload && peek == b.time;
    if (s->live)
      s->live[a.payload] = 0;
    s->now = b.time;
    s->pops++;
  }
}

/* pop_until with a bound drawn around the next time: pops exactly when the
 * oracle's next entry is at or before it. */
static void step_pop_until(Lockstep *s)
{
  if (s->o.len == 0)
    return;
  SimTime next = s->o.heap[0].time;
  SimTime until = next == SIM_TIME_MAX || sim_rng_below(&s->rng, 2) ? next : sim_time_sub_sat(next, 1);
  SimQueueEntry a = { 0 }, b = { 0 };
  gboolean ga = sim_queue_pop_until(&s->q, until, &a);
  s->same &= ga == (until >= next);
  if (ga) {
    oracle_pop(&s->o, &b);
    s->same &= a.time == b.time && a.seq == b.seq && a.payload == b.payload;
    if (s->live)
      s->live[a.payload] = 0;
    s->now = b.time;
    s->pops++;
  }
}

/* Runs workload w for `steps` steps after `fill` pushes (W_HOLD: 5000 when
 * 0); with `hook`, the queue's ahead hook checks every entry it is given
 * (`any_length`: at every queue length, as the kernel has it with many
 * nodes) and *calls gets how often each stage ran. */
static gboolean run_hooked(Workload w, uint64_t seed, int fill, int steps, gboolean hook, gboolean any_length,
                           guint64 *calls)
{
  Lockstep s = { .same = TRUE };
  sim_queue_init(&s.q);
  if (any_length)
    s.q.ahead_above = 0;
  if (hook) {
    s.live_cap = 1024;
    s.live = g_new0(guint8, s.live_cap);
    s.q.ahead_fn = lockstep_ahead;
    s.q.ahead_ctx = &s;
  }
  sim_rng_init_indexed(&s.rng, seed, "queue-oracle", (uint64_t) w);
  if (fill == 0 && w == W_HOLD)
    fill = 5000;
  for (int i = 0; i < fill; i++)
    step_push(&s, draw_time(&s, w));
  for (int i = 0; i < steps && s.same; i++) {
    if (w == W_HOLD) {
      step_pop(&s);
      step_push(&s, draw_time(&s, w));
      continue;
    }
    if (w == W_BURSTS && sim_rng_below(&s.rng, 50) == 0) {
      int n = (int) sim_rng_range(&s.rng, 200, 2000);
      for (int k = 0; k < n; k++)
        step_push(&s, draw_time(&s, w));
      continue;
    }
    uint64_t dice = sim_rng_below(&s.rng, 100);
    if (dice < 52 || s.o.len == 0)
      step_push(&s, draw_time(&s, w));
    else if (dice < 80)
      step_pop(&s);
    else
      step_pop_until(&s);
    s.same &= sim_queue_len(&s.q) == s.o.len;
  }
  /* Drain both to the end. */
  while (s.same && s.o.len > 0)
    step_pop(&s);
  s.same &= sim_queue_len(&s.q) == 0 && !sim_queue_pop(&s.q, &(SimQueueEntry) { 0 });
  sim_queue_clear(&s.q);
  g_free(s.o.heap);
  g_free(s.live);
  if (calls) {
    calls[0] = s.ahead_calls[0];
    calls[1] = s.ahead_calls[1];
  }
  return s.same && s.pops > 0 && s.ahead_strays == 0;
}

static gboolean run_large(Workload w, uint64_t seed, int fill, int steps, gboolean hook, guint64 *calls)
{
  return run_hooked(w, seed, fill, steps, hook, FALSE, calls);
}

static gboolean run_workload(Workload w, uint64_t seed, int steps)
{
  return run_large(w, seed, 0, steps, FALSE, NULL);
}

static void test_hold(void) { CU_ASSERT_TRUE(run_workload(W_HOLD, 1, 200000)); }
static void test_ties(void) { CU_ASSERT_TRUE(run_workload(W_TIES, 2, 200000)); }
static void test_bursts(void) { CU_ASSERT_TRUE(run_workload(W_BURSTS, 3, 100000)); }
static void test_corner(void) { CU_ASSERT_TRUE(run_workload(W_CORNER, 4, 200000)); }
static void test_extremes(void) { CU_ASSERT_TRUE(run_workload(W_EXTREMES, 5, 200000)); }

static void test_mixed_seeds(void)
{
  gboolean all = TRUE;
  for (uint64_t seed = 10; seed < 30; seed++)
    all &= run_workload(W_MIXED, seed, 30000);
  CU_ASSERT_TRUE(all);
}

/* Over a quarter million entries the queue takes another path (a coarse
 * rung in blocks, fine rungs per bucket) and calls its ahead hook: the
 * order is still the heap's, and the hook is only ever given queued
 * entries, stage 0 and stage 1 both. */
static void test_large_hold(void)
{
  guint64 calls[2];
  CU_ASSERT_TRUE(run_large(W_HOLD, 6, 400000, 1200000, TRUE, calls));
  CU_ASSERT_TRUE(calls[0] > 100000 && calls[1] > 100000);
}

static void test_large_mixed(void)
{
  gboolean all = TRUE;
  for (uint64_t seed = 40; seed < 43; seed++)
    for (Workload w = W_TIES; w <= W_MIXED; w++)
      all &= run_large(w, seed, 300000, 60000, TRUE, NULL);
  CU_ASSERT_TRUE(all);
}

/* With many nodes the kernel wants the hook at any queue length: small
 * queues pass their entries to it too, still in the heap's order. */
static void test_hook_any_length(void)
{
  gboolean all = TRUE;
  guint64 calls[2], total = 0;
  for (Workload w = W_HOLD; w <= W_MIXED; w++) {
    all &= run_hooked(w, 50, 0, 100000, TRUE, TRUE, calls);
    total += calls[0] < calls[1] ? calls[0] : calls[1];
  }
  CU_ASSERT_TRUE(all);
  CU_ASSERT_TRUE(total > 10000);
}

/* Reusing a cleared queue starts over: sequence numbers from 0 again. */
static void test_clear_restarts(void)
{
  SimQueue q;
  sim_queue_init(&q);
  for (uint32_t i = 0; i < 3000; i++)
    sim_queue_push(&q, (SimTime) (i * 7919 % 1000), i);
  sim_queue_clear(&q);
  CU_ASSERT_EQUAL(sim_queue_len(&q), 0);
  sim_queue_push(&q, 5, 42);
  SimQueueEntry e;
  CU_ASSERT_TRUE(sim_queue_pop(&q, &e));
  CU_ASSERT(e.time == 5 && e.seq == 0 && e.payload == 42);
  CU_ASSERT_FALSE(sim_queue_pop(&q, &e));
  sim_queue_clear(&q);
}

/* A large queue drained empty gives its memory back (an idle run after a
 * million node starts should not hold their slots) and then goes on in the
 * oracle's order, its sequence numbers continuing. */
static void test_drained_releases(void)
{
  Lockstep s = { .same = TRUE };
  sim_queue_init(&s.q);
  sim_rng_init_indexed(&s.rng, 7, "queue-oracle", 99);
  gboolean all = TRUE;
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 100000; i++)
      step_push(&s, sim_time_add_sat(s.now, (SimTime) sim_rng_below(&s.rng, 1000)));
    size_t full = sim_queue_bytes(&s.q);
    while (s.o.len > 0)
      step_pop(&s);
    all &= full > (1u << 20) && sim_queue_bytes(&s.q) == 0;
    for (int i = 0; i < 10; i++)
      step_push(&s, s.now);
    while (s.o.len > 0)
      step_pop(&s);
  }
  CU_ASSERT_TRUE(all);
  CU_ASSERT_TRUE(s.same);
  sim_queue_clear(&s.q);
  g_free(s.o.heap);
}

/* ---- the kernel at scale against the kernel before issue 16's round 7 ---- */

static const SimParamSpec forward_params[] = { { NULL } };

/* Forwards every message to a node drawn from its own stream; every 7th
 * hop carries three fields (too large for a delivery slot), the rest one. */
static void forward_on_message(SimNode *node, const SimMsg *msg)
{
  Sim *sim = sim_node_sim(node);
  SimMsg *next = sim_msg_new(node, msg->type);
  int64_t hops = sim_msg_get(msg, "hops", 0);
  sim_msg_set(next, "hops", hops + 1);
  if (hops % 7 == 3) {
    sim_msg_set(next, "extra", 1);
    sim_msg_set(next, "more", 2);
  }
  sim_send(node, (int) sim_rng_below(sim_node_rng(node), sim_node_count(sim)), next);
}

static const SimModel forward_model = {
  .name = "test.forward",
  .summary = "forwards every message to a random node",
  .params = forward_params,
  .on_message = forward_on_message,
};

/* 70k nodes (the queue's lookahead on at any length) and 300k messages in
 * flight (a coarse rung, delivery slots, larger messages beside them): the
 * trace digest after 500k deliveries is the one the kernel of dfb76a8 (a
 * plain ladder queue, every message in the events array and a wire record)
 * gave for the same run. */
static void test_kernel_at_scale_digest(void)
{
  g_autoptr(Sim) sim = sim_new(3);
  sim_net_default(sim)->latency = (SimDist) { SIM_DIST_UNIFORM, 100 * SIM_US, 2 * SIM_MS, 0 };
  const int nodes = 70000, in_flight = 300000;
  for (int i = 0; i < nodes; i++) {
    char name[32];
    snprintf(name, sizeof name, "n%d", i);
    sim_add_node(sim, name, &forward_model, NULL, NULL);
  }
  sim_run(sim, 0);
  for (int j = 0; j < in_flight; j++) {
    SimNode *from = sim_node(sim, j % nodes);
    SimMsg *m = sim_msg_new(from, "HOP");
    sim_msg_set(m, "hops", j % 5);
    sim_send(from, (int) sim_rng_below(sim_node_rng(from), (guint64) nodes), m);
  }
  while (sim_stats(sim)->delivered < 500000)
    sim_run(sim, sim_now(sim) + SIM_MS / 10);
  g_autofree char *digest = sim_trace_digest(sim);
  CU_ASSERT_STRING_EQUAL(digest, "304299a925d3553a4578278181c71f32");
  CU_ASSERT_EQUAL(sim_stats(sim)->delivered, 501583);
}

void suite_queue_oracle(void)
{
  CU_pSuite s = CU_add_suite("queue_oracle", NULL, NULL);
  CU_add_test(s, "hold model: pops match the 4-ary heap", test_hold);
  CU_add_test(s, "few distinct times: ties pop in scheduling order", test_ties);
  CU_add_test(s, "bursts at one instant beyond a bucket's sort size", test_bursts);
  CU_add_test(s, "times crowding one corner of a wide range", test_corner);
  CU_add_test(s, "the whole int64 range, SIM_TIME_MAX and pushes before now", test_extremes);
  CU_add_test(s, "mixed workloads on 20 seeds, with pop_until", test_mixed_seeds);
  CU_add_test(s, "a cleared queue starts its sequence over", test_clear_restarts);
  CU_add_test(s, "a large hold model (400k queued): heap order, ahead hook on queued entries", test_large_hold);
  CU_add_test(s, "large queues of every workload (300k queued) on 3 seeds", test_large_mixed);
  CU_add_test(s, "the ahead hook at any queue length: heap order, queued entries only", test_hook_any_length);
  CU_add_test(s, "70k nodes, 300k in flight: the digest of the kernel before", test_kernel_at_scale_digest);
  CU_add_test(s, "a drained large queue frees its arrays and keeps its order", test_drained_releases);
}
