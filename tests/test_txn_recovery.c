/* Atomic commit: what a node does when it starts from each durable-log
 * state. Each case builds the logs directly (sim_log_append before the
 * first event, which is what a restart replays), runs a 2PC or 3PC rig of
 * one coordinator and three participants, and asserts the messages sent,
 * the protocol events emitted, the locks held and the phases reached. Part of the "txn" suite (the
 * tests are added by txn_recovery_add_tests, called from test_txn.c). */
#include "models/registry.h"
#include "models/txn/txn.h"
#include <CUnit/CUnit.h>
#include <string.h>

typedef struct {
  SimTime at;
  int src, dst;
  const char *type; /* interned */
} Sent;

typedef struct {
  Sim *sim;
  int coord, p[3];
  GArray *sent; /* of Sent */
  GArray *ev;   /* of Sent: protocol events (src = emitting node, dst = -1) */
} Rig;

static void on_trace(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) sim;
  Rig *r = data;
  if ((ev->kind != SIM_TR_SEND && ev->kind != SIM_TR_EVENT) || !ev->msg)
    return;
  Sent s = { ev->time, ev->node, ev->kind == SIM_TR_SEND ? ev->peer : -1, g_intern_string(ev->msg->type) };
  g_array_append_val(ev->kind == SIM_TR_SEND ? r->sent : r->ev, s);
}

static void rig_add(Rig *r, const char *name, const char *model, const char *decision_timeout, int *id)
{
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "participants", "p1,p2,p3");
  if (decision_timeout)
    g_hash_table_insert(params, "decision_timeout", (gpointer) decision_timeout);
  *id = sim_add_node(r->sim, name, sim_registry_find(model), params, NULL);
  CU_ASSERT_TRUE_FATAL(*id >= 0);
}

/* A rig for `proto` ("2pc" | "3pc"); participants wait `decision_timeout`
 * (NULL: the default) before asking again. */
static void rig_init(Rig *r, const char *proto, const char *decision_timeout)
{
  r->sim = sim_new(11);
  r->sent = g_array_new(FALSE, FALSE, sizeof(Sent));
  r->ev = g_array_new(FALSE, FALSE, sizeof(Sent));
  sim_net_default(r->sim)->latency = (SimDist) { SIM_DIST_UNIFORM, 1 * SIM_MS, 5 * SIM_MS, 0 };
  g_autofree char *cm = g_strdup_printf("txn.%s.coordinator", proto);
  g_autofree char *pm = g_strdup_printf("txn.%s.participant", proto);
  rig_add(r, "coord", cm, NULL, &r->coord);
  rig_add(r, "p1", pm, decision_timeout, &r->p[0]);
  rig_add(r, "p2", pm, decision_timeout, &r->p[1]);
  rig_add(r, "p3", pm, decision_timeout, &r->p[2]);
  CU_ASSERT_TRUE_FATAL(sim_resolve_nodes(r->sim, NULL));
  sim_add_observer(r->sim, on_trace, r);
}

static void rig_free(Rig *r)
{
  sim_free(r->sim);
  g_array_unref(r->sent);
  g_array_unref(r->ev);
}

/* A participant record (key 3, value 42, all three participants). */
static void put_part(Rig *r, int node, const char *type, int64_t txn)
{
  SimMsg rec = sim_record(type);
  sim_msg_set(&rec, "txn", txn);
  sim_msg_set(&rec, "key", 3);
  sim_msg_set(&rec, "value", 42);
  sim_msg_set(&rec, "coord", r->coord);
  sim_msg_set(&rec, "client", -1);
  sim_msg_set(&rec, "mask", 7);
  sim_msg_set(&rec, "at", 0);
  sim_log_append(sim_node(r->sim, node), &rec, TRUE);
}

