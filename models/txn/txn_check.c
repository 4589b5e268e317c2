/* Glue between the txn models and sim/check/check_txn.h: reads the participants'
 * durable logs into per-participant outcomes, checks atomicity when a
 * participant decides and at the end, checks durability against the
 * client history, and derives the end-of-run metrics. */
#include "models/txn/txn.h"
#include <string.h>

/* Appends node's outcome for each transaction in its log to `out`. */
static void collect_one(SimNode *node, GArray *out)
{
  /* txn → index + 1 into `out` (keys copied: `out` may move as it grows) */
  g_autoptr(GHashTable) seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) phases = g_array_new(FALSE, TRUE, sizeof(TxnPhase));
  guint first = out->len;
  for (guint i = 0; i < sim_log_length(node); i++) {
    const SimMsg *r = sim_log_get(node, i);
    int64_t txn = sim_msg_get(r, "txn", -1);
    guint at = GPOINTER_TO_UINT(g_hash_table_lookup(seen, &txn));
    if (!at) {
      TxnDecision d = { txn, sim_node_id(node), TXN_OUT_NONE };
      g_array_append_val(out, d);
      g_array_set_size(phases, phases->len + 1);
      at = out->len - first;
      g_hash_table_insert(seen, g_memdup2(&txn, sizeof txn), GUINT_TO_POINTER(at));
    }
    TxnPhase *ph = &g_array_index(phases, TxnPhase, at - 1);
    *ph = txn_phase_replay(*ph, r->type);
    g_array_index(out, TxnDecision, first + at - 1).outcome = txn_phase_outcome(*ph);
  }
}

void txn_collect_decisions(SimNode *const *nodes, guint count, GArray *out)
{
  for (guint i = 0; i < count; i++)
    collect_one(nodes[i], out);
}

void txn_check_on_decide(SimNode *self, TxnLogIndex *const *logs, const int *peers, guint npeers, int64_t txn)
{
  Sim *sim = sim_node_sim(self);
  sim_invariant_declare(sim, "atomicity");
  gboolean commit = FALSE, abort = FALSE, others_commit = FALSE, others_abort = FALSE;
  for (guint p = 0; p < npeers; p++) {
    SimNode *node = sim_node(sim, peers[p]);
    TxnPhase ph = txn_log_lookup(logs[p], node, txn, NULL);
    commit |= ph == TXN_PH_COMMITTED;
    abort |= ph == TXN_PH_ABORTED;
    if (node != self) {
      others_commit |= ph == TXN_PH_COMMITTED;
      others_abort |= ph == TXN_PH_ABORTED;
    }
  }
  /* One violation per transaction: only the decision that creates the conflict. */
  if (commit && abort && !(others_commit && others_abort)) {
    sim_violation(sim, "atomicity", "txn %" G_GINT64_FORMAT " committed at one participant and aborted at another "
                  "(seen when %s decided)", txn, sim_node_name(self));
    sim_metric_add(sim, "txn.atomicity_online", 1);
  }
}

/* The acknowledged commits in the history: ok `txn` operations whose value
 * is [txn, participant ids...]. */
static GArray *acked_commits(Sim *sim)
{
  GArray *acked = g_array_new(FALSE, FALSE, sizeof(TxnAcked));
  const GArray *h = sim_history(sim);
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (e->type != SIM_OP_OK || strcmp(e->f, "txn") != 0 || e->value.kind != SIM_V_LIST || e->value.list->len < 1)
      continue;
    const int64_t *items = (const int64_t *) e->value.list->data;
    TxnAcked a = { items[0], NULL, e->value.list->len - 1 };
    int *ids = g_new(int, a.count ? a.count : 1);
    for (guint j = 0; j < a.count; j++)
      ids[j] = (int) items[j + 1];
    a.participants = ids;
    g_array_append_val(acked, a);
  }
  return acked;
}

