/* Issue 10's kernel hardening, tested at the node API: saturating time
 * sums (an event past SIM_TIME_MAX never runs, drift cannot wrap a timer,
 * clock offsets beyond ±100 years are refused, huge latency draws are
 * "never"), the event and memory budgets with their messages, the Sim's
 * own string pool, and the network's cut/restore/partition/heal semantics
 * against a plain model of the old cut set. */
#include "sim/kernel/internal.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <string.h>

static const SimParamSpec no_params[] = { { NULL } };

/* Counts its timers in the node's durable table. */
static void count_timer(SimNode *node, uint64_t tag)
{
  (void) tag;
  int64_t n = 0;
  sim_durable_get(node, "fired", &n);
  sim_durable_set(node, "fired", n + 1);
}

static const SimModel quiet_model = {
  .name = "test.quiet", .summary = "counts its timers", .params = no_params, .on_timer = count_timer,
};

static Sim *sim_with_nodes(int n)
{
  Sim *sim = sim_new(7);
  for (int i = 0; i < n; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "n%d", i);
    CU_ASSERT_EQUAL(sim_add_node(sim, name, &quiet_model, NULL, NULL), i);
  }
  return sim;
}

static int64_t fired(Sim *sim, int id)
{
  int64_t n = 0;
  sim_durable_get(sim_node(sim, id), "fired", &n);
  return n;
}

/* ---- time ---- */

static void test_time_helpers(void)
{
  CU_ASSERT_EQUAL(sim_time_add_sat(SIM_TIME_MAX - 5, 10), SIM_TIME_MAX);
  CU_ASSERT_EQUAL(sim_time_add_sat(SIM_TIME_MIN + 5, -10), SIM_TIME_MIN);
  CU_ASSERT_EQUAL(sim_time_add_sat(3, 4), 7);
  CU_ASSERT_EQUAL(sim_time_sub_sat(SIM_TIME_MIN + 1, 2), SIM_TIME_MIN);
  CU_ASSERT_EQUAL(sim_time_sub_sat(SIM_TIME_MAX - 1, -2), SIM_TIME_MAX);
  CU_ASSERT_EQUAL(sim_time_after(8 * SIM_S, -5), 8 * SIM_S);
  CU_ASSERT_EQUAL(sim_time_after((SimTime) 8e18, (SimTime) 9e18), SIM_TIME_MAX);
  CU_ASSERT_EQUAL(sim_time_from_i128_sat((__int128) SIM_TIME_MAX * 2), SIM_TIME_MAX);
  CU_ASSERT_EQUAL(sim_time_from_i128_sat(-(__int128) SIM_TIME_MAX * 2), SIM_TIME_MIN);
  CU_ASSERT_EQUAL(sim_time_from_ns_double(1e300), SIM_TIME_MAX);
  CU_ASSERT_EQUAL(sim_time_from_ns_double(9223372036854775808.0), SIM_TIME_MAX);
  CU_ASSERT_EQUAL(sim_time_from_ns_double(NAN), 0);
  CU_ASSERT_EQUAL(sim_time_from_ns_double(-3.0), 0);
  CU_ASSERT_EQUAL(sim_time_from_ns_double(2.5e9), (SimTime) 2500000000);
}

static void mark(Sim *sim, void *data)
{
  (void) sim;
  (*(int *) data)++;
}

/* A sum past int64 is SIM_TIME_MAX, and nothing runs there, not even
 * when the run is asked to go to the end of time. */
static void test_never_fires(void)
{
  g_autoptr(Sim) sim = sim_with_nodes(1);
  int calls = 0;
  sim_run(sim, 8 * SIM_S);
  sim_schedule(sim, sim_time_after(sim_now(sim), SIM_TIME_MAX), mark, &calls, NULL);
  sim_timer_after(sim_node(sim, 0), SIM_TIME_MAX, 1);
  sim_schedule(sim, sim_now(sim) + SIM_S, mark, &calls, NULL);
  sim_run(sim, SIM_TIME_MAX);
  CU_ASSERT_EQUAL(calls, 1);
  CU_ASSERT_EQUAL(fired(sim, 0), 0);
  CU_ASSERT_EQUAL(sim_now(sim), 9 * SIM_S);
}

/* -500000 ppm: local delays take twice as long in true time. A 9e9 s
 * timer (1.8e19 ns) used to wrap negative and fire at once. */
