/* The commit coordinator of txn.2pc (Gray, presumed abort) and txn.3pc
 * (Skeen). A client's BEGIN starts a transaction over a subset (bit mask)
 * of the `participants` list.
 *
 * Every transaction starts with an unforced BEGIN record (participants and
 * client): presumed abort forces nothing before the decision, so the record
 * reaches stable storage only if a later forced write syncs it (a crash
 * alone keeps it; a lost unsynced tail drops it).
 * 2PC: PREPARE to each; all VOTE yes → force-write COMMIT, send COMMIT,
 * answer the client, collect ACKs, write END (not forced). Any NO or a vote
 * timeout → ABORT to the others and an unforced ABORT record (so a restart
 * does not abort it again); no acknowledgements (presumed abort).
 * 3PC: CanCommit; all Vote yes → force-write PRECOMMIT, send PreCommit,
 * collect Ack; all acked, or the ack timeout (Skeen: a silent participant is
 * taken as failed) → force-write COMMIT and send DoCommit; HaveCommitted → END.
 *
 * DECISION-REQUEST is answered from memory or the log; with no record the
 * answer is ABORT (presumed abort) — except in 3PC when the log holds a
 * PRECOMMIT, where the participants may have terminated either way.
 * Restart: COMMIT without END → resend the decision (txn.coord_recovery_resends);
 * BEGIN with nothing after it → never decided: send ABORT to its participants
 * at once instead of waiting to be asked (txn.coord_recovery_aborts); 3PC
 * PRECOMMIT without a decision → ask the participants, adopt the first
 * outcome one of them reports and send it to all; asked itself meanwhile,
 * it answers RecoveringState (recovered, undecided), which lets recovering
 * participants detect a total failure. A transaction with no record at all is aborted by presumption
 * when asked. */
#include "models/txn/txn.h"

/* CO_BEGUN: replayed from a BEGIN record alone (aborted at restart). */
typedef enum { CO_COLLECTING, CO_PRECOMMITTING, CO_COMMITTING, CO_RECOVERING, CO_BEGUN } CoPhase;

typedef struct {
  int64_t txn;
  int client;
  int64_t key, value;
  uint64_t mask, votes, acks;
  CoPhase phase;
  SimTimerId timer;
} CoTxn;

typedef struct {
  const TxnProto *proto;
  const int *parts;
  guint nparts;
  GHashTable *txns; /* txn (gint64*) → CoTxn* */
  TxnLogIndex *log; /* this node's own log, for DECISION-REQUESTs about forgotten transactions */
} Coord;

static void coord_free(gpointer p)
{
  Coord *c = p;
  g_hash_table_unref(c->txns);
  txn_log_index_free(c->log);
  g_free(c);
}

static Coord *coord_new(SimNode *node, const TxnProto *proto)
{
  Coord *c = g_new0(Coord, 1);
  c->proto = proto;
  c->parts = sim_node_param_nodes(node, "participants", &c->nparts);
  c->txns = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
  c->log = txn_log_index_new();
  sim_node_set_data(node, c, coord_free);
  return c;
}

static CoTxn *co_add(Coord *c, int64_t txn)
{
  CoTxn *t = g_new0(CoTxn, 1);
  t->txn = txn;
  g_hash_table_insert(c->txns, &t->txn, t);
  return t;
}

static void co_forget(SimNode *node, Coord *c, CoTxn *t)
{
  sim_timer_cancel(node, t->timer);
  g_hash_table_remove(c->txns, &t->txn);
}

static void send_all(SimNode *node, Coord *c, CoTxn *t, const char *type, uint64_t skip)
{
  for (guint i = 0; i < c->nparts; i++) {
    if (!(t->mask >> i & 1) || (skip >> i & 1))
      continue;
    SimMsg *m = sim_msg_new(node, type);
    sim_msg_set(m, "txn", t->txn);
    if (type == c->proto->prepare) {
      sim_msg_set(m, "key", t->key);
      sim_msg_set(m, "value", t->value);
      sim_msg_set(m, "client", t->client);
      sim_msg_set(m, "mask", (int64_t) t->mask);
    }
    txn_send(node, c->parts[i], m);
  }
}

