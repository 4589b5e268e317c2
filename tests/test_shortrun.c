/* Short runs' hot paths (issue 16, per-run cost) keep their contracts:
 * the pending operations, now a ring indexed by op id instead of a hash
 * table, answer sim_op_pending / sim_op_complete exactly as a set of ids
 * would, also when one op stays pending while thousands finish around it
 * (the ring grows and moves its entries); op names given in a buffer that
 * is later reused are recorded with the text they had; an observer added
 * for some kinds of trace event is called for those alone. */
#include "sim/kernel/internal.h"
#include <CUnit/CUnit.h>
#include <string.h>

static const SimParamSpec no_params[] = { { NULL } };

static void idle_init(SimNode *node) { (void) node; }

static const SimModel idle_model = {
  .name = "test.idle",
  .summary = "does nothing; the test invokes and completes its ops",
  .params = no_params,
  .init = idle_init,
};

static SimNode *idle_client(Sim *sim)
{
  GError *error = NULL;
  int id = sim_add_node(sim, "c", &idle_model, NULL, &error);
  CU_ASSERT_PTR_NULL_FATAL(error);
  sim_run(sim, 0);
  return sim_node(sim, id);
}

/* Ops invoked and completed in a scrambled order, with op 1 pending from
 * the start to the end (so the ring must hold every id invoked since),
 * checked against a reference set after every step: pending exactly
 * when the set says so, completing once only, the history in order. */
static void test_pending_ring_against_set(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  SimNode *c = idle_client(sim);
  SimRng rng;
  sim_rng_init(&rng, 11, "ring");
  g_autoptr(GHashTable) ref = g_hash_table_new(g_direct_hash, g_direct_equal);
  GArray *live = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  uint64_t first = sim_op_invoke(c, "read", NULL, NULL, 0);
  g_hash_table_add(ref, GSIZE_TO_POINTER(first));
  gboolean agree = TRUE;
  guint completed = 0;
  for (int step = 0; step < 20000; step++) {
    if (live->len < 3 || sim_rng_below(&rng, 100) < 50) {
      SimValue v = sim_value_int(step);
      uint64_t op = sim_op_invoke(c, "write", NULL, &v, 0);
      g_array_append_val(live, op);
      g_hash_table_add(ref, GSIZE_TO_POINTER(op));
    } else {
      guint i = (guint) sim_rng_below(&rng, live->len);
      uint64_t op = g_array_index(live, uint64_t, i);
      g_array_remove_index_fast(live, i);
      agree &= sim_op_complete(c, op, SIM_OP_OK, NULL);
      agree &= !sim_op_complete(c, op, SIM_OP_FAIL, NULL); /* once only */
      g_hash_table_remove(ref, GSIZE_TO_POINTER(op));
      completed++;
    }
    /* Every id ever invoked, and one beyond, agrees with the set. */
    if (step % 997 == 0)
      for (uint64_t op = 0; op <= sim->next_op + 1; op++)
        agree &= sim_op_pending(sim, op) == g_hash_table_contains(ref, GSIZE_TO_POINTER(op));
  }
  CU_ASSERT_TRUE(agree);
  CU_ASSERT_TRUE(sim_op_pending(sim, first));
  CU_ASSERT_TRUE(sim->pending.cap >= sim->next_op); /* op 1 held the ring open */
  CU_ASSERT_TRUE(sim_op_complete(c, first, SIM_OP_OK, NULL));
  CU_ASSERT_FALSE(sim_op_pending(sim, first));
  const GArray *h = sim_history(sim);
  const SimHistoryEntry *last = &g_array_index(h, SimHistoryEntry, h->len - 1);
  CU_ASSERT_EQUAL(last->op, first);
  CU_ASSERT_STRING_EQUAL(last->f, "read");
  CU_ASSERT_EQUAL(h->len, 2 * (1 + completed) + live->len);
  CU_ASSERT_EQUAL(sim_stats(sim)->ok, 1 + completed);
  g_array_unref(live); /* the ops still live are freed with the Sim */
}

/* Finished records are reused: a new op starts with no key, no value and
 * no timeout left over from the one before. */