/* A coordinator record; forced or not as the coordinator writes it. */
static void put_coord(Rig *r, const char *type, int64_t txn)
{
  SimMsg rec = sim_record(type);
  sim_msg_set(&rec, "txn", txn);
  sim_msg_set(&rec, "mask", 7);
  sim_msg_set(&rec, "client", -1);
  sim_log_append(sim_node(r->sim, r->coord), &rec, TRUE);
}

/* How many `type` messages `src` (-1: anyone) sent in [from, to]. */
static guint sent(Rig *r, int src, const char *type, SimTime from, SimTime to)
{
  guint n = 0;
  for (guint i = 0; i < r->sent->len; i++) {
    const Sent *s = &g_array_index(r->sent, Sent, i);
    n += (src < 0 || s->src == src) && strcmp(s->type, type) == 0 && s->at >= from && s->at <= to;
  }
  return n;
}

static guint sent_any(Rig *r, int src)
{
  guint n = 0;
  for (guint i = 0; i < r->sent->len; i++)
    n += g_array_index(r->sent, Sent, i).src == src;
  return n;
}

static TxnPhase phase_of(Rig *r, int node, int64_t txn)
{
  SimNode *n = sim_node(r->sim, node);
  TxnPhase ph = TXN_PH_NONE;
  for (guint i = 0; i < sim_log_length(n); i++)
    if (sim_msg_get(sim_log_get(n, i), "txn", -1) == txn)
      ph = txn_phase_replay(ph, sim_log_get(n, i)->type);
  return ph;
}

static const char *last_coord_record(Rig *r)
{
  SimNode *co = sim_node(r->sim, r->coord);
  return sim_log_length(co) ? sim_log_get(co, sim_log_length(co) - 1)->type : "";
}

static double metric_or_0(Rig *r, const char *name)
{
  double v = 0;
  sim_metric_get(r->sim, name, &v);
  return v;
}

/* Participant with no record, or a decision (COMMIT, ABORT): it sends
 * nothing and holds no lock. */
static void test_part_no_record_or_decided(void)
{
  Rig r;
  rig_init(&r, "2pc", NULL);
  put_part(&r, r.p[1], TXN_REC_PREPARED, 1);
  put_part(&r, r.p[1], TXN_REC_COMMIT, 1);
  put_part(&r, r.p[2], TXN_REC_PREPARED, 1);
  put_part(&r, r.p[2], TXN_REC_ABORT, 1);
  sim_run(r.sim, 1 * SIM_S);
  for (int i = 0; i < 3; i++) {
    CU_ASSERT_EQUAL(sent_any(&r, r.p[i]), 0);
    CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[i])), 0);
  }
  CU_ASSERT_EQUAL(sent_any(&r, r.coord), 0);
  CU_ASSERT_EQUAL(phase_of(&r, r.p[0], 1), TXN_PH_NONE);
  CU_ASSERT_EQUAL(phase_of(&r, r.p[1], 1), TXN_PH_COMMITTED);
  CU_ASSERT_EQUAL(phase_of(&r, r.p[2], 1), TXN_PH_ABORTED);
  rig_free(&r);
}

/* Participant with PREPARED only: it takes its lock again, asks the
 * coordinator at once, and the coordinator (no record) answers ABORT. */
static void test_part_prepared(void)
{
  Rig r;
  rig_init(&r, "2pc", "1s");
  put_part(&r, r.p[0], TXN_REC_PREPARED, 1);
  sim_run(r.sim, 0);
  CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[0])), 1);
  CU_ASSERT_EQUAL(sent(&r, r.p[0], "DECISION-REQUEST", 0, 0), 1); /* not cooperative: only the coordinator */
  sim_run(r.sim, 500 * SIM_MS);
  CU_ASSERT_EQUAL(sent(&r, r.coord, "ABORT", 0, 20 * SIM_MS), 1);  /* presumed abort */
  CU_ASSERT_EQUAL(phase_of(&r, r.p[0], 1), TXN_PH_ABORTED);
  CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[0])), 0);
  rig_free(&r);
}