static void tell_client(SimNode *node, CoTxn *t, gboolean commit)
{
  if (t->client < 0)
    return;
  SimMsg *m = sim_msg_new(node, TXN_RESULT);
  sim_msg_set(m, "txn", t->txn);
  sim_msg_set(m, "commit", commit);
  sim_send(node, t->client, m);
}

static void log_rec(SimNode *node, CoTxn *t, const char *type, gboolean force)
{
  SimMsg r = sim_record(type);
  sim_msg_set(&r, "txn", t->txn);
  sim_msg_set(&r, "mask", (int64_t) t->mask);
  sim_msg_set(&r, "client", t->client);
  txn_log_append(node, &r, force);
}

static void co_abort(SimNode *node, Coord *c, CoTxn *t, uint64_t no_voters)
{
  /* Presumed abort: not forced, no acknowledgements. The unforced record
   * only spares a restart from aborting this transaction again. */
  log_rec(node, t, TXN_REC_ABORT, FALSE);
  send_all(node, c, t, c->proto->abort, no_voters);
  SimMsg ev = sim_record("coord_abort");
  sim_msg_set(&ev, "txn", t->txn);
  sim_emit(node, &ev);
  tell_client(node, t, FALSE);
  co_forget(node, c, t);
}

static void co_commit(SimNode *node, Coord *c, CoTxn *t)
{
  log_rec(node, t, TXN_REC_COMMIT, TRUE);
  t->phase = CO_COMMITTING;
  t->acks = 0;
  send_all(node, c, t, c->proto->commit, 0);
  tell_client(node, t, TRUE);
  sim_timer_cancel(node, t->timer);
  t->timer = sim_timer_after(node, sim_node_param_duration(node, "ack_timeout"), txn_tag(TXN_T_ACKS, t->txn));
}

static void co_precommit(SimNode *node, Coord *c, CoTxn *t)
{
  log_rec(node, t, TXN_REC_PRECOMMIT, TRUE);
  t->phase = CO_PRECOMMITTING;
  t->acks = 0;
  send_all(node, c, t, c->proto->precommit, 0);
  sim_timer_cancel(node, t->timer);
  t->timer = sim_timer_after(node, sim_node_param_duration(node, "ack_timeout"), txn_tag(TXN_T_ACKS, t->txn));
}

static const char *logged(SimNode *node, Coord *c, int64_t txn);

/* A client's BEGIN. A copy of one already under way or in the log (the
 * network may deliver a message twice, or late) is ignored: running a
 * decided transaction again could decide it the other way. */
static void on_begin(SimNode *node, Coord *c, const SimMsg *msg)
{
  int64_t txn = sim_msg_get(msg, "txn", -1);
  if (txn < 0 || g_hash_table_contains(c->txns, &txn) || logged(node, c, txn))
    return;
  CoTxn *t = co_add(c, txn);
  t->client = msg->src;
  t->key = sim_msg_get(msg, "key", 0);
  t->value = sim_msg_get(msg, "value", 0);
  t->mask = (uint64_t) sim_msg_get(msg, "mask", 0) & ((c->nparts >= 64 ? 0 : 1ull << c->nparts) - 1);
  t->phase = CO_COLLECTING;
  sim_metric_add(sim_node_sim(node), "txn.begun", 1);
  sim_metric_add(sim_node_sim(node), "txn.participant_slots", __builtin_popcountll(t->mask));
  if (!t->mask) {
    tell_client(node, t, FALSE);
    co_forget(node, c, t);
    return;
  }
  log_rec(node, t, TXN_REC_BEGIN, FALSE);
  send_all(node, c, t, c->proto->prepare, 0);
  t->timer = sim_timer_after(node, sim_node_param_duration(node, "vote_timeout"), txn_tag(TXN_T_VOTES, txn));
}

/* The type of the last record about `txn` in the log, or NULL. */
static const char *logged(SimNode *node, Coord *c, int64_t txn)
{
  const char *last = NULL;
  txn_log_lookup(c->log, node, txn, &last);
  return last;
}

