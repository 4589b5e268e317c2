/* zk.election: ZooKeeper's leader-election recipe (recipes page, "Leader
 * Election") as a client model. Each candidate creates an
 * EPHEMERAL|SEQUENTIAL child of /dir; the one with the smallest sequence
 * number leads; every other one watches only the next smaller child (no
 * herd) and re-reads the children when it goes: the queue of zk_queue.c.
 *
 * What a candidate believes: it leads from the moment its child is first
 * until it resigns (after `lead`, if set), learns its session expired,
 * crashes, or finds its session disconnected at one of its periodic
 * checks (every `work`: a leader that cannot reach the ensemble cannot
 * know its child still exists, so it steps down, as Apache Curator's
 * leader recipes do on a connection loss). A leader frozen in a pause longer than the session
 * timeout cannot check: it still believes while the ensemble has deleted
 * its child and a successor leads.
 *
 * Records: "lead" {seq, start, token} when a candidate starts to lead and
 * "lead_end" {seq, end} when its belief ends, in its durable log. The
 * finish hook checks invariant `single_leader` (no two candidates believe
 * they lead at the same real time) with the lock family's overlap
 * checker. Events: zk_leader {seq, token} (token = the child's czxid) and
 * zk_leader_end {seq, why} (1 resigned, 2 session expired, 3
 * disconnected). */
#include "models/zk/zk_queue.h"
#include "sim/check/check_lock.h"
#include <string.h>

#define ZE_REC_LEAD "lead"
#define ZE_REC_LEAD_END "lead_end"

enum { T_JOIN = 1, T_CHECK, T_RESIGN };
enum { WHY_RESIGNED = 1, WHY_EXPIRED, WHY_DISCONNECTED };

typedef struct {
  ZkSession *session;
  ZkQueue q;
  gboolean leading;
  int64_t seq;
  SimTimerId t_check, t_resign;
} ZkElection;

static ZkElection *ze(SimNode *node) { return sim_node_data(node); }

static void ze_free(gpointer p)
{
  ZkElection *c = p;
  zk_session_free(c->session);
  g_free(c);
}

static void ze_join(SimNode *node, ZkElection *c)
{
  if (!zk_queue_active(&c->q))
    zk_queue_enter(node, &c->q);
}

/* The queue's callback: our child is the smallest, we lead. */
static void became_leader(SimNode *node, ZkQueue *q, void *ud)
{
  ZkElection *c = ud;
  Sim *sim = sim_node_sim(node);
  int64_t seq = 0;
  sim_durable_get(node, "lead_seq", &seq);
  c->seq = seq + 1;
  sim_durable_set(node, "lead_seq", c->seq);
  c->leading = TRUE;
  SimMsg rec = sim_record(ZE_REC_LEAD);
  sim_msg_set(&rec, "seq", c->seq);
  sim_msg_set(&rec, "start", sim_now(sim));
  sim_msg_set(&rec, "token", q->czxid);
  sim_log_append(node, &rec, FALSE);
  SimMsg ev = sim_record("zk_leader");
  sim_msg_set(&ev, "seq", c->seq);
  sim_msg_set(&ev, "token", q->czxid);
  sim_emit(node, &ev);
  sim_metric_add(sim, "leader_terms", 1);
  c->t_check = sim_timer_after(node, sim_node_param_duration(node, "work"), T_CHECK);
  SimTime lead = sim_node_param_duration(node, "lead");
  if (lead > 0)
    c->t_resign = sim_timer_after(node, lead, T_RESIGN);
}

/* The belief ends now; the candidate leaves the queue and, unless it
 * crashed, stands again after `think`. */
static void step_down(SimNode *node, ZkElection *c, int why)
{
  if (!c->leading)
    return;
  c->leading = FALSE;
  sim_timer_cancel(node, c->t_check);
  sim_timer_cancel(node, c->t_resign);
  c->t_check = c->t_resign = 0;
  SimMsg rec = sim_record(ZE_REC_LEAD_END);
  sim_msg_set(&rec, "seq", c->seq);
  sim_msg_set(&rec, "end", sim_now(sim_node_sim(node)));
  sim_log_append(node, &rec, FALSE);
  SimMsg ev = sim_record("zk_leader_end");
  sim_msg_set(&ev, "seq", c->seq);
  sim_msg_set(&ev, "why", why);
  sim_emit(node, &ev);
  if (zk_queue_active(&c->q))
    zk_queue_leave(node, &c->q);
  sim_timer_after(node, sim_node_param_duration(node, "think"), T_JOIN);
}

static void on_connected(SimNode *node, ZkSession *s, void *ud)
{
  (void) s;
  zk_queue_on_connected(node, &((ZkElection *) ud)->q);
}

static void on_expired(SimNode *node, ZkSession *s, void *ud)
{
  ZkElection *c = ud;
  gboolean was_contending = zk_queue_active(&c->q) && !c->leading;
  zk_queue_on_expired(&c->q);
  zk_session_restart(s);
  if (c->leading)
    step_down(node, c, WHY_EXPIRED);
  else if (was_contending)
    zk_queue_enter(node, &c->q);
}

static void on_result(SimNode *node, ZkSession *s, uint64_t tag, const ZkResult *res, void *ud)
{
  (void) s;
  zk_queue_on_result(node, &((ZkElection *) ud)->q, tag, res);
}

static void on_watch(SimNode *node, ZkSession *s, int event, ZkPath path, void *ud)
{
  (void) s;
  zk_queue_on_watch(node, &((ZkElection *) ud)->q, event, path);
}

static const ZkSessionCallbacks callbacks = { on_connected, on_expired, on_result, on_watch };

