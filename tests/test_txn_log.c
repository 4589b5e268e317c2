/* The txn models' incremental log reading (models/txn/txn_log.c) and the
 * durability checker's lookups (sim/check/check_txn.c): an index must give,
 * at every moment, what a scan of the whole log gives, also after a lost
 * unsynced tail and after the log grows back past where it was. */
#include "models/txn/txn.h"
#include "models/registry.h"
#include <CUnit/CUnit.h>

/* The phase and last record type of `txn` by scanning node's whole log. */
static TxnPhase scan(SimNode *node, int64_t txn, const char **last)
{
  TxnPhase ph = TXN_PH_NONE;
  *last = NULL;
  for (guint i = 0; i < sim_log_length(node); i++) {
    const SimMsg *r = sim_log_get(node, i);
    if (sim_msg_get(r, "txn", -1) == txn) {
      ph = txn_phase_replay(ph, r->type);
      *last = r->type;
    }
  }
  return ph;
}

static void append(SimNode *node, const char *type, int64_t txn, gboolean force)
{
  SimMsg r = sim_record(type);
  sim_msg_set(&r, "txn", txn);
  txn_log_append(node, &r, force);
}

/* Every transaction 1..5 looked up through `ix` agrees with a full scan. */
static void agree(TxnLogIndex *ix, SimNode *node)
{
  for (int64_t txn = 1; txn <= 5; txn++) {
    const char *want_last, *got_last = "unset";
    TxnPhase want = scan(node, txn, &want_last);
    CU_ASSERT_EQUAL(txn_log_lookup(ix, node, txn, &got_last), want);
    CU_ASSERT_STRING_EQUAL(got_last ? got_last : "-", want_last ? want_last : "-");
  }
}

static void test_index_follows_lost_tail(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  int id = sim_add_node(sim, "p", sim_registry_find("echo.server"), NULL, NULL);
  CU_ASSERT_TRUE_FATAL(id >= 0);
  SimNode *node = sim_node(sim, id);
  TxnLogIndex *ix = txn_log_index_new();
  agree(ix, node);
  append(node, TXN_REC_PREPARED, 1, TRUE);
  append(node, TXN_REC_PREPARED, 2, TRUE);
  append(node, TXN_REC_ABORT, 2, FALSE); /* unsynced */
  append(node, TXN_REC_COMMIT, 1, TRUE); /* syncs the ABORT too */
  append(node, TXN_REC_PREPARED, 3, FALSE);
  append(node, TXN_REC_ABORT, 3, FALSE);
  agree(ix, node);
  CU_ASSERT_EQUAL(txn_log_lookup(ix, node, 3, NULL), TXN_PH_ABORTED);
  /* The tail (txn 3's two records) is lost: the index must not remember it. */
  sim_log_lose_unsynced(sim, id);
  agree(ix, node);
  CU_ASSERT_EQUAL(txn_log_lookup(ix, node, 3, NULL), TXN_PH_NONE);
  CU_ASSERT_EQUAL(txn_log_lookup(ix, node, 2, NULL), TXN_PH_ABORTED);
  /* The log grows back past its old length with different records. */
  append(node, TXN_REC_PREPARED, 4, FALSE);
  append(node, TXN_REC_COMMIT, 4, FALSE);
  append(node, TXN_REC_PREPARED, 5, TRUE);
  agree(ix, node);
  CU_ASSERT_EQUAL(txn_log_lookup(ix, node, 4, NULL), TXN_PH_COMMITTED);
  CU_ASSERT_EQUAL(txn_log_lookup(ix, node, 3, NULL), TXN_PH_NONE);
  /* Records appended without txn_log_append (no mark) are read as tail. */
  SimMsg r = sim_record(TXN_REC_ABORT);
  sim_msg_set(&r, "txn", 5);
  sim_log_append(node, &r, FALSE);
  agree(ix, node);
  txn_log_index_free(ix);
}

static void test_durability_lookup(void)
{
  /* Several records of one (txn, participant), in any order: kept if any
   * says committed or undecided, as the scan over all of them decided. */
  TxnDecision d[] = {
    { 7, 2, TXN_OUT_ABORT }, { 7, 1, TXN_OUT_COMMIT }, { 7, 2, TXN_OUT_UNDECIDED },
    { 8, 1, TXN_OUT_ABORT }, { 6, 1, TXN_OUT_COMMIT }, { 8, 1, TXN_OUT_NONE },
  };
  int p12[] = { 1, 2 }, p1[] = { 1 }, p3[] = { 3 };
  TxnAcked acked[] = { { 7, p12, 2 }, { 8, p1, 1 }, { 6, p1, 1 }, { 6, p3, 1 }, { 99, p1, 1 } };
  g_autoptr(GArray) lost = g_array_new(FALSE, FALSE, sizeof(int64_t));
  CU_ASSERT_EQUAL(txn_check_durability(d, G_N_ELEMENTS(d), acked, G_N_ELEMENTS(acked), lost), 3);
  CU_ASSERT_EQUAL(g_array_index(lost, int64_t, 0), 8);
  CU_ASSERT_EQUAL(g_array_index(lost, int64_t, 1), 6);
  CU_ASSERT_EQUAL(g_array_index(lost, int64_t, 2), 99);
  CU_ASSERT_EQUAL(txn_check_durability(NULL, 0, acked, 1, NULL), 1);
  CU_ASSERT_EQUAL(d[0].outcome, TXN_OUT_ABORT); /* input left alone */
}

void suite_txn_log(void)
{
  CU_pSuite s = CU_add_suite("txn_log", NULL, NULL);
  CU_add_test(s, "log index agrees with a full scan across a lost tail", test_index_follows_lost_tail);
  CU_add_test(s, "durability lookups with repeated and missing records", test_durability_lookup);
}
