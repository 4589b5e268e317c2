/* Timers at 1k, 100k and 1M pending (timers_1k, timers_100k, timers_1m):
 * the kernel running 1000 nodes that each keep pending/1000 timers armed,
 * every fire re-arming one 1 ns..1 ms later, beside references doing
 * nothing else on the same hold model in the same process: a bare binary
 * heap, a bare calendar queue (Brown, "Calendar Queues", CACM 31(10),
 * 1988), and the kernel's own queue (sim/kernel/queue.c) bare. Each is run
 * three times in turn (heap, kernel, calendar, queue, ...) and its median
 * CPU-time rate is reported, so the ratios are paired against drift on a
 * shared machine:
 *   BENCH name=timers_1k rate=KERNEL ... pending=1000 heap_rate=H
 *     heap_ratio=KERNEL/H calendar_rate=C calendar_ratio=KERNEL/C
 *     ladder_rate=Q ladder_heap_ratio=Q/H (the kernel's queue bare)
 * Every structure pops exact (time, seq) order; the check: the references
 * and the bare queue end on the same virtual time (same draws, same order),
 * and the kernel ran the number of timer events asked. */
#include "bench/bench_util.h"
#include "sim/kernel/model.h"
#include "sim/kernel/queue.h"
#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 3
#define QUEUE_NODES 1000

/* The hold model's delay: 1 ns .. 1 ms, from a splitmix64 stream (the same
 * draws for every reference). */
static inline SimTime hold_delay(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return 1 + (SimTime) (z % (uint64_t) SIM_MS);
}

typedef struct {
  SimTime time;
  uint64_t seq;
  uint32_t payload;
} HoldEntry;