static void test_drift_does_not_wrap(void)
{
  g_autoptr(Sim) sim = sim_with_nodes(2);
  sim_clock_set_drift(sim, 0, -500000.0);
  sim_clock_set_drift(sim, 1, -500000.0);
  SimNode *node = sim_node(sim, 0);
  CU_ASSERT_EQUAL(sim_node_real_delay(node, SIM_S), 2 * SIM_S);
  CU_ASSERT_EQUAL(sim_node_real_delay(node, (SimTime) 9e18), SIM_TIME_MAX);
  sim_timer_after(node, (SimTime) 9e18, 1);
  sim_timer_after(sim_node(sim, 1), SIM_S, 1);
  sim_run(sim, 10 * SIM_S);
  CU_ASSERT_EQUAL(fired(sim, 0), 0);
  CU_ASSERT_EQUAL(fired(sim, 1), 1);
  /* +1e6 ppm: the clock runs at twice true time, saturating. */
  g_autoptr(Sim) fast = sim_with_nodes(1);
  sim_clock_set_drift(fast, 0, 1000000.0);
  sim_run(fast, 3 * SIM_S);
  CU_ASSERT_EQUAL(sim_node_clock(sim_node(fast, 0)), 6 * SIM_S);
}

/* Offsets stay within ±100 years: a jump or offset beyond is refused and
 * changes nothing; two 9e9 s jumps used to overflow. */
static void test_clock_offset_bounded(void)
{
  g_autoptr(Sim) sim = sim_with_nodes(1);
  SimNode *node = sim_node(sim, 0);
  CU_ASSERT_TRUE(sim_clock_jump(sim, 0, 3600 * SIM_S));
  CU_ASSERT_FALSE(sim_clock_jump(sim, 0, (SimTime) 9e18));
  CU_ASSERT_EQUAL(sim_node_clock(node), 3600 * SIM_S);
  CU_ASSERT_TRUE(sim_clock_jump(sim, 0, SIM_CLOCK_OFFSET_MAX - 3600 * SIM_S));
  CU_ASSERT_FALSE(sim_clock_jump(sim, 0, 1));
  CU_ASSERT_TRUE(sim_clock_set_offset(sim, 0, -SIM_CLOCK_OFFSET_MAX));
  CU_ASSERT_FALSE(sim_clock_set_offset(sim, 0, (SimTime) -9e18));
  CU_ASSERT_EQUAL(sim_node_clock(node), -SIM_CLOCK_OFFSET_MAX);
  CU_ASSERT_TRUE(sim_clock_set_offset(sim, 0, 0));
  CU_ASSERT_EQUAL(sim_node_clock(node), 0);
}

/* A draw too large for SimTime is SIM_TIME_MAX, never a cast of an
 * out-of-range double or a wrapped sum. */
static void test_dist_saturates(void)
{
  SimRng rng;
  sim_rng_init(&rng, 1, "test");
  SimDist logn = { SIM_DIST_LOGNORMAL, (SimTime) 9e18, 0, 3.0 };
  SimDist expo = { SIM_DIST_EXPONENTIAL, (SimTime) 9e18, (SimTime) 8e18, 0 };
  guint max = 0;
  for (int i = 0; i < 1000; i++) {
    SimTime a = sim_dist_draw(&logn, &rng), b = sim_dist_draw(&expo, &rng);
    CU_ASSERT_TRUE(a >= 0 && b >= (SimTime) 8e18);
    max += a == SIM_TIME_MAX;
    max += b == SIM_TIME_MAX;
  }
  CU_ASSERT_TRUE(max > 300);
}

/* ---- events ---- */

static void again(Sim *sim, void *data)
{
  sim_schedule(sim, sim_now(sim) + GPOINTER_TO_INT(data), again, data, NULL);
}

static gboolean describe_again(SimCallFn fn, void *data, void *ctx, const char **where, const char **what)
{
  (void) data;
  (void) ctx;
  if (fn != again)
    return FALSE;
  *where = "loop.lua:3";
  *what = "after() callback";
  return TRUE;
}