/* Coordinator with a BEGIN record only (never decided): on start it sends
 * ABORT to every participant of the transaction before anyone asks; the
 * prepared participant decides within a round trip. */
static void test_coord_begun(void)
{
  Rig r;
  rig_init(&r, "2pc", "1s");
  SimMsg rec = sim_record(TXN_REC_BEGIN);
  sim_msg_set(&rec, "txn", 5);
  sim_msg_set(&rec, "mask", 7);
  sim_msg_set(&rec, "client", -1);
  sim_log_append(sim_node(r.sim, r.coord), &rec, FALSE); /* as written: unforced, kept by a plain crash */
  put_part(&r, r.p[0], TXN_REC_PREPARED, 5);
  sim_run(r.sim, 0);
  CU_ASSERT_EQUAL(sent(&r, r.coord, "ABORT", 0, 0), 3);
  CU_ASSERT_EQUAL(metric_or_0(&r, "txn.coord_recovery_aborts"), 1);
  CU_ASSERT_STRING_EQUAL(last_coord_record(&r), TXN_REC_ABORT);
  sim_run(r.sim, 1 * SIM_S);
  CU_ASSERT_EQUAL(phase_of(&r, r.p[0], 5), TXN_PH_ABORTED);
  CU_ASSERT_EQUAL(sent(&r, r.coord, "ABORT", 0, 1 * SIM_S), 4); /* + the answer to p1's request */
  CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[0])), 0);
  rig_free(&r);
}

/* Coordinator with COMMIT but no END: it resends COMMIT to all, the
 * participants (prepared or already committed) acknowledge, END follows. */
static void test_coord_commit_no_end(void)
{
  Rig r;
  rig_init(&r, "2pc", "1s");
  put_coord(&r, TXN_REC_BEGIN, 2);
  put_coord(&r, TXN_REC_COMMIT, 2);
  for (int i = 0; i < 3; i++)
    put_part(&r, r.p[i], TXN_REC_PREPARED, 2);
  put_part(&r, r.p[2], TXN_REC_COMMIT, 2);
  sim_run(r.sim, 0);
  CU_ASSERT_EQUAL(sent(&r, r.coord, "COMMIT", 0, 0), 3);
  CU_ASSERT_EQUAL(metric_or_0(&r, "txn.coord_recovery_resends"), 1);
  sim_run(r.sim, 1 * SIM_S);
  for (int i = 0; i < 3; i++) {
    CU_ASSERT_EQUAL(phase_of(&r, r.p[i], 2), TXN_PH_COMMITTED);
    CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[i])), 0);
  }
  /* each COMMIT (the resend, the answers to p1's and p2's requests) is acked */
  CU_ASSERT_EQUAL(sent(&r, -1, "ACK", 0, 1 * SIM_S), sent(&r, r.coord, "COMMIT", 0, 1 * SIM_S));
  CU_ASSERT_EQUAL(sent(&r, r.p[0], "DECISION-REQUEST", 0, 0), 1);
  CU_ASSERT_STRING_EQUAL(last_coord_record(&r), TXN_REC_END);
  CU_ASSERT_EQUAL(sent(&r, r.coord, "COMMIT", 100 * SIM_MS, 1 * SIM_S), 0); /* all acked: no timed resend */
  rig_free(&r);
}

/* Coordinator with COMMIT and END: nothing left to do, nothing sent; a
 * later DECISION-REQUEST is answered COMMIT from the log. */
static void test_coord_commit_end(void)
{
  Rig r;
  rig_init(&r, "2pc", NULL);
  put_coord(&r, TXN_REC_BEGIN, 3);
  put_coord(&r, TXN_REC_COMMIT, 3);
  put_coord(&r, TXN_REC_END, 3);
  for (int i = 0; i < 3; i++) {
    put_part(&r, r.p[i], TXN_REC_PREPARED, 3);
    put_part(&r, r.p[i], TXN_REC_COMMIT, 3);
  }
  sim_run(r.sim, 1 * SIM_S);
  CU_ASSERT_EQUAL(r.sent->len, 0);
  CU_ASSERT_EQUAL(metric_or_0(&r, "txn.coord_recovery_resends") + metric_or_0(&r, "txn.coord_recovery_aborts"), 0);
  rig_free(&r);
}