static void on_decision_request(SimNode *node, Coord *c, const SimMsg *msg, int64_t txn)
{
  CoTxn *t = g_hash_table_lookup(c->txns, &txn);
  const char *answer = NULL;
  if (t && t->phase == CO_RECOVERING) {
    /* 3PC, restarted with PRECOMMIT and no decision: say "recovered,
     * undecided" so recovering participants can tell a total failure. */
    SimMsg *m = sim_msg_new(node, TXN_RECOVERING_STATE);
    sim_msg_set(m, "txn", txn);
    sim_msg_set(m, "phase", TXN_PH_PRECOMMITTED);
    txn_send(node, msg->src, m);
    return;
  }
  if (t)
    answer = t->phase == CO_COMMITTING ? c->proto->commit : NULL;
  else {
    const char *rec = logged(node, c, txn);
    if (rec && (g_str_equal(rec, TXN_REC_COMMIT) || g_str_equal(rec, TXN_REC_END)))
      answer = c->proto->commit;
    else if (rec && g_str_equal(rec, TXN_REC_PRECOMMIT))
      answer = NULL; /* 3PC: the participants may have terminated; do not presume */
    else
      answer = c->proto->abort; /* presumed abort */
  }
  if (!answer)
    return;
  SimMsg *m = sim_msg_new(node, answer);
  sim_msg_set(m, "txn", txn);
  txn_send(node, msg->src, m);
}

static void on_message(SimNode *node, const SimMsg *msg)
{
  Coord *c = sim_node_data(node);
  if (txn_is(msg, TXN_BEGIN)) {
    on_begin(node, c, msg);
    return;
  }
  int64_t txn = sim_msg_get(msg, "txn", -1);
  if (txn_is(msg, c->proto->decision_req)) {
    on_decision_request(node, c, msg, txn);
    return;
  }
  CoTxn *t = g_hash_table_lookup(c->txns, &txn);
  int idx = txn_index_of(c->parts, c->nparts, msg->src);
  if (!t || idx < 0 || !(t->mask >> idx & 1))
    return;
  uint64_t bit = 1ull << idx;
  if (txn_is(msg, c->proto->vote) && t->phase == CO_COLLECTING) {
    if (!sim_msg_get(msg, "yes", 0)) {
      co_abort(node, c, t, bit);
      return;
    }
    t->votes |= bit;
    if (t->votes == t->mask) {
      if (c->proto->three_phase)
        co_precommit(node, c, t);
      else
        co_commit(node, c, t);
    }
  } else if (txn_is(msg, c->proto->precommit_ack) && t->phase == CO_PRECOMMITTING) {
    t->acks |= bit;
    if (t->acks == t->mask)
      co_commit(node, c, t);
  } else if (txn_is(msg, c->proto->ack) && t->phase == CO_COMMITTING) {
    t->acks |= bit;
    if (t->acks == t->mask) {
      log_rec(node, t, TXN_REC_END, FALSE);
      co_forget(node, c, t);
    }
  } else if (t->phase == CO_RECOVERING && (txn_is(msg, c->proto->commit) || txn_is(msg, c->proto->abort))) {
    /* 3PC recovery: a participant tells the outcome of the termination protocol. */
    /* Adopt it and tell every participant, as if deciding now: a commit is
     * forced, sent and acknowledged (then END); an abort is not logged-forced
     * nor acknowledged (presumed abort). */
    if (txn_is(msg, c->proto->commit))
      co_commit(node, c, t);
    else
      co_abort(node, c, t, bit);
  }
}

static void on_timer(SimNode *node, uint64_t tag)
{
  Coord *c = sim_node_data(node);
  int64_t txn = txn_tag_txn(tag);
  CoTxn *t = g_hash_table_lookup(c->txns, &txn);
  if (!t)
    return;
  t->timer = 0;
  SimTime ack_timeout = sim_node_param_duration(node, "ack_timeout");
  switch (t->phase) {
  case CO_COLLECTING:
    co_abort(node, c, t, 0);
    break;
  case CO_PRECOMMITTING:
    co_commit(node, c, t); /* Skeen: a participant that did not ack has failed */
    break;
  case CO_COMMITTING:
    send_all(node, c, t, c->proto->commit, t->acks);
    t->timer = sim_timer_after(node, ack_timeout, tag);
    break;
  case CO_RECOVERING:
    send_all(node, c, t, c->proto->decision_req, 0);
    t->timer = sim_timer_after(node, ack_timeout, tag);
    break;
  case CO_BEGUN:
    co_abort(node, c, t, 0);
    break;
  }
}