static void test_event_limits(void)
{
  SimLimits limits = { 0, 1000, 100 };
  g_autoptr(Sim) instant = sim_new(1);
  sim_set_limits(instant, &limits);
  sim_set_describer(instant, describe_again, NULL);
  sim_schedule(instant, SIM_S, again, GINT_TO_POINTER(0), NULL);
  sim_run(instant, 10 * SIM_S);
  CU_ASSERT_EQUAL(sim_over_budget(instant), SIM_BUDGET_INSTANT_EVENTS);
  CU_ASSERT_EQUAL(sim_stats(instant)->events, 100);
  CU_ASSERT_EQUAL(sim_now(instant), SIM_S);
  CU_ASSERT_STRING_EQUAL(sim_failure(instant),
                         "loop.lua:3: after() callback keeps scheduling events at t=1.000000000 s: more than 100 "
                         "events at one simulated instant (time is not advancing)");

  g_autoptr(Sim) run = sim_new(1);
  sim_set_limits(run, &limits);
  sim_schedule(run, 0, again, GINT_TO_POINTER(1), NULL);
  sim_run(run, 10 * SIM_S);
  CU_ASSERT_EQUAL(sim_over_budget(run), SIM_BUDGET_EVENTS);
  CU_ASSERT_EQUAL(sim_stats(run)->events, 1000);
  CU_ASSERT_PTR_NOT_NULL(strstr(sim_failure(run), "a kernel callback: more than 1000 events in the run"));

  /* A model's timer loop names the node and the model. */
  g_autoptr(Sim) timers = sim_with_nodes(1);
  sim_set_limits(timers, &limits);
  for (int i = 0; i < 200; i++)
    sim_timer_after(sim_node(timers, 0), 0, 1);
  sim_run(timers, SIM_S);
  CU_ASSERT_PTR_NOT_NULL(strstr(sim_failure(timers), "a timer of node 'n0' (model test.quiet) keeps scheduling"));
}

/* ---- memory and names ---- */

static void test_memory_limit(void)
{
  g_autoptr(Sim) sim = sim_with_nodes(2);
  size_t lua_heap = 1 << 20;
  SimLimits limits = { 8u << 20, 0, 0 };
  sim_set_limits(sim, &limits);
  sim_share_memory(sim, &lua_heap, "the Lua heap");
  guint sent = 0;
  while (sim_over_budget(sim) == SIM_BUDGET_NONE && sent < 1000000) {
    SimMsg *m = sim_msg_new(sim_node(sim, 0), "M");
    sim_send(sim_node(sim, 0), 1, m);
    sent++;
  }
  CU_ASSERT_EQUAL(sim_over_budget(sim), SIM_BUDGET_MEMORY);
  /* A message in flight with no field holds at least its event record,
   * its wire record and its queue entry (72 bytes): 7 MiB is < 110000. */
  CU_ASSERT_TRUE(sent > 10000 && sent < 110000);
  CU_ASSERT_TRUE(*sim_memory_counter(sim) + lua_heap > limits.mem_limit);
  const char *msg = sim_failure(sim);
  CU_ASSERT_TRUE(g_str_has_prefix(msg, "memory limit of 8 MiB exceeded: "));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "MiB in queued messages"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "1.0 MiB in the Lua heap"));
  CU_ASSERT_EQUAL(sim_run(sim, SIM_S), 0); /* a failed run runs no more */
}

static void test_string_pool(void)
{
  g_autoptr(Sim) a = sim_new(1);
  g_autoptr(Sim) b = sim_new(1);
  size_t before = *sim_memory_counter(a);
  char name[] = "type-made-up-by-a-script";
  const char *x = sim_intern(a, name);
  name[0] = 'T';
  CU_ASSERT_STRING_EQUAL(x, "type-made-up-by-a-script");
  CU_ASSERT_PTR_EQUAL(sim_intern(a, "type-made-up-by-a-script"), x);
  CU_ASSERT_PTR_NOT_EQUAL(sim_intern(b, "type-made-up-by-a-script"), x);
  CU_ASSERT_TRUE(*sim_memory_counter(a) > before + strlen(x));
  /* Not in the process-wide table, which outlives every Sim. */
  CU_ASSERT_EQUAL(g_quark_try_string("type-made-up-by-a-script"), 0);
}

/* ---- the network ---- */

/* The old cut set, kept literally: a set of (src, dst) pairs. */
typedef struct {
  gboolean cut[8][8];
} RefNet;

static guint64 ref_count(const RefNet *r)
{
  guint64 n = 0;
  for (int a = 0; a < 8; a++)
    for (int b = 0; b < 8; b++)
      n += r->cut[a][b];
  return n;
}

