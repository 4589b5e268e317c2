/* A participant's or coordinator's durable log, read without re-reading it.
 *
 * The kernel keeps every record up to the last forced append (or sync) for
 * ever; only the records after it can be lost (lose_unsynced). txn_log_append
 * notes that point in durable state, so an index can fold the permanent
 * prefix of a log once, extend it as the prefix grows, and read only the
 * unsynced tail at each lookup. The answer is exactly what a scan of the
 * whole log would give at that moment. */
#include "models/txn/txn.h"

#define SYNCED_KEY "txn.log_synced"

void txn_log_append(SimNode *node, const SimMsg *record, gboolean force)
{
  sim_log_append(node, record, force);
  if (force)
    sim_durable_set(node, SYNCED_KEY, sim_log_length(node));
}

/* The length of the part of node's log that no fault can take away. */
static guint synced_length(SimNode *node)
{
  int64_t n = 0;
  sim_durable_get(node, SYNCED_KEY, &n);
  return MIN((guint) MAX(n, 0), sim_log_length(node));
}

typedef struct {
  int64_t txn; /* the key of TxnLogIndex.txns points here */
  TxnPhase phase;
  const char *last;
} Entry;

struct TxnLogIndex {
  guint indexed;    /* records [0, indexed) are folded into `txns` */
  GHashTable *txns; /* txn → Entry* */
};

TxnLogIndex *txn_log_index_new(void)
{
  TxnLogIndex *ix = g_new0(TxnLogIndex, 1);
  ix->txns = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
  return ix;
}

void txn_log_index_free(TxnLogIndex *ix)
{
  if (!ix)
    return;
  g_hash_table_unref(ix->txns);
  g_free(ix);
}

TxnPhase txn_log_lookup(TxnLogIndex *ix, SimNode *node, int64_t txn, const char **last)
{
  guint synced = synced_length(node);
  if (synced < ix->indexed) { /* not made by txn_log_append: start again */
    g_hash_table_remove_all(ix->txns);
    ix->indexed = 0;
  }
  for (; ix->indexed < synced; ix->indexed++) {
    const SimMsg *r = sim_log_get(node, ix->indexed);
    int64_t t = sim_msg_get(r, "txn", -1);
    Entry *e = g_hash_table_lookup(ix->txns, &t);
    if (!e) {
      e = g_new0(Entry, 1);
      e->txn = t;
      g_hash_table_insert(ix->txns, &e->txn, e);
    }
    e->phase = txn_phase_replay(e->phase, r->type);
    e->last = r->type;
  }
  const Entry *known = g_hash_table_lookup(ix->txns, &txn);
  TxnPhase phase = known ? known->phase : TXN_PH_NONE;
  const char *type = known ? known->last : NULL;
  guint len = sim_log_length(node);
  for (guint i = synced; i < len; i++) {
    const SimMsg *r = sim_log_get(node, i);
    if (sim_msg_get(r, "txn", -1) == txn) {
      phase = txn_phase_replay(phase, r->type);
      type = r->type;
    }
  }
  if (last)
    *last = type;
  return phase;
}
