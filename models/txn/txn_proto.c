/* The message names of 2PC and 3PC, log replay into participant phases,
 * and small helpers shared by the txn models. See txn.h. */
#include "models/txn/txn.h"
#include <string.h>

const TxnProto txn_proto_2pc = {
  .three_phase = FALSE, .prepare = "PREPARE", .vote = "VOTE", .precommit = NULL, .precommit_ack = NULL,
  .commit = "COMMIT", .abort = "ABORT", .ack = "ACK", .decision_req = "DECISION-REQUEST",
};

const TxnProto txn_proto_3pc = {
  .three_phase = TRUE, .prepare = "CanCommit", .vote = "Vote", .precommit = "PreCommit", .precommit_ack = "Ack",
  .commit = "DoCommit", .abort = "Abort", .ack = "HaveCommitted", .decision_req = "DecisionReq",
};

TxnPhase txn_phase_replay(TxnPhase phase, const char *rec)
{
  if (phase == TXN_PH_COMMITTED || phase == TXN_PH_ABORTED)
    return phase;
  if (strcmp(rec, TXN_REC_PREPARED) == 0)
    return phase == TXN_PH_NONE ? TXN_PH_UNCERTAIN : phase;
  if (strcmp(rec, TXN_REC_PRECOMMIT) == 0)
    return TXN_PH_PRECOMMITTED;
  if (strcmp(rec, TXN_REC_COMMIT) == 0)
    return TXN_PH_COMMITTED;
  if (strcmp(rec, TXN_REC_ABORT) == 0)
    return TXN_PH_ABORTED;
  return phase;
}

TxnOutcome txn_phase_outcome(TxnPhase phase)
{
  switch (phase) {
  case TXN_PH_NONE: return TXN_OUT_NONE;
  case TXN_PH_UNCERTAIN:
  case TXN_PH_PRECOMMITTED: return TXN_OUT_UNDECIDED;
  case TXN_PH_COMMITTED: return TXN_OUT_COMMIT;
  case TXN_PH_ABORTED: return TXN_OUT_ABORT;
  }
  return TXN_OUT_NONE;
}

const char *txn_phase_name(TxnPhase phase)
{
  static const char *const names[] = { "none", "uncertain", "precommitted", "committed", "aborted" };
  return phase <= TXN_PH_ABORTED ? names[phase] : "?";
}

gboolean txn_is(const SimMsg *msg, const char *type)
{
  return type && (msg->type == type || strcmp(msg->type, type) == 0);
}

void txn_send(SimNode *from, int dst, SimMsg *msg)
{
  sim_metric_add(sim_node_sim(from), "txn.msgs", 1);
  sim_send(from, dst, msg);
}

int txn_index_of(const int *ids, guint n, int id)
{
  for (guint i = 0; i < n; i++)
    if (ids[i] == id)
      return (int) i;
  return -1;
}

/* ---- lock table ---- */

struct TxnLocks {
  GHashTable *held; /* key (as gint64*) → txn (gint64*) */
};

TxnLocks *txn_locks_new(void)
{
  TxnLocks *l = g_new0(TxnLocks, 1);
  l->held = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  return l;
}

void txn_locks_free(TxnLocks *l)
{
  if (!l)
    return;
  g_hash_table_unref(l->held);
  g_free(l);
}

gboolean txn_locks_take(TxnLocks *l, int64_t key, int64_t txn)
{
  gint64 *holder = g_hash_table_lookup(l->held, &key);
  if (holder)
    return *holder == txn;
  g_hash_table_insert(l->held, g_memdup2(&key, sizeof key), g_memdup2(&txn, sizeof txn));
  return TRUE;
}

void txn_locks_release(TxnLocks *l, int64_t key, int64_t txn)
{
  gint64 *holder = g_hash_table_lookup(l->held, &key);
  if (holder && *holder == txn)
    g_hash_table_remove(l->held, &key);
}

guint txn_locks_held(const TxnLocks *l) { return g_hash_table_size(l->held); }
