/* The participant (resource manager) of txn.2pc and txn.3pc.
 *
 * Keeps per-key committed values and a lock per key. On PREPARE/CanCommit
 * it votes NO with probability `vote_no`, or when the key is locked by
 * another transaction (after waiting up to `lock_wait` — a participant that
 * has not voted may abort on its own); otherwise it takes the lock,
 * force-writes PREPARED and votes yes. From then on it is uncertain.
 *
 * 2PC: an uncertain (in-doubt) participant never decides alone: it holds
 * its lock and sends DECISION-REQUEST to the coordinator every
 * `decision_timeout` and, with `cooperative`, to the other participants,
 * which answer if they know the outcome or have not voted (then they abort).
 * COMMIT: apply, force-write COMMIT, ACK. ABORT: write ABORT (not forced).
 *
 * 3PC (Skeen): PreCommit → force-write PRECOMMIT, Ack. A timeout while
 * uncertain or pre-committed starts the termination protocol: the backup
 * coordinator is the lowest-indexed participant of the transaction this
 * node does not suspect (a candidate that stays silent for a timeout is
 * suspected). The backup asks every participant's state (StateReq) and
 * decides: any aborted → abort; any committed → commit; any pre-committed →
 * PreCommit the uncertain ones, then commit; all uncertain → abort.
 *
 * Restart: the log is replayed (txn_phase_replay); committed values are
 * redone, uncertain transactions take their locks again and ask at once
 * (the coordinator; the other participants too in 3PC or with `cooperative`).
 *
 * 3PC recovery (BHG ch. 7): a transaction replayed uncertain or
 * pre-committed is marked `recovering`. Such a participant is not
 * operational for it: it never elects itself, never starts or leads the
 * termination protocol, does not answer StateReq and ignores PreCommit; it
 * asks the coordinator and the other participants (DecisionReq) every
 * `decision_timeout` and adopts the first decision it hears. Asked by a
 * peer, it answers RecoveringState (its logged phase). Total failure: once
 * every participant of the transaction and the coordinator have answered
 * RecoveringState (all recovered, none decided), it aborts and tells them;
 * until then it blocks.
 *
 * txn.2pc.participant_unforced is a broken variant for teaching: it writes
 * PREPARED without forcing it, so a lost unsynced tail can erase a yes vote
 * the coordinator already counted (see scenarios/txn_2pc_lost_tail*.lua). */
#include "models/txn/txn.h"

typedef struct {
  int64_t txn;
  TxnPhase phase;
  int64_t key, value;
  int coord, client;
  uint64_t mask;
  SimTime prepared_at; /* true time of the PREPARED record, -1 if none */
  SimTimerId timer;
  gboolean waiting;    /* PREPARE waiting for the lock */
  gboolean locked;
  /* 3PC termination */
  uint64_t suspects;
  int waited;          /* candidate index waited on, -1 */
  gboolean heard;
  int term_stage;      /* 0 none, 1 collecting states, 2 pre-committing */
  gboolean seen_abort, seen_commit, seen_pre;
  uint64_t uncertain;  /* responders that were uncertain */
  /* 3PC recovery */
  gboolean recovering; /* replayed undecided at restart: ask and wait, never terminate */
  uint64_t rec_heard;  /* participants known to be recovering undecided (self included) */
  gboolean rec_coord;  /* the coordinator answered RecoveringState */
} PTxn;

typedef struct {
  const TxnProto *proto;
  const int *parts;
  guint nparts;
  int self;            /* own index in parts */
  gboolean force_prepared; /* FALSE only in the broken variant */
  GHashTable *txns;    /* txn → PTxn* */
  TxnLocks *locks;
  GHashTable *store;   /* key → committed value (gint64* both) */
  GHashTable *waiters; /* txn → PTxn* of the transactions whose PREPARE waits for a lock */
  TxnLogIndex **peer_logs; /* one per participant: the online atomicity check's view of its log */
} Part;

static void part_free(gpointer p)
{
  Part *s = p;
  g_hash_table_unref(s->txns);
  g_hash_table_unref(s->store);
  g_hash_table_unref(s->waiters);
  for (guint i = 0; i < s->nparts; i++)
    txn_log_index_free(s->peer_logs[i]);
  g_free(s->peer_logs);
  txn_locks_free(s->locks);
  g_free(s);
}