/* 3PC participant with PRECOMMIT: it holds its lock and asks; a 3PC
 * coordinator with PRECOMMIT and no decision asks the participants and
 * adopts the outcome one of them holds (here p2 committed). */
static void test_3pc_precommit(void)
{
  Rig r;
  rig_init(&r, "3pc", "1s");
  put_coord(&r, TXN_REC_BEGIN, 4);
  put_coord(&r, TXN_REC_PRECOMMIT, 4);
  for (int i = 0; i < 3; i++) {
    put_part(&r, r.p[i], TXN_REC_PREPARED, 4);
    put_part(&r, r.p[i], TXN_REC_PRECOMMIT, 4);
  }
  put_part(&r, r.p[1], TXN_REC_COMMIT, 4);
  sim_run(r.sim, 0);
  CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[0])), 1);
  CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[1])), 0);
  CU_ASSERT(sent(&r, r.p[0], "DecisionReq", 0, 0) >= 1);
  CU_ASSERT_EQUAL(sent(&r, r.coord, "DecisionReq", 0, 0), 3);
  CU_ASSERT_EQUAL(sent(&r, r.coord, "Abort", 0, 0), 0); /* PRECOMMIT: never presumed abort */
  sim_run(r.sim, 1 * SIM_S);
  for (int i = 0; i < 3; i++)
    CU_ASSERT_EQUAL(phase_of(&r, r.p[i], 4), TXN_PH_COMMITTED);
  SimNode *co = sim_node(r.sim, r.coord);
  gboolean commit = FALSE;
  for (guint i = 0; i < sim_log_length(co); i++)
    commit |= txn_is(sim_log_get(co, i), TXN_REC_COMMIT);
  CU_ASSERT_TRUE(commit);
  CU_ASSERT_STRING_EQUAL(last_coord_record(&r), TXN_REC_END);
  rig_free(&r);
}

/* 3PC coordinator with BEGIN only: no PreCommit can have been sent (the
 * PRECOMMIT record is forced first), so it aborts at once like 2PC. */
static void test_3pc_begun(void)
{
  Rig r;
  rig_init(&r, "3pc", "1s");
  put_coord(&r, TXN_REC_BEGIN, 6);
  put_part(&r, r.p[0], TXN_REC_PREPARED, 6);
  sim_run(r.sim, 1 * SIM_S);
  CU_ASSERT_EQUAL(sent(&r, r.coord, "Abort", 0, 0), 3);
  CU_ASSERT_EQUAL(phase_of(&r, r.p[0], 6), TXN_PH_ABORTED);
  CU_ASSERT_EQUAL(sim_violations(r.sim, "atomicity"), 0);
  rig_free(&r);
}

/* ---- 3PC participant recovery from each log state (BHG ch. 7) ---- */

/* The trace events of type `type` emitted by `node` (-1: any). */
static guint events(Rig *r, int node, const char *type)
{
  guint n = 0;
  for (guint i = 0; i < r->ev->len; i++) {
    const Sent *s = &g_array_index(r->ev, Sent, i);
    n += (node < 0 || s->src == node) && strcmp(s->type, type) == 0;
  }
  return n;
}

/* No record, COMMIT or ABORT: nothing to ask, no lock, nothing sent, the
 * phase stays; the coordinator (down) is never needed. */