static gint cmp_i64(gconstpointer a, gconstpointer b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x > y) - (x < y);
}

static void co_init(SimNode *node, const TxnProto *proto)
{
  Coord *c = coord_new(node, proto);
  /* Replay: the last record per transaction decides what is left to do. */
  for (guint i = 0; i < sim_log_length(node); i++) {
    const SimMsg *r = sim_log_get(node, i);
    int64_t txn = sim_msg_get(r, "txn", -1);
    CoTxn *t = g_hash_table_lookup(c->txns, &txn);
    if (txn_is(r, TXN_REC_END) || txn_is(r, TXN_REC_ABORT)) {
      if (t)
        g_hash_table_remove(c->txns, &txn);
      continue;
    }
    if (!t) {
      t = co_add(c, txn);
      t->mask = (uint64_t) sim_msg_get(r, "mask", 0);
      t->client = (int) sim_msg_get(r, "client", -1);
    }
    if (txn_is(r, TXN_REC_COMMIT))
      t->phase = CO_COMMITTING;
    else if (txn_is(r, TXN_REC_PRECOMMIT))
      t->phase = CO_RECOVERING;
    else if (t->phase != CO_COMMITTING && t->phase != CO_RECOVERING)
      t->phase = CO_BEGUN; /* BEGIN (or an unknown record) and no decision */
  }
  /* Resume in transaction order so the run does not depend on hashing. */
  g_autoptr(GList) keys = g_hash_table_get_keys(c->txns);
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
  for (GList *k = keys; k; k = k->next)
    g_array_append_val(ids, *(int64_t *) k->data);
  g_array_sort(ids, cmp_i64);
  for (guint i = 0; i < ids->len; i++) {
    int64_t txn = g_array_index(ids, int64_t, i);
    CoTxn *t = g_hash_table_lookup(c->txns, &txn);
    SimMsg ev = sim_record("coord_recover");
    sim_msg_set(&ev, "txn", txn);
    sim_msg_set(&ev, "committing", t->phase == CO_COMMITTING);
    sim_msg_set(&ev, "aborting", t->phase == CO_BEGUN);
    sim_emit(node, &ev);
    if (t->phase == CO_COMMITTING)
      sim_metric_add(sim_node_sim(node), "txn.coord_recovery_resends", 1);
    else if (t->phase == CO_BEGUN)
      sim_metric_add(sim_node_sim(node), "txn.coord_recovery_aborts", 1);
    on_timer(node, txn_tag(t->phase == CO_COMMITTING ? TXN_T_ACKS : TXN_T_DECISION, txn));
  }
  g_array_unref(ids);
}

static void init_2pc(SimNode *node) { co_init(node, &txn_proto_2pc); }
static void init_3pc(SimNode *node) { co_init(node, &txn_proto_3pc); }

static const SimParamSpec coord_params[] = {
  { "participants", SIM_PARAM_NODES, "", "the participant nodes; a BEGIN's mask selects among them by index", 0, 0 },
  { "vote_timeout", SIM_PARAM_DURATION, "200ms", "abort a transaction whose votes are not all in by then", 0, 0 },
  { "ack_timeout", SIM_PARAM_DURATION, "100ms", "resend the decision to silent participants this often (3PC: pre-commit ack wait)", 0, 0 },
  { NULL },
};

const SimModel model_txn_2pc_coordinator = {
  .name = "txn.2pc.coordinator",
  .summary = "two-phase commit coordinator (Gray), presumed abort",
  .params = coord_params,
  .init = init_2pc,
  .on_message = on_message,
  .on_timer = on_timer,
};

const SimModel model_txn_3pc_coordinator = {
  .name = "txn.3pc.coordinator",
  .summary = "three-phase commit coordinator (Skeen): CanCommit, PreCommit, DoCommit",
  .params = coord_params,
  .init = init_3pc,
  .on_message = on_message,
  .on_timer = on_timer,
};