static PTxn *ptxn(Part *s, int64_t txn, gboolean create)
{
  PTxn *t = g_hash_table_lookup(s->txns, &txn);
  if (!t && create) {
    t = g_new0(PTxn, 1);
    t->txn = txn;
    t->coord = t->client = -1;
    t->prepared_at = -1;
    t->waited = -1;
    g_hash_table_insert(s->txns, &t->txn, t);
  }
  return t;
}

static void reply(SimNode *node, int dst, const char *type, int64_t txn)
{
  if (dst < 0 || !type)
    return;
  SimMsg *m = sim_msg_new(node, type);
  sim_msg_set(m, "txn", txn);
  txn_send(node, dst, m);
}

static void to_others(SimNode *node, Part *s, PTxn *t, const char *type)
{
  for (guint i = 0; i < s->nparts; i++)
    if ((t->mask >> i & 1) && (int) i != s->self)
      reply(node, s->parts[i], type, t->txn);
}

static void log_rec(SimNode *node, PTxn *t, const char *type, gboolean force)
{
  SimMsg r = sim_record(type);
  sim_msg_set(&r, "txn", t->txn);
  if (g_str_equal(type, TXN_REC_PREPARED)) {
    sim_msg_set(&r, "key", t->key);
    sim_msg_set(&r, "value", t->value);
    sim_msg_set(&r, "coord", t->coord);
    sim_msg_set(&r, "client", t->client);
    sim_msg_set(&r, "mask", (int64_t) t->mask);
    sim_msg_set(&r, "at", t->prepared_at);
  }
  txn_log_append(node, &r, force);
}

static void arm(SimNode *node, PTxn *t, int kind, SimTime delay)
{
  sim_timer_cancel(node, t->timer);
  t->timer = sim_timer_after(node, delay, txn_tag(kind, t->txn));
}

static void try_vote(SimNode *node, Part *s, PTxn *t);

/* Marks t as waiting for its key's lock or not, keeping s->waiters in step. */
static void set_waiting(Part *s, PTxn *t, gboolean waiting)
{
  t->waiting = waiting;
  if (waiting)
    g_hash_table_replace(s->waiters, &t->txn, t);
  else
    g_hash_table_remove(s->waiters, &t->txn);
}

/* A decision was made here: metrics, the online atomicity check, and the
 * lock handed to a waiting transaction. */
static void decided(SimNode *node, Part *s, PTxn *t)
{
  Sim *sim = sim_node_sim(node);
  sim_timer_cancel(node, t->timer);
  t->timer = 0;
  t->term_stage = 0;
  if (t->locked) {
    txn_locks_release(s->locks, t->key, t->txn);
    t->locked = FALSE;
  }
  SimMsg ev = sim_record(t->phase == TXN_PH_COMMITTED ? "part_commit" : "part_abort");
  sim_msg_set(&ev, "txn", t->txn);
  sim_emit(node, &ev);
  if (t->prepared_at >= 0) {
    double ms = (double) (sim_now(sim) - t->prepared_at) / SIM_MS;
    g_autofree char *name = g_strdup_printf("txn.in_doubt_ms.%s", sim_node_name(node));
    g_autofree char *total = g_strdup_printf("txn.in_doubt_total_s.%s", sim_node_name(node));
    sim_metric_sample(sim, "txn.in_doubt_ms", ms);
    sim_metric_sample(sim, name, ms);
    sim_metric_add(sim, "txn.in_doubt_total_s", ms / 1000);
    sim_metric_add(sim, total, ms / 1000);
    double max = 0;
    if (!sim_metric_get(sim, "txn.in_doubt_max_s", &max) || ms / 1000 > max)
      sim_metric_set(sim, "txn.in_doubt_max_s", ms / 1000);
    if (sim_now(sim) - t->prepared_at > sim_node_param_duration(node, "blocked_threshold"))
      sim_metric_add(sim, "txn.blocked", 1);
  }
  txn_check_on_decide(node, s->peer_logs, s->parts, s->nparts, t->txn);
  /* Wake the lowest waiting transaction on the freed key. */
  PTxn *next = NULL;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, s->waiters);
  while (g_hash_table_iter_next(&it, NULL, &v)) {
    PTxn *w = v;
    if (w->key == t->key && (!next || w->txn < next->txn))
      next = w;
  }
  if (next)
    try_vote(node, s, next);
}