static void test_3pc_part_no_record_or_decided(void)
{
  Rig r;
  rig_init(&r, "3pc", NULL);
  put_part(&r, r.p[1], TXN_REC_PREPARED, 1);
  put_part(&r, r.p[1], TXN_REC_PRECOMMIT, 1);
  put_part(&r, r.p[1], TXN_REC_COMMIT, 1);
  put_part(&r, r.p[2], TXN_REC_PREPARED, 1);
  put_part(&r, r.p[2], TXN_REC_ABORT, 1);
  sim_crash(r.sim, r.coord);
  sim_run(r.sim, 1 * SIM_S);
  for (int i = 0; i < 3; i++) {
    CU_ASSERT_EQUAL(sent_any(&r, r.p[i]), 0);
    CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[i])), 0);
  }
  CU_ASSERT_EQUAL(phase_of(&r, r.p[0], 1), TXN_PH_NONE);
  CU_ASSERT_EQUAL(phase_of(&r, r.p[1], 1), TXN_PH_COMMITTED);
  CU_ASSERT_EQUAL(phase_of(&r, r.p[2], 1), TXN_PH_ABORTED);
  rig_free(&r);
}

/* PREPARED only (uncertain), everyone else down: p1 takes its lock, asks
 * the coordinator and both peers at once and every decision_timeout after,
 * and never elects itself (no StateReq, no term_start, no decision) — the
 * others may have decided while it was down. When p2 restarts with COMMIT
 * in its log, p1 adopts the commit within one request interval. */
static void test_3pc_part_uncertain_waits(void)
{
  Rig r;
  rig_init(&r, "3pc", NULL); /* decision_timeout 100 ms */
  put_part(&r, r.p[0], TXN_REC_PREPARED, 1);
  put_part(&r, r.p[1], TXN_REC_PREPARED, 1);
  put_part(&r, r.p[1], TXN_REC_PRECOMMIT, 1);
  put_part(&r, r.p[1], TXN_REC_COMMIT, 1);
  put_part(&r, r.p[2], TXN_REC_PREPARED, 1);
  put_part(&r, r.p[2], TXN_REC_PRECOMMIT, 1);
  put_part(&r, r.p[2], TXN_REC_COMMIT, 1);
  sim_crash(r.sim, r.coord);
  sim_crash(r.sim, r.p[1]);
  sim_crash(r.sim, r.p[2]);
  sim_run(r.sim, 0);
  CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[0])), 1);
  CU_ASSERT_EQUAL(sent(&r, r.p[0], "DecisionReq", 0, 0), 3); /* coordinator, p2, p3 */
  sim_run(r.sim, 2 * SIM_S);
  CU_ASSERT_EQUAL(sent(&r, r.p[0], "DecisionReq", 0, 2 * SIM_S), 3 * 21); /* at 0, 100 ms, ..., 2 s */
  CU_ASSERT_EQUAL(sent(&r, -1, "StateReq", 0, 2 * SIM_S), 0);
  CU_ASSERT_EQUAL(events(&r, r.p[0], "term_start"), 0);
  CU_ASSERT_EQUAL(phase_of(&r, r.p[0], 1), TXN_PH_UNCERTAIN);
  CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[0])), 1);
  sim_restart(r.sim, r.p[1]);
  sim_run(r.sim, 2 * SIM_S + 110 * SIM_MS);
  CU_ASSERT_EQUAL(sent(&r, r.p[1], "DoCommit", 2 * SIM_S, 2 * SIM_S + 110 * SIM_MS), 1); /* the answer */
  CU_ASSERT_EQUAL(phase_of(&r, r.p[0], 1), TXN_PH_COMMITTED);
  CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[0])), 0);
  CU_ASSERT_EQUAL(sim_violations(r.sim, "atomicity"), 0);
  rig_free(&r);
}

/* PREPARED only, the coordinator up with no record: it presumes abort, and
 * the peers (no record: never voted) abort unilaterally on the request. */