static void test_pending_records_reused_clean(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  SimNode *c = idle_client(sim);
  SimValue key = sim_value_int(7), val = sim_value_pair(1, 2);
  uint64_t a = sim_op_invoke(c, "cas", &key, &val, 10 * SIM_MS);
  CU_ASSERT_TRUE(sim_op_complete(c, a, SIM_OP_OK, NULL));
  uint64_t b = sim_op_invoke(c, "read", NULL, NULL, 0);
  sim_run(sim, SIM_S); /* a's timeout must not touch b */
  CU_ASSERT_TRUE(sim_op_pending(sim, b));
  CU_ASSERT_TRUE(sim_op_complete(c, b, SIM_OP_INFO, NULL));
  const SimHistoryEntry *e = &g_array_index(sim_history(sim), SimHistoryEntry, 3);
  CU_ASSERT_EQUAL(e->op, b);
  CU_ASSERT_FALSE(e->has_key);
  CU_ASSERT_EQUAL(e->key.kind, SIM_V_NIL);
  CU_ASSERT_STRING_EQUAL(e->f, "read");
  CU_ASSERT_EQUAL(sim_stats(sim)->info, 1);
}

/* sim_op_invoke remembers pool names by address: a caller's buffer that
 * holds another name at the same address the next time is still read. */
static void test_op_name_buffer_reused(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  SimNode *c = idle_client(sim);
  char buf[8];
  const char *names[] = { "read", "write", "read", "cas" };
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    g_strlcpy(buf, names[i], sizeof buf);
    sim_op_invoke(c, buf, NULL, NULL, 0);
    g_strlcpy(buf, "zzz", sizeof buf);
  }
  /* The pool's own copy, passed back, is taken as it is. */
  const char *pooled = sim_intern(sim, "write");
  sim_op_invoke(c, pooled, NULL, NULL, 0);
  sim_op_invoke(c, pooled, NULL, NULL, 0);
  const GArray *h = sim_history(sim);
  CU_ASSERT_EQUAL_FATAL(h->len, 6);
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    CU_ASSERT_STRING_EQUAL(g_array_index(h, SimHistoryEntry, i).f, names[i]);
  CU_ASSERT_PTR_EQUAL(g_array_index(h, SimHistoryEntry, 4).f, pooled);
  CU_ASSERT_PTR_EQUAL(g_array_index(h, SimHistoryEntry, 5).f, pooled);
  CU_ASSERT_PTR_EQUAL(g_array_index(h, SimHistoryEntry, 1).f, pooled);
}

typedef struct {
  guint calls, ops;
} KindCount;

static void count_kinds(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) sim;
  KindCount *k = data;
  k->calls++;
  k->ops += ev->kind == SIM_TR_OP;
}

/* An observer added for some kinds is called for those only; its kinds
 * can be replaced and widened; a plain observer sees everything. */
static void test_observer_kinds(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  KindCount all = { 0 }, ops = { 0 }, none = { 0 };
  sim_add_observer(sim, count_kinds, &all);
  sim_add_observer_kinds(sim, count_kinds, &ops, SIM_TRACE_KIND_BIT(SIM_TR_OP));
  sim_add_observer_kinds(sim, count_kinds, &none, 0);
  SimNode *c = idle_client(sim); /* traces the node's start */
  uint64_t op = sim_op_invoke(c, "read", NULL, NULL, 0);
  sim_op_complete(c, op, SIM_OP_OK, NULL);
  CU_ASSERT_EQUAL(all.calls, 3);
  CU_ASSERT_EQUAL(all.ops, 2);
  CU_ASSERT_EQUAL(ops.calls, 2);
  CU_ASSERT_EQUAL(ops.ops, 2);
  CU_ASSERT_EQUAL(none.calls, 0);
  sim_observer_set_kinds(sim, count_kinds, &none, SIM_TRACE_KIND_BIT(SIM_TR_CRASH), FALSE);
  sim_observer_set_kinds(sim, count_kinds, &none, SIM_TRACE_KIND_BIT(SIM_TR_OP), TRUE);
  sim_observer_set_kinds(sim, count_kinds, &ops, 0, FALSE);
  op = sim_op_invoke(c, "read", NULL, NULL, 0);
  CU_ASSERT_EQUAL(none.calls, 1);
  CU_ASSERT_EQUAL(ops.calls, 2);
  sim_crash(sim, c->id);
  CU_ASSERT_EQUAL(none.calls, 2);
  CU_ASSERT_EQUAL(all.calls, 5);
}

void suite_shortrun(void)
{
  CU_pSuite s = CU_add_suite("shortrun", NULL, NULL);
  CU_add_test(s, "pending ops: the ring agrees with a set of ids", test_pending_ring_against_set);
  CU_add_test(s, "pending ops: a reused record starts clean", test_pending_records_reused_clean);
  CU_add_test(s, "op names: a reused buffer is read again", test_op_name_buffer_reused);
  CU_add_test(s, "observers: called for their kinds only", test_observer_kinds);
}