static inline gboolean hold_before(const HoldEntry *a, const HoldEntry *b)
{
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* ---- reference 1: a bare binary heap ---- */

typedef struct {
  HoldEntry *h;
  size_t len;
  uint64_t seq;
} BinHeap;

static inline void heap_push(BinHeap *q, SimTime t, uint32_t payload)
{
  HoldEntry e = { t, q->seq++, payload };
  size_t i = q->len++;
  while (i > 0 && hold_before(&e, &q->h[(i - 1) / 2])) {
    q->h[i] = q->h[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  q->h[i] = e;
}

static inline HoldEntry heap_pop(BinHeap *q)
{
  HoldEntry top = q->h[0], last = q->h[--q->len];
  size_t i = 0, n = q->len;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n)
      break;
    if (c + 1 < n && hold_before(&q->h[c + 1], &q->h[c]))
      c++;
    if (!hold_before(&q->h[c], &last))
      break;
    q->h[i] = q->h[c];
    i = c;
  }
  q->h[i] = last;
  return top;
}

/* Each hold_* fills `pending` entries then runs `events` pop+push steps;
 * returns the last time popped. Not inlined, so that callgrind can count
 * each alone (--toggle-collect=hold_heap). */
static G_GNUC_NO_INLINE SimTime hold_heap(size_t pending, guint64 events)
{
  BinHeap q = { g_new(HoldEntry, pending), 0, 0 };
  uint64_t rng = 1;
  for (size_t i = 0; i < pending; i++)
    heap_push(&q, hold_delay(&rng), (uint32_t) i);
  SimTime now = 0;
  for (guint64 k = 0; k < events; k++) {
    HoldEntry e = heap_pop(&q);
    now = e.time;
    heap_push(&q, now + hold_delay(&rng), e.payload);
  }
  g_free(q.h);
  return now;
}

/* ---- reference 2: a bare calendar queue ----
 * nb (a power of two) buckets of `width` ns, each a list sorted by (time,
 * seq); a pop scans from the current bucket for an entry of the current
 * "year", falling back to a direct search after a whole empty year. The
 * bucket count doubles or halves with the size and the width is set from
 * the spread of the queued times at each resize (Brown's rule of about
 * three entries' separation). */

typedef struct {
  HoldEntry e;
  uint32_t next;
} CalNode;

#define CAL_NIL UINT32_MAX

typedef struct {
  CalNode *pool;
  uint32_t free;
  uint32_t *buckets;
  size_t nb, len;
  SimTime width, year_end; /* end of the current bucket's slot */
  size_t cur;
  uint64_t seq;
} Calendar;

static inline size_t cal_bucket(const Calendar *c, SimTime t) { return (size_t) (t / c->width) & (c->nb - 1); }

static inline void cal_link(Calendar *c, uint32_t idx)
{
  CalNode *n = &c->pool[idx];
  uint32_t *at = &c->buckets[cal_bucket(c, n->e.time)];
  while (*at != CAL_NIL && !hold_before(&n->e, &c->pool[*at].e))
    at = &c->pool[*at].next;
  n->next = *at;
  *at = idx;
}

static void cal_resize(Calendar *c, size_t nb)
{
  /* Collect every node, find the spread, relink into nb buckets. */
  uint32_t all = CAL_NIL;
  SimTime lo = SIM_TIME_MAX, hi = 0;
  for (size_t b = 0; b < c->nb; b++)
    for (uint32_t i = c->buckets[b], next; i != CAL_NIL; i = next) {
      next = c->pool[i].next;
      c->pool[i].next = all;
      all = i;
      lo = MIN(lo, c->pool[i].e.time);
      hi = MAX(hi, c->pool[i].e.time);
    }
  c->nb = nb;
  c->buckets = g_renew(uint32_t, c->buckets, nb);
  for (size_t b = 0; b < nb; b++)
    c->buckets[b] = CAL_NIL;
  if (c->len > 1)
    c->width = MAX(1, 3 * (hi - lo) / (SimTime) c->len);
  for (uint32_t i = all, next; i != CAL_NIL; i = next) {
    next = c->pool[i].next;
    cal_link(c, i);
  }
  SimTime base = c->len ? lo : 0;
  c->cur = cal_bucket(c, base);
  c->year_end = (base / c->width + 1) * c->width;
}

static inline void cal_push(Calendar *c, SimTime t, uint32_t payload)
{
  uint32_t idx = c->free;
  c->free = c->pool[idx].next;
  c->pool[idx].e = (HoldEntry) { t, c->seq++, payload };
  cal_link(c, idx);
  if (++c->len > 2 * c->nb)
    cal_resize(c, c->nb * 2);
}

static inline HoldEntry cal_pop(Calendar *c)
{
  for (size_t scanned = 0;; scanned++) {
    if (scanned == c->nb) {
      /* A whole year without an entry: jump to the earliest head. */
      SimTime best = SIM_TIME_MAX;
      for (size_t b = 0; b < c->nb; b++)
        if (c->buckets[b] != CAL_NIL && c->pool[c->buckets[b]].e.time < best)
          best = c->pool[c->buckets[b]].e.time;
      c->cur = cal_bucket(c, best);
      c->year_end = (best / c->width + 1) * c->width;
      scanned = 0;
    }
    uint32_t head = c->buckets[c->cur];
    if (head != CAL_NIL && c->pool[head].e.time < c->year_end) {
      HoldEntry e = c->pool[head].e;
      c->buckets[c->cur] = c->pool[head].next;
      c->pool[head].next = c->free;
      c->free = head;
      if (--c->len < c->nb / 2 && c->nb > 16)
        cal_resize(c, c->nb / 2);
      return e;
    }
    c->cur = (c->cur + 1) & (c->nb - 1);
    c->year_end += c->width;
  }
}

static G_GNUC_NO_INLINE SimTime hold_calendar(size_t pending, guint64 events)
{
  Calendar c = { 0 };
  c.pool = g_new(CalNode, pending + 1);
  for (size_t i = 0; i <= pending; i++)
    c.pool[i].next = i < pending ? (uint32_t) i + 1 : CAL_NIL;
  c.nb = 16;
  c.width = SIM_US;
  c.buckets = g_new(uint32_t, c.nb);
  for (size_t b = 0; b < c.nb; b++)
    c.buckets[b] = CAL_NIL;
  c.year_end = c.width;
  uint64_t rng = 1;
  for (size_t i = 0; i < pending; i++)
    cal_push(&c, hold_delay(&rng), (uint32_t) i);
  SimTime now = 0;
  for (guint64 k = 0; k < events; k++) {
    HoldEntry e = cal_pop(&c);
    now = e.time;
    cal_push(&c, now + hold_delay(&rng), e.payload);
  }
  g_free(c.pool);
  g_free(c.buckets);
  return now;
}

/* ---- the kernel's queue, bare ---- */

static G_GNUC_NO_INLINE SimTime hold_queue(size_t pending, guint64 events)
{
  SimQueue q;
  sim_queue_init(&q);
  uint64_t rng = 1;
  for (size_t i = 0; i < pending; i++)
    sim_queue_push(&q, hold_delay(&rng), (uint32_t) i);
  SimTime now = 0;
  for (guint64 k = 0; k < events; k++) {
    SimQueueEntry e;
    sim_queue_pop(&q, &e);
    now = e.time;
    sim_queue_push(&q, now + hold_delay(&rng), e.payload);
  }
  sim_queue_clear(&q);
  return now;
}

/* ---- the kernel: nodes keeping `timers` timers armed ---- */

static const SimParamSpec queue_params[] = {
  { "timers", SIM_PARAM_INT, "1", "timers this node keeps armed", 1, 1e7 },
  { NULL },
};

static void queue_rearm(SimNode *node)
{
  sim_timer_after(node, sim_rng_range(sim_node_rng(node), 1, SIM_MS), 0);
}

static void queue_init(SimNode *node)
{
  for (int64_t i = sim_node_param_int(node, "timers"); i > 0; i--)
    queue_rearm(node);
}

static void queue_on_timer(SimNode *node, uint64_t tag)
{
  (void) tag;
  queue_rearm(node);
}

static const SimModel bench_queue_model = {
  .name = "bench.timers",
  .summary = "keeps `timers` timers armed, each re-armed 1ns..1ms after it fires",
  .params = queue_params,
  .init = queue_init,
  .on_timer = queue_on_timer,
};

/* Runs `events` timer events after arming; *seconds gets their CPU time.
 * Returns the events run. */
static G_GNUC_NO_INLINE guint64 hold_kernel(size_t pending, guint64 events, double *seconds)
{
  g_autoptr(Sim) sim = sim_new(1);
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_autofree char *per_node = g_strdup_printf("%zu", pending / QUEUE_NODES);
  g_hash_table_insert(params, "timers", per_node);
  for (int i = 0; i < QUEUE_NODES; i++) {
    char name[32];
    snprintf(name, sizeof name, "t%d", i);
    sim_add_node(sim, name, &bench_queue_model, params, NULL);
  }
  sim_run(sim, 0); /* start every node: all timers armed */
  guint64 start = sim_stats(sim)->events;
  double t0 = bench_cpu_seconds();
  while (sim_stats(sim)->events - start < events)
    sim_run(sim, sim_now(sim) + SIM_MS);
  *seconds = bench_cpu_seconds() - t0;
  return sim_stats(sim)->events - start;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double median3(double *v)
{
  qsort(v, ROUNDS, sizeof *v, cmp_double);
  return v[ROUNDS / 2];
}

static int bench_timers_pending(const char *name, size_t pending, guint64 events)
{
  double ref = bench_reference_rate();
  double heap[ROUNDS], kernel[ROUNDS], cal[ROUNDS], bare[ROUNDS];
  gboolean ok = TRUE;
  for (int r = 0; r < ROUNDS; r++) {
    double t0 = bench_cpu_seconds();
    SimTime end_heap = hold_heap(pending, events);
    double t1 = bench_cpu_seconds();
    heap[r] = (double) events / (t1 - t0);
    double dt;
    guint64 ran = hold_kernel(pending, events, &dt);
    kernel[r] = (double) ran / dt;
    ok &= ran >= events;
    t0 = bench_cpu_seconds();
    SimTime end_cal = hold_calendar(pending, events);
    t1 = bench_cpu_seconds();
    cal[r] = (double) events / (t1 - t0);
    SimTime end_queue = hold_queue(pending, events);
    bare[r] = (double) events / (bench_cpu_seconds() - t1);
    ok &= end_heap == end_cal && end_heap == end_queue;
  }
  double k = median3(kernel), h = median3(heap), c = median3(cal), q = median3(bare);
  g_autofree char *extra = g_strdup_printf("pending=%zu heap_rate=%.0f heap_ratio=%.3f calendar_rate=%.0f "
                                           "calendar_ratio=%.3f ladder_rate=%.0f ladder_heap_ratio=%.3f check=%s",
                                           pending, h, k / h, c, k / c, q, q / h, ok ? "ok" : "FAILED");
  bench_report(name, k, "events/s", ref, extra);
  if (!ok)
    fprintf(stderr, "bench: %s: the references disagree on the last time, or the kernel ran short\n", name);
  return ok ? 0 : 1;
}

int bench_timers_1k(gpointer unused)
{
  (void) unused;
  return bench_timers_pending("timers_1k", 1000, 3000000);
}

int bench_timers_100k(gpointer unused)
{
  (void) unused;
  return bench_timers_pending("timers_100k", 100000, 2000000);
}

int bench_timers_1m(gpointer unused)
{
  (void) unused;
  return bench_timers_pending("timers_1m", 1000000, 2000000);
}