void txn_participants_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  sim_invariant_declare(sim, "atomicity");
  g_autoptr(GArray) dec = g_array_new(FALSE, FALSE, sizeof(TxnDecision));
  txn_collect_decisions(nodes, count, dec);
  const TxnDecision *d = (const TxnDecision *) dec->data;

  /* Atomicity at the end: report what the online check did not see. */
  g_autoptr(GArray) bad = g_array_new(FALSE, FALSE, sizeof(int64_t));
  guint conflicts = txn_check_atomicity(d, dec->len, bad);
  sim_metric_set(sim, "txn.atomicity_conflicts", conflicts);
  double online = 0;
  sim_metric_get(sim, "txn.atomicity_online", &online);
  for (guint i = (guint) online; i < bad->len; i++)
    sim_violation(sim, "atomicity", "txn %" G_GINT64_FORMAT " committed and aborted (end-of-run check)",
                  g_array_index(bad, int64_t, i));

  /* Durability, unless a scenario lets logs lose their unsynced tail. */
  gboolean check = count > 0;
  for (guint i = 0; i < count; i++)
    check &= sim_node_param_bool(nodes[i], "check_durability");
  if (check) {
    sim_invariant_declare(sim, "durability");
    GArray *acked = acked_commits(sim);
    g_autoptr(GArray) lost = g_array_new(FALSE, FALSE, sizeof(int64_t));
    txn_check_durability(d, dec->len, (const TxnAcked *) acked->data, acked->len, lost);
    for (guint i = 0; i < lost->len; i++)
      sim_violation(sim, "durability", "txn %" G_GINT64_FORMAT " acknowledged as committed but not committed "
                    "at every participant", g_array_index(lost, int64_t, i));
    sim_metric_set(sim, "txn.lost_commits", lost->len);
    for (guint i = 0; i < acked->len; i++)
      g_free((gpointer) g_array_index(acked, TxnAcked, i).participants);
    g_array_unref(acked);
  }

  /* Still in doubt at the end: counted, and their time so far added. */
  guint in_doubt = 0;
  for (guint i = 0; i < dec->len; i++)
    in_doubt += d[i].outcome == TXN_OUT_UNDECIDED;
  sim_metric_set(sim, "txn.in_doubt_at_end", in_doubt);
  guint locks = 0;
  for (guint i = 0; i < count; i++)
    locks += txn_participant_locks(nodes[i]);
  sim_metric_set(sim, "txn.locks_held_at_end", locks);

  /* Per-transaction costs. */
  double begun = 0, slots = 0, msgs = 0, forced = 0;
  sim_metric_get(sim, "txn.begun", &begun);
  sim_metric_get(sim, "txn.participant_slots", &slots);
  sim_metric_get(sim, "txn.msgs", &msgs);
  sim_metric_get(sim, "forced_writes", &forced);
  if (begun > 0) {
    sim_metric_set(sim, "txn.msgs_per_txn", msgs / begun);
    sim_metric_set(sim, "txn.forced_writes_per_txn", forced / begun);
  }
  if (slots > 0)
    sim_metric_set(sim, "txn.msgs_per_participant", msgs / slots);
  /* Counters show 0 when nothing happened, rather than going missing. */
  static const char *const counters[] = {
    "txn.blocked", "txn.in_doubt_max_s", "txn.in_doubt_total_s", "txn.lock_conflicts", "txn.begun",
    "txn.participant_slots", "txn.msgs", "forced_writes", "txn.coord_recovery_resends",
    "txn.coord_recovery_aborts", "txn.total_failure_aborts", "txn.atomicity_online",
  };
  for (guint i = 0; i < G_N_ELEMENTS(counters); i++)
    sim_metric_add(sim, counters[i], 0);
  for (guint i = 0; i < count; i++) {
    g_autofree char *total = g_strdup_printf("txn.in_doubt_total_s.%s", sim_node_name(nodes[i]));
    sim_metric_add(sim, total, 0);
  }
}

void txn_client_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  (void) nodes; (void) count;
  const GArray *h = sim_history(sim);
  guint64 invoked = 0, ok = 0, fail = 0, info = 0;
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (strcmp(e->f, "txn") != 0)
      continue;
    invoked += e->type == SIM_OP_INVOKE;
    ok += e->type == SIM_OP_OK;
    fail += e->type == SIM_OP_FAIL;
    info += e->type == SIM_OP_INFO;
  }
  sim_metric_set(sim, "txn.commits", (double) ok);
  sim_metric_set(sim, "txn.aborts", (double) fail);
  sim_metric_set(sim, "txn.undecided", (double) info);
  if (ok + fail > 0)
    sim_metric_set(sim, "txn.commit_rate", (double) ok / (double) (ok + fail));
  if (invoked > 0) {
    sim_metric_set(sim, "txn.abort_rate", (double) fail / (double) invoked);
    sim_metric_set(sim, "txn.availability", (double) (ok + fail) / (double) invoked);
  }
}