static void ze_on_message(SimNode *node, const SimMsg *msg)
{
  ZkElection *c = ze(node);
  if (c)
    zk_session_on_message(c->session, msg);
}

static void ze_on_timer(SimNode *node, uint64_t tag)
{
  ZkElection *c = ze(node);
  if (!c || zk_session_on_timer(c->session, tag))
    return;
  switch ((int) tag) {
  case T_JOIN:
    ze_join(node, c);
    break;
  case T_CHECK:
    c->t_check = 0;
    if (!c->leading)
      break;
    if (!zk_session_connected(c->session))
      step_down(node, c, WHY_DISCONNECTED);
    else
      c->t_check = sim_timer_after(node, sim_node_param_duration(node, "work"), T_CHECK);
    break;
  case T_RESIGN:
    c->t_resign = 0;
    step_down(node, c, WHY_RESIGNED);
    break;
  }
}

static void ze_init(SimNode *node)
{
  guint nservers = 0;
  const int *servers = sim_node_param_nodes(node, "servers", &nservers);
  Sim *sim = sim_node_sim(node);
  sim_metric_add(sim, "leader_terms", 0);
  sim_metric_add(sim, ZK_METRIC_RECIPE_MESSAGES, 0);
  if (nservers == 0) {
    sim_fail(sim, "node '%s' (zk.election): parameter 'servers' names no zk.server", sim_node_name(node));
    return;
  }
  ZkElection *c = g_new0(ZkElection, 1);
  c->session = zk_session_new(node, servers, nservers, sim_node_param_duration(node, "session_timeout"), &callbacks, c);
  zk_queue_init(&c->q, c->session, sim_node_param_int(node, "dir"), ZK_QUEUE_PREDECESSOR, became_leader, c);
  sim_node_set_data(node, c, ze_free);
  sim_timer_after(node, sim_node_param_duration(node, "start"), T_JOIN);
}

static void ze_on_crash(SimNode *node)
{
  ZkElection *c = ze(node);
  if (c && c->leading) {
    SimMsg rec = sim_record(ZE_REC_LEAD_END);
    sim_msg_set(&rec, "seq", c->seq);
    sim_msg_set(&rec, "end", sim_now(sim_node_sim(node)));
    sim_log_append(node, &rec, FALSE);
  }
}

/* Reads one candidate's "lead" and "lead_end" records into `out`; a term
 * still open at the end lasts until `now`. */
static void collect_terms(SimNode *node, SimTime now, GArray *out)
{
  guint first = out->len;
  for (guint i = 0; i < sim_log_length(node); i++) {
    const SimMsg *r = sim_log_get(node, i);
    int64_t seq = sim_msg_get(r, "seq", -1);
    if (strcmp(r->type, ZE_REC_LEAD) == 0) {
      CheckLockInterval iv = { sim_node_id(node), seq, sim_msg_get(r, "start", 0), now };
      g_array_append_val(out, iv);
    } else if (strcmp(r->type, ZE_REC_LEAD_END) == 0) {
      for (guint k = first; k < out->len; k++) {
        CheckLockInterval *iv = &g_array_index(out, CheckLockInterval, k);
        if (iv->seq == seq)
          iv->end = MIN(iv->end, sim_msg_get(r, "end", iv->end));
      }
    }
  }
}

/* The overlap checker speaks of a lock; here the lock is leadership. */
static void report_two_leaders(SimTime at, const char *what, void *data)
{
  g_autofree char *s = g_strdup(what);
  if (g_str_has_suffix(s, " both held the lock"))
    s[strlen(s) - strlen(" both held the lock")] = '\0';
  sim_violation_at(data, "single_leader", at, "%s both believed they led", s);
}

static void ze_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  g_autoptr(GArray) iv = g_array_new(FALSE, FALSE, sizeof(CheckLockInterval));
  for (guint i = 0; i < count; i++)
    collect_terms(nodes[i], sim_now(sim), iv);
  sim_invariant_declare(sim, "single_leader");
  guint n = sim_node_count(sim);
  g_autofree const char **names = g_new0(const char *, n);
  for (guint i = 0; i < n; i++)
    names[i] = sim_node_name(sim_node(sim, (int) i));
  CheckLockSink sink = { report_two_leaders, sim, names, n };
  sim_metric_set(sim, "leader_overlaps", (double) check_lock_overlaps((CheckLockInterval *) iv->data, iv->len, &sink));
}

static const SimParamSpec ze_params[] = {
  { "servers", SIM_PARAM_NODES, "", "the zk.server ensemble", 0, 0 },
  { "session_timeout", SIM_PARAM_DURATION, "1s", "the session timeout asked of the servers", 0, 0 },
  { "dir", SIM_PARAM_INT, "1", "the election node: /dir (its children are the candidates)", 1, 2147483647 },
  { "work", SIM_PARAM_DURATION, "50ms", "a leader checks its session is connected this often", 0.001, 3600 },
  { "lead", SIM_PARAM_DURATION, "0", "resign after leading this long; 0 = lead until failure", 0, 0 },
  { "think", SIM_PARAM_DURATION, "200ms", "stand again this long after stepping down", 0, 0 },
  { "start", SIM_PARAM_DURATION, "0", "stand for election this long after start", 0, 0 },
  { NULL },
};

const SimModel model_zk_election = {
  .name = "zk.election",
  .summary = "ZooKeeper leader election recipe: smallest ephemeral sequential child leads; invariant single_leader",
  .params = ze_params,
  .init = ze_init,
  .on_message = ze_on_message,
  .on_timer = ze_on_timer,
  .on_crash = ze_on_crash,
  .finish = ze_finish,
};