static void abort_here(SimNode *node, Part *s, PTxn *t)
{
  if (t->phase == TXN_PH_ABORTED || t->phase == TXN_PH_COMMITTED)
    return;
  set_waiting(s, t, FALSE);
  t->phase = TXN_PH_ABORTED;
  log_rec(node, t, TXN_REC_ABORT, FALSE);
  decided(node, s, t);
}

static void commit_here(SimNode *node, Part *s, PTxn *t)
{
  if (t->phase == TXN_PH_COMMITTED || t->phase == TXN_PH_ABORTED)
    return;
  g_hash_table_replace(s->store, g_memdup2(&t->key, sizeof t->key), g_memdup2(&t->value, sizeof t->value));
  t->phase = TXN_PH_COMMITTED;
  log_rec(node, t, TXN_REC_COMMIT, TRUE);
  decided(node, s, t);
}

static void send_vote(SimNode *node, Part *s, PTxn *t, gboolean yes)
{
  SimMsg *m = sim_msg_new(node, s->proto->vote);
  sim_msg_set(m, "txn", t->txn);
  sim_msg_set(m, "yes", yes);
  txn_send(node, t->coord, m);
}

static void try_vote(SimNode *node, Part *s, PTxn *t)
{
  if (txn_locks_take(s->locks, t->key, t->txn)) {
    set_waiting(s, t, FALSE);
    t->locked = TRUE;
    t->phase = TXN_PH_UNCERTAIN;
    t->prepared_at = sim_now(sim_node_sim(node));
    log_rec(node, t, TXN_REC_PREPARED, s->force_prepared);
    send_vote(node, s, t, TRUE);
    arm(node, t, TXN_T_DECISION, sim_node_param_duration(node, "decision_timeout"));
  } else if (!t->waiting && sim_node_param_duration(node, "lock_wait") > 0) {
    set_waiting(s, t, TRUE);
    arm(node, t, TXN_T_LOCK, sim_node_param_duration(node, "lock_wait"));
  } else {
    sim_metric_add(sim_node_sim(node), "txn.lock_conflicts", 1);
    abort_here(node, s, t);
    send_vote(node, s, t, FALSE);
  }
}

static void on_prepare(SimNode *node, Part *s, const SimMsg *msg, PTxn *t)
{
  switch (t->phase) {
  case TXN_PH_UNCERTAIN:
  case TXN_PH_PRECOMMITTED:
    send_vote(node, s, t, TRUE); /* a resent PREPARE: same answer */
    return;
  case TXN_PH_ABORTED:
    t->coord = msg->src;
    send_vote(node, s, t, FALSE);
    return;
  case TXN_PH_COMMITTED:
    return;
  case TXN_PH_NONE:
    break;
  }
  if (t->waiting)
    return;
  t->coord = msg->src;
  t->key = sim_msg_get(msg, "key", 0);
  t->value = sim_msg_get(msg, "value", 0);
  t->client = (int) sim_msg_get(msg, "client", -1);
  t->mask = (uint64_t) sim_msg_get(msg, "mask", 0);
  if (sim_rng_chance(sim_node_rng(node), sim_node_param_double(node, "vote_no"))) {
    abort_here(node, s, t);
    send_vote(node, s, t, FALSE);
    return;
  }
  try_vote(node, s, t);
}

static void tell_client(SimNode *node, PTxn *t, gboolean commit)
{
  if (t->client < 0)
    return;
  SimMsg *m = sim_msg_new(node, TXN_RESULT);
  sim_msg_set(m, "txn", t->txn);
  sim_msg_set(m, "commit", commit);
  sim_send(node, t->client, m);
}

/* ---- 3PC termination protocol ---- */

static int candidate(Part *s, PTxn *t)
{
  for (guint i = 0; i < s->nparts; i++)
    if ((t->mask >> i & 1) && ((int) i == s->self || !(t->suspects >> i & 1)))
      return (int) i;
  return s->self;
}