typedef struct {
  int64_t last_partition, last_heal;
} Counts;

static void count_traces(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) sim;
  Counts *c = data;
  if (ev->kind == SIM_TR_PARTITION)
    c->last_partition = ev->a;
  if (ev->kind == SIM_TR_HEAL)
    c->last_heal = ev->a;
}

/* Random cut, restore, partition (some nodes in no group) and heal, each
 * checked against the old cut set on every link and on the counts the
 * trace carries (they go into the digest). */
static void test_partition_semantics(void)
{
  SimRng rng;
  sim_rng_init(&rng, 42, "ops");
  for (int round = 0; round < 40; round++) {
    g_autoptr(Sim) sim = sim_with_nodes(8);
    Counts counts = { -1, -1 };
    sim_add_observer(sim, count_traces, &counts);
    RefNet ref = { { { FALSE } } };
    for (int step = 0; step < 60; step++) {
      int op = (int) sim_rng_below(&rng, 10);
      int a = (int) sim_rng_below(&rng, 8), b = (int) sim_rng_below(&rng, 8);
      if (op < 3) {
        sim_net_cut(sim, a, b, TRUE);
        ref.cut[a][b] = TRUE;
      } else if (op < 6) {
        sim_net_cut(sim, a, b, FALSE);
        ref.cut[a][b] = FALSE;
      } else if (op < 9) {
        int group_of[8];
        int groups = 2 + (int) sim_rng_below(&rng, 2);
        for (int i = 0; i < 8; i++)
          group_of[i] = (int) sim_rng_below(&rng, (uint64_t) groups + 1) - 1;
        /* Sometimes a partition of the first nodes only, as when nodes
         * are added after it. */
        guint n = sim_rng_chance(&rng, 0.2) ? 5 : 8;
        sim_net_partition(sim, group_of, n);
        guint64 cross = 0;
        for (guint x = 0; x < n; x++)
          for (guint y = 0; y < n; y++)
            if (group_of[x] >= 0 && group_of[y] >= 0 && group_of[x] != group_of[y]) {
              ref.cut[x][y] = TRUE;
              cross++;
            }
        CU_ASSERT_EQUAL(counts.last_partition, (int64_t) cross);
      } else {
        guint64 want = ref_count(&ref);
        sim_net_heal(sim);
        memset(&ref, 0, sizeof ref);
        CU_ASSERT_EQUAL(counts.last_heal, (int64_t) want);
      }
      for (int x = 0; x < 8; x++)
        for (int y = 0; y < 8; y++)
          CU_ASSERT_EQUAL(sim_net_is_cut(sim, x, y), ref.cut[x][y]);
    }
    guint64 want = ref_count(&ref);
    sim_net_heal(sim);
    CU_ASSERT_EQUAL(counts.last_heal, (int64_t) want);
  }
}

/* Link keys spread over the hash range; g_int64_hash gave src^dst, so
 * 100 x 100 links had 128 distinct hashes. */
static void test_link_hash_spreads(void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (int a = 0; a < 100; a++)
    for (int b = 0; b < 100; b++) {
      gint64 key = sim_link_key(a, b);
      g_hash_table_add(seen, GUINT_TO_POINTER(sim_link_hash(&key)));
    }
  CU_ASSERT_TRUE(g_hash_table_size(seen) > 9990);
}

void suite_budgets(void)
{
  CU_pSuite s = CU_add_suite("budgets", NULL, NULL);
  CU_add_test(s, "saturating time helpers", test_time_helpers);
  CU_add_test(s, "an event past SIM_TIME_MAX never runs", test_never_fires);
  CU_add_test(s, "-500000 ppm drift doubles delays without wrapping", test_drift_does_not_wrap);
  CU_add_test(s, "clock offsets beyond 100 years are refused", test_clock_offset_bounded);
  CU_add_test(s, "latency draws past int64 saturate", test_dist_saturates);
  CU_add_test(s, "events per instant and per run are capped, naming the source", test_event_limits);
  CU_add_test(s, "kernel memory and the shared count end the run at the limit", test_memory_limit);
  CU_add_test(s, "the Sim's string pool", test_string_pool);
  CU_add_test(s, "cut, restore, partition, heal: the old cut set's semantics and counts", test_partition_semantics);
  CU_add_test(s, "link keys hash apart", test_link_hash_spreads);
}
