/* Atomic commit and a network that delivers a message twice or late: a
 * copy of a client's BEGIN that reaches the coordinator after the
 * transaction was decided must not run it again (issue 10 #18's audit). */
#include "models/txn/txn.h"
#include "models/registry.h"
#include <CUnit/CUnit.h>

static const SimParamSpec no_params[] = { { NULL } };
static const SimModel silent_client = { .name = "test.silent", .summary = "receives and ignores", .params = no_params };

static void send_begin(Sim *sim, void *data)
{
  (void) data;
  SimNode *client = sim_node(sim, sim_node_find(sim, "client"));
  SimMsg *m = sim_msg_new(client, TXN_BEGIN);
  sim_msg_set(m, "txn", 1);
  sim_msg_set(m, "mask", 7);
  sim_msg_set(m, "key", 3);
  sim_msg_set(m, "value", 42);
  sim_send(client, sim_node_find(sim, "coord"), m);
}

static guint records(SimNode *node, const char *type, int64_t txn)
{
  guint n = 0;
  for (guint i = 0; i < sim_log_length(node); i++)
    n += g_str_equal(sim_log_get(node, i)->type, type) && sim_msg_get(sim_log_get(node, i), "txn", -1) == txn;
  return n;
}

static void test_late_begin_copy(void)
{
  for (int three = 0; three <= 1; three++) {
    g_autoptr(Sim) sim = sim_new(3);
    g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(params, "participants", "p1,p2,p3");
    const char *proto = three ? "3pc" : "2pc";
    g_autofree char *cm = g_strdup_printf("txn.%s.coordinator", proto);
    g_autofree char *pm = g_strdup_printf("txn.%s.participant", proto);
    CU_ASSERT_EQUAL_FATAL(sim_add_node(sim, "coord", sim_registry_find(cm), params, NULL), 0);
    for (int i = 1; i <= 3; i++) {
      g_autofree char *name = g_strdup_printf("p%d", i);
      CU_ASSERT_EQUAL_FATAL(sim_add_node(sim, name, sim_registry_find(pm), params, NULL), i);
    }
    CU_ASSERT_EQUAL_FATAL(sim_add_node(sim, "client", &silent_client, NULL, NULL), 4);
    CU_ASSERT_TRUE_FATAL(sim_resolve_nodes(sim, NULL));
    sim_schedule(sim, 0, send_begin, NULL, NULL);
    sim_schedule(sim, SIM_S / 2, send_begin, NULL, NULL); /* the copy, long after the commit */
    sim_run(sim, 2 * SIM_S);
    SimNode *coord = sim_node(sim, 0);
    CU_ASSERT_EQUAL(records(coord, TXN_REC_BEGIN, 1), 1);
    CU_ASSERT_EQUAL(records(coord, TXN_REC_COMMIT, 1), 1);
    CU_ASSERT_EQUAL(records(coord, TXN_REC_ABORT, 1), 0);
    double begun = 0;
    CU_ASSERT_TRUE(sim_metric_get(sim, "txn.begun", &begun));
    CU_ASSERT_EQUAL(begun, 1);
    for (int i = 1; i <= 3; i++)
      CU_ASSERT_EQUAL(records(sim_node(sim, i), TXN_REC_COMMIT, 1), 1);
  }
}

void suite_txn_dup(void)
{
  CU_pSuite s = CU_add_suite("txn_dup", NULL, NULL);
  CU_add_test(s, "a late copy of BEGIN does not run a decided transaction again", test_late_begin_copy);
}