static void start_term(SimNode *node, Part *s, PTxn *t)
{
  t->term_stage = 1;
  t->seen_abort = t->seen_commit = FALSE;
  t->seen_pre = t->phase == TXN_PH_PRECOMMITTED;
  t->uncertain = 0;
  SimMsg ev = sim_record("term_start");
  sim_msg_set(&ev, "txn", t->txn);
  sim_emit(node, &ev);
  to_others(node, s, t, TXN_STATE_REQ);
  arm(node, t, TXN_T_TERM, sim_node_param_duration(node, "term_timeout"));
}

static void finish_term(SimNode *node, Part *s, PTxn *t, gboolean commit)
{
  if (commit)
    commit_here(node, s, t);
  else
    abort_here(node, s, t);
  to_others(node, s, t, commit ? s->proto->commit : s->proto->abort);
  tell_client(node, t, commit);
}

static void term_decide(SimNode *node, Part *s, PTxn *t)
{
  if (t->seen_abort || !(t->seen_commit || t->seen_pre)) {
    finish_term(node, s, t, FALSE);
  } else if (t->seen_commit || (t->uncertain == 0 && t->phase == TXN_PH_PRECOMMITTED)) {
    finish_term(node, s, t, TRUE);
  } else {
    /* Someone pre-committed: bring the uncertain ones to pre-committed first. */
    if (t->phase == TXN_PH_UNCERTAIN) {
      t->phase = TXN_PH_PRECOMMITTED;
      log_rec(node, t, TXN_REC_PRECOMMIT, TRUE);
    }
    for (guint i = 0; i < s->nparts; i++)
      if (t->uncertain >> i & 1)
        reply(node, s->parts[i], s->proto->precommit, t->txn);
    t->term_stage = 2;
    arm(node, t, TXN_T_TERM2, sim_node_param_duration(node, "term_timeout"));
  }
}

static void on_decision_timeout(SimNode *node, Part *s, PTxn *t)
{
  SimTime again = sim_node_param_duration(node, "decision_timeout");
  if (!s->proto->three_phase || t->recovering) {
    /* 2PC in doubt, or 3PC recovering (BHG: ask, never decide alone). */
    reply(node, t->coord, s->proto->decision_req, t->txn);
    if (t->recovering || sim_node_param_bool(node, "cooperative"))
      to_others(node, s, t, s->proto->decision_req);
    arm(node, t, TXN_T_DECISION, again);
    return;
  }
  for (;;) {
    int c = candidate(s, t);
    if (c == s->self) {
      start_term(node, s, t);
      return;
    }
    if (t->waited == c && !t->heard) {
      t->suspects |= 1ull << c; /* silent for a whole timeout: taken as failed */
      t->waited = -1;
      continue;
    }
    t->waited = c;
    t->heard = FALSE;
    arm(node, t, TXN_T_DECISION, again);
    return;
  }
}

static void on_state_req(SimNode *node, Part *s, const SimMsg *msg, PTxn *t)
{
  if (t->recovering && (t->phase == TXN_PH_UNCERTAIN || t->phase == TXN_PH_PRECOMMITTED))
    return; /* not operational: takes no part in termination (see docs/txn.md) */
  int idx = txn_index_of(s->parts, s->nparts, msg->src);
  if (t->phase == TXN_PH_NONE && !t->waiting) {
    t->mask = (uint64_t) sim_msg_get(msg, "mask", 0);
    abort_here(node, s, t); /* never voted: may abort on its own */
  } else if (t->phase == TXN_PH_NONE) {
    abort_here(node, s, t);
  }
  if (idx >= 0) {
    t->heard = TRUE;
    if (t->term_stage && idx < s->self)
      t->term_stage = 0; /* a lower backup is running: step aside */
  }
  SimMsg *m = sim_msg_new(node, TXN_STATE_REPLY);
  sim_msg_set(m, "txn", t->txn);
  sim_msg_set(m, "phase", t->phase);
  txn_send(node, msg->src, m);
  if (t->phase == TXN_PH_UNCERTAIN || t->phase == TXN_PH_PRECOMMITTED)
    arm(node, t, TXN_T_DECISION, sim_node_param_duration(node, "decision_timeout"));
}