static void test_3pc_part_uncertain_presumed_abort(void)
{
  Rig r;
  rig_init(&r, "3pc", "1s");
  put_part(&r, r.p[0], TXN_REC_PREPARED, 1);
  sim_run(r.sim, 500 * SIM_MS);
  CU_ASSERT_EQUAL(sent(&r, r.p[0], "DecisionReq", 0, 0), 3);
  CU_ASSERT_EQUAL(sent(&r, r.coord, "Abort", 0, 20 * SIM_MS), 1);
  CU_ASSERT_EQUAL(sent(&r, r.p[1], "Abort", 0, 20 * SIM_MS), 1);
  CU_ASSERT_EQUAL(sent(&r, r.p[2], "Abort", 0, 20 * SIM_MS), 1);
  CU_ASSERT_EQUAL(sent(&r, -1, "StateReq", 0, 500 * SIM_MS), 0);
  for (int i = 0; i < 3; i++)
    CU_ASSERT_EQUAL(phase_of(&r, r.p[i], 1), TXN_PH_ABORTED);
  CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[0])), 0);
  rig_free(&r);
}

/* PRECOMMIT (committable), the coordinator down, the peers recovering
 * uncertain: nobody leads termination (no StateReq, no PreCommit), they
 * tell each other RecoveringState and keep asking, all hold their locks.
 * The coordinator's absence blocks them: it may have written COMMIT (it
 * commits on the ack timeout even without acks). */
static void test_3pc_part_committable_waits(void)
{
  Rig r;
  rig_init(&r, "3pc", NULL);
  for (int i = 0; i < 3; i++)
    put_part(&r, r.p[i], TXN_REC_PREPARED, 1);
  put_part(&r, r.p[0], TXN_REC_PRECOMMIT, 1);
  sim_crash(r.sim, r.coord);
  sim_run(r.sim, 2 * SIM_S);
  CU_ASSERT_EQUAL(sent(&r, -1, "StateReq", 0, 2 * SIM_S), 0);
  CU_ASSERT_EQUAL(sent(&r, -1, "PreCommit", 0, 2 * SIM_S), 0);
  CU_ASSERT(sent(&r, r.p[1], "RecoveringState", 0, 2 * SIM_S) >= 2);
  CU_ASSERT_EQUAL(events(&r, -1, "term_start"), 0);
  CU_ASSERT_EQUAL(phase_of(&r, r.p[0], 1), TXN_PH_PRECOMMITTED);
  CU_ASSERT_EQUAL(phase_of(&r, r.p[1], 1), TXN_PH_UNCERTAIN);
  CU_ASSERT_EQUAL(phase_of(&r, r.p[2], 1), TXN_PH_UNCERTAIN);
  for (int i = 0; i < 3; i++)
    CU_ASSERT_EQUAL(txn_participant_locks(sim_node(r.sim, r.p[i])), 1);
  rig_free(&r);
}

void txn_recovery_add_tests(CU_pSuite s);
void txn_recovery_add_tests(CU_pSuite s)
{
  CU_add_test(s, "recovery: participant with no record, COMMIT or ABORT", test_part_no_record_or_decided);
  CU_add_test(s, "recovery: participant with PREPARED", test_part_prepared);
  CU_add_test(s, "recovery: coordinator with BEGIN only aborts at once", test_coord_begun);
  CU_add_test(s, "recovery: coordinator with COMMIT, no END", test_coord_commit_no_end);
  CU_add_test(s, "recovery: coordinator with COMMIT and END", test_coord_commit_end);
  CU_add_test(s, "recovery: 3PC with PRECOMMIT at coordinator and participants", test_3pc_precommit);
  CU_add_test(s, "recovery: 3PC coordinator with BEGIN only", test_3pc_begun);
  CU_add_test(s, "recovery: 3PC participant with no record, COMMIT or ABORT", test_3pc_part_no_record_or_decided);
  CU_add_test(s, "recovery: 3PC participant uncertain, others down: asks and waits, never terminates", test_3pc_part_uncertain_waits);
  CU_add_test(s, "recovery: 3PC participant uncertain, coordinator presumes abort", test_3pc_part_uncertain_presumed_abort);
  CU_add_test(s, "recovery: 3PC participant with PRECOMMIT, coordinator down: blocks", test_3pc_part_committable_waits);
}