static void on_state_reply(Part *s, const SimMsg *msg, PTxn *t)
{
  if (t->term_stage != 1)
    return;
  int idx = txn_index_of(s->parts, s->nparts, msg->src);
  switch ((TxnPhase) sim_msg_get(msg, "phase", TXN_PH_NONE)) {
  case TXN_PH_ABORTED: case TXN_PH_NONE: t->seen_abort = TRUE; break;
  case TXN_PH_COMMITTED: t->seen_commit = TRUE; break;
  case TXN_PH_PRECOMMITTED: t->seen_pre = TRUE; break;
  case TXN_PH_UNCERTAIN:
    if (idx >= 0)
      t->uncertain |= 1ull << idx;
    break;
  }
}

/* ---- 3PC recovery ---- */

/* A DecisionReq reached a recovering, undecided participant: it says so. */
static void send_recovering_state(SimNode *node, PTxn *t, int dst)
{
  SimMsg *m = sim_msg_new(node, TXN_RECOVERING_STATE);
  sim_msg_set(m, "txn", t->txn);
  sim_msg_set(m, "phase", t->phase);
  txn_send(node, dst, m);
}

/* A RecoveringState from a participant of the transaction or its
 * coordinator. Once every site has recovered undecided, no site holds a
 * decision (COMMIT is forced everywhere, so a commit would have been
 * replayed) and none is operational, so no other decision can appear:
 * abort, log it, tell the others, the coordinator and the client. Does
 * nothing unless this transaction is recovering and undecided. */
static void on_recovering_state(SimNode *node, Part *s, const SimMsg *msg, PTxn *t)
{
  if (!t->recovering || (t->phase != TXN_PH_UNCERTAIN && t->phase != TXN_PH_PRECOMMITTED))
    return;
  int idx = txn_index_of(s->parts, s->nparts, msg->src);
  if (idx >= 0 && (t->mask >> idx & 1))
    t->rec_heard |= 1ull << idx;
  else if (msg->src == t->coord)
    t->rec_coord = TRUE;
  else
    return;
  if (!t->rec_coord || (t->rec_heard & t->mask) != t->mask)
    return;
  SimMsg ev = sim_record("total_failure_abort");
  sim_msg_set(&ev, "txn", t->txn);
  sim_emit(node, &ev);
  sim_metric_add(sim_node_sim(node), "txn.total_failure_aborts", 1);
  finish_term(node, s, t, FALSE);
  reply(node, t->coord, s->proto->abort, t->txn);
}

/* ---- dispatch ---- */

static void on_message(SimNode *node, const SimMsg *msg)
{
  Part *s = sim_node_data(node);
  const TxnProto *p = s->proto;
  int64_t txn = sim_msg_get(msg, "txn", -1);
  if (txn < 0)
    return;
  PTxn *t = ptxn(s, txn, TRUE);
  if (txn_is(msg, p->prepare)) {
    on_prepare(node, s, msg, t);
  } else if (txn_is(msg, p->commit)) {
    if (t->phase == TXN_PH_UNCERTAIN || t->phase == TXN_PH_PRECOMMITTED)
      commit_here(node, s, t);
    if (t->phase == TXN_PH_COMMITTED)
      reply(node, t->coord >= 0 ? t->coord : msg->src, p->ack, txn);
  } else if (txn_is(msg, p->abort)) {
    if (t->phase != TXN_PH_COMMITTED)
      abort_here(node, s, t);
  } else if (p->precommit && txn_is(msg, p->precommit)) {
    if (t->recovering)
      return; /* only decisions are adopted while recovering */
    if (t->phase == TXN_PH_UNCERTAIN) {
      t->phase = TXN_PH_PRECOMMITTED;
      log_rec(node, t, TXN_REC_PRECOMMIT, TRUE);
      arm(node, t, TXN_T_DECISION, sim_node_param_duration(node, "decision_timeout"));
    }
    if (t->phase == TXN_PH_PRECOMMITTED)
      reply(node, msg->src, p->precommit_ack, txn);
  } else if (txn_is(msg, p->decision_req)) {
    if (t->phase == TXN_PH_NONE && !t->waiting)
      abort_here(node, s, t); /* not voted: abort unilaterally and say so */
    if (t->phase == TXN_PH_COMMITTED)
      reply(node, msg->src, p->commit, txn);
    else if (t->phase == TXN_PH_ABORTED)
      reply(node, msg->src, p->abort, txn);
    else if (t->recovering)
      send_recovering_state(node, t, msg->src);
  } else if (p->three_phase && txn_is(msg, TXN_RECOVERING_STATE)) {
    on_recovering_state(node, s, msg, t);
  } else if (p->three_phase && txn_is(msg, TXN_STATE_REQ)) {
    on_state_req(node, s, msg, t);
  } else if (p->three_phase && txn_is(msg, TXN_STATE_REPLY)) {
    on_state_reply(s, msg, t);
  }
  if (t->phase == TXN_PH_NONE && !t->waiting && t->coord < 0)
    g_hash_table_remove(s->txns, &txn); /* nothing learnt */
}

static void on_timer(SimNode *node, uint64_t tag)
{
  Part *s = sim_node_data(node);
  PTxn *t = ptxn(s, txn_tag_txn(tag), FALSE);
  if (!t)
    return;
  t->timer = 0;
  switch (txn_tag_kind(tag)) {
  case TXN_T_LOCK:
    if (t->waiting) {
      set_waiting(s, t, FALSE);
      sim_metric_add(sim_node_sim(node), "txn.lock_conflicts", 1);
      abort_here(node, s, t); /* not voted yet: abort on its own */
      send_vote(node, s, t, FALSE);
    }
    break;
  case TXN_T_DECISION:
    if (t->phase == TXN_PH_UNCERTAIN || t->phase == TXN_PH_PRECOMMITTED)
      on_decision_timeout(node, s, t);
    break;
  case TXN_T_TERM:
    if (t->term_stage == 1 && (t->phase == TXN_PH_UNCERTAIN || t->phase == TXN_PH_PRECOMMITTED))
      term_decide(node, s, t);
    break;
  case TXN_T_TERM2:
    if (t->term_stage == 2 && t->phase == TXN_PH_PRECOMMITTED)
      finish_term(node, s, t, TRUE);
    break;
  }
}

static gint cmp_i64(gconstpointer a, gconstpointer b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x > y) - (x < y);
}

static void part_init(SimNode *node, const TxnProto *proto, gboolean force_prepared)
{
  Part *s = g_new0(Part, 1);
  s->proto = proto;
  s->force_prepared = force_prepared;
  s->parts = sim_node_param_nodes(node, "participants", &s->nparts);
  s->self = txn_index_of(s->parts, s->nparts, sim_node_id(node));
  s->txns = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
  s->store = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  s->waiters = g_hash_table_new(g_int64_hash, g_int64_equal);
  s->peer_logs = g_new0(TxnLogIndex *, s->nparts ? s->nparts : 1);
  for (guint i = 0; i < s->nparts; i++)
    s->peer_logs[i] = txn_log_index_new();
  s->locks = txn_locks_new();
  sim_node_set_data(node, s, part_free);
  /* Replay the durable log. */
  GArray *order = g_array_new(FALSE, FALSE, sizeof(int64_t));
  for (guint i = 0; i < sim_log_length(node); i++) {
    const SimMsg *r = sim_log_get(node, i);
    int64_t txn = sim_msg_get(r, "txn", -1);
    PTxn *t = ptxn(s, txn, FALSE);
    if (!t) {
      t = ptxn(s, txn, TRUE);
      g_array_append_val(order, txn);
    }
    if (txn_is(r, TXN_REC_PREPARED)) {
      t->key = sim_msg_get(r, "key", 0);
      t->value = sim_msg_get(r, "value", 0);
      t->coord = (int) sim_msg_get(r, "coord", -1);
      t->client = (int) sim_msg_get(r, "client", -1);
      t->mask = (uint64_t) sim_msg_get(r, "mask", 0);
      t->prepared_at = sim_msg_get(r, "at", -1);
    }
    TxnPhase before = t->phase;
    t->phase = txn_phase_replay(t->phase, r->type);
    if (t->phase == TXN_PH_COMMITTED && before != TXN_PH_COMMITTED)
      g_hash_table_replace(s->store, g_memdup2(&t->key, sizeof t->key), g_memdup2(&t->value, sizeof t->value));
  }
  g_array_sort(order, cmp_i64);
  for (guint i = 0; i < order->len; i++) {
    PTxn *t = ptxn(s, g_array_index(order, int64_t, i), FALSE);
    if (t->phase != TXN_PH_UNCERTAIN && t->phase != TXN_PH_PRECOMMITTED)
      continue;
    t->locked = txn_locks_take(s->locks, t->key, t->txn);
    /* 3PC: not operational for this transaction until it learns the decision. */
    t->recovering = proto->three_phase;
    if (t->recovering && s->self >= 0)
      t->rec_heard = 1ull << s->self;
    SimMsg ev = sim_record("part_in_doubt");
    sim_msg_set(&ev, "txn", t->txn);
    sim_msg_set(&ev, "phase", t->phase);
    sim_msg_set(&ev, "recovering", t->recovering);
    sim_emit(node, &ev);
    /* In doubt after a restart: ask the coordinator now (and the others:
     * always in 3PC, in 2PC only with cooperative termination). */
    reply(node, t->coord, proto->decision_req, t->txn);
    if (proto->three_phase || sim_node_param_bool(node, "cooperative"))
      to_others(node, s, t, proto->decision_req);
    arm(node, t, TXN_T_DECISION, sim_node_param_duration(node, "decision_timeout"));
  }
  g_array_unref(order);
}

static void init_2pc(SimNode *node) { part_init(node, &txn_proto_2pc, TRUE); }
static void init_3pc(SimNode *node) { part_init(node, &txn_proto_3pc, TRUE); }
static void init_2pc_unforced(SimNode *node) { part_init(node, &txn_proto_2pc, FALSE); }

guint txn_participant_locks(SimNode *node)
{
  Part *s = sim_node_state(node) == SIM_NODE_CRASHED ? NULL : sim_node_data(node);
  return s ? txn_locks_held(s->locks) : 0;
}

static const SimParamSpec part_params[] = {
  { "participants", SIM_PARAM_NODES, "", "every participant, in the coordinator's order (this node among them)", 0, 0 },
  { "vote_no", SIM_PARAM_DOUBLE, "0", "probability of voting NO on a PREPARE", 0, 0 },
  { "lock_wait", SIM_PARAM_DURATION, "0", "how long a PREPARE may wait for a locked key; 0 = vote NO at once", 0, 0 },
  { "decision_timeout", SIM_PARAM_DURATION, "100ms", "2PC: ask for the decision this often while in doubt; 3PC: timeout before termination", 0, 0 },
  { "cooperative", SIM_PARAM_BOOL, "false", "2PC: also ask the other participants (cooperative termination)", 0, 0 },
  { "term_timeout", SIM_PARAM_DURATION, "50ms", "3PC: how long a backup coordinator collects states / pre-commit acks", 0, 0 },
  { "blocked_threshold", SIM_PARAM_DURATION, "500ms", "in doubt longer than this counts in txn.blocked", 0, 0 },
  { "check_durability", SIM_PARAM_BOOL, "true", "check acknowledged commits at the end; false when logs may lose their unsynced tail", 0, 0 },
  { NULL },
};

const SimModel model_txn_2pc_participant = {
  .name = "txn.2pc.participant",
  .summary = "two-phase commit participant with per-key locks, in-doubt blocking and optional cooperative termination",
  .params = part_params,
  .init = init_2pc,
  .on_message = on_message,
  .on_timer = on_timer,
  .finish = txn_participants_finish,
};

const SimModel model_txn_3pc_participant = {
  .name = "txn.3pc.participant",
  .summary = "three-phase commit participant (Skeen) with the termination protocol",
  .params = part_params,
  .init = init_3pc,
  .on_message = on_message,
  .on_timer = on_timer,
  .finish = txn_participants_finish,
};

const SimModel model_txn_2pc_participant_unforced = {
  .name = "txn.2pc.participant_unforced",
  .summary = "BROKEN for teaching: a 2PC participant that does not force PREPARED before voting yes",
  .params = part_params,
  .init = init_2pc_unforced,
  .on_message = on_message,
  .on_timer = on_timer,
  .finish = txn_participants_finish,
};
