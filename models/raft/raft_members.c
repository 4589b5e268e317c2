/* The leader's side of single-server membership changes (Ongaro's thesis,
 * Stanford 2014, Figure 4.1 and §4.1-§4.2): the AddServer and
 * RemoveServer RPCs, sent by the operator (raft.admin).
 *
 * AddServer {id}: a follower answers NOT_LEADER with the leader it knows.
 * The leader first catches the new server up (§4.2.1): it replicates to
 * it without counting it, in rounds, each round ending when the new
 * server holds the leader's log as it was when the round began; after a
 * round shorter than the minimum election timeout the server is close
 * enough, so adding it cannot leave the cluster unable to commit for long.
 * After `catchup_rounds` longer rounds, or an election timeout without
 * progress, the leader answers TIMEOUT and stops (the operator may ask
 * again: the server keeps what it received). Then, once the previous
 * configuration is committed and an entry of the leader's term is
 * (raft_config_may_change), the leader appends the configuration entry;
 * it takes effect at once, and the leader answers OK when it commits.
 * RemoveServer {id}: the same without the catching up; a leader that
 * removes itself keeps leading (without counting itself) until the entry
 * commits, then steps down (§4.2.2: raft_server.c does that).
 *
 * One change at a time: a request for another change meanwhile is
 * answered BUSY; the same request again joins the one in progress. A
 * request already satisfied by the latest configuration is answered OK
 * once that configuration is committed, so a resent request after a
 * leader change is answered by the new leader. */
#include "models/raft/raft.h"
#include <string.h>

typedef enum { PHASE_IDLE, PHASE_CATCHUP, PHASE_WAIT, PHASE_COMMIT } Phase;

struct RaftMembers {
  RaftServer *server;
  Phase phase;
  RaftConfigChange change;
  int id;                  /* the server added or removed */
  GArray *admins;          /* int: who asked, answered at the end */
  /* Catching up (§4.2.1), on the leader's local clock */
  guint round;
  int64_t round_end;       /* the leader's last index when the round began */
  SimTime round_start;
  SimTime progress_at;     /* the new server's matchIndex last grew */
  int64_t progress_match;
  int64_t config_index;    /* PHASE_COMMIT: the entry answered at commit */
  gboolean appended;       /* this leader appended it (counted as a change) */
};

RaftMembers *raft_members_new(RaftServer *server)
{
  RaftMembers *m = g_new0(RaftMembers, 1);
  m->server = server;
  m->id = -1;
  m->admins = g_array_new(FALSE, FALSE, sizeof(int));
  return m;
}

void raft_members_free(RaftMembers *m)
{
  if (!m)
    return;
  g_array_unref(m->admins);
  g_free(m);
}

gboolean raft_members_handles(const char *type)
{
  return strcmp(type, "AddServer") == 0 || strcmp(type, "RemoveServer") == 0;
}

int raft_members_learner(const RaftMembers *m)
{
  if (m->change == RAFT_CONFIG_ADD && (m->phase == PHASE_CATCHUP || m->phase == PHASE_WAIT))
    return m->id;
  return -1;
}

static void reply(SimNode *node, int to, RaftConfigChange change, int id, int status, int leader)
{
  SimMsg *r = sim_msg_new(node, change == RAFT_CONFIG_ADD ? "AddServerReply" : "RemoveServerReply");
  sim_msg_set(r, "id", id);
  sim_msg_set(r, "status", status);
  sim_msg_set(r, "leader", leader);
  sim_send(node, to, r);
}

/* Forgets the change in progress. */
static void reset(RaftMembers *m)
{
  g_array_set_size(m->admins, 0);
  m->phase = PHASE_IDLE;
  m->id = -1;
  m->change = 0;
  m->appended = FALSE;
}

/* Answers everyone who asked for the change in progress and forgets it. */
static void finish(SimNode *node, RaftMembers *m, int status)
{
  for (guint i = 0; i < m->admins->len; i++)
    reply(node, g_array_index(m->admins, int, i), m->change, m->id, status, sim_node_id(node));
  reset(m);
}

static void add_admin(RaftMembers *m, int admin)
{
  for (guint i = 0; i < m->admins->len; i++)
    if (g_array_index(m->admins, int, i) == admin)
      return;
  g_array_append_val(m->admins, admin);
}

/* PHASE_WAIT: appends the configuration entry once allowed. */
static void try_append(SimNode *node, RaftMembers *m)
{
  if (m->phase != PHASE_WAIT)
    return;
  RaftServer *s = m->server;
  if (!raft_config_may_change(raft_server_config(s), raft_server_state(s)))
    return;
  RaftEntry e = raft_config_entry(m->change, m->id);
  /* The entry may commit inside propose (a one-server configuration):
   * on_commit must already know what it waits for. */
  m->phase = PHASE_COMMIT;
  m->appended = TRUE;
  m->config_index = raft_last_index(raft_server_state(s)) + 1;
  sim_metric_add(sim_node_sim(node), "raft_config_entries", 1);
  raft_server_propose(node, s, e.cmd);
}

/* Ends a catching-up round that finished now. */
static void round_done(SimNode *node, RaftMembers *m)
{
  RaftServer *s = m->server;
  SimTime now = sim_node_clock(node);
  sim_metric_add(sim_node_sim(node), "raft_catchup_rounds", 1);
  if (now - m->round_start < raft_server_election_min(s)) {
    m->phase = PHASE_WAIT;
    try_append(node, m);
    return;
  }
  if (m->round >= (guint) sim_node_param_int(node, "catchup_rounds")) {
    sim_metric_add(sim_node_sim(node), "raft_catchup_timeouts", 1);
    finish(node, m, RAFT_MEMBERS_TIMEOUT);
    return;
  }
  m->round++;
  m->round_start = now;
  m->round_end = raft_last_index(raft_server_state(s));
}

gboolean raft_is_server(Sim *sim, int64_t id)
{
  if (id < 0 || id >= (int64_t) sim_node_count(sim))
    return FALSE;
  const SimModel *model = sim_node_model(sim_node(sim, (int) id));
  return model && model->on_message == raft_server_on_message;
}

void raft_members_on_request(SimNode *node, RaftMembers *m, const SimMsg *msg)
{
  RaftServer *s = m->server;
  RaftConfigChange change = strcmp(msg->type, "AddServer") == 0 ? RAFT_CONFIG_ADD : RAFT_CONFIG_REMOVE;
  int64_t id64 = sim_msg_get(msg, "id", -1);
  int id = id64 >= 0 && id64 <= G_MAXINT ? (int) id64 : -1;
  if (raft_server_role(s) != RAFT_LEADER) {
    reply(node, msg->src, change, id, RAFT_MEMBERS_NOT_LEADER, raft_server_leader(s));
    return;
  }
  const RaftConfig *c = raft_server_config(s);
  const RaftState *st = raft_server_state(s);
  if (!raft_is_server(sim_node_sim(node), id64)
      || (change == RAFT_CONFIG_REMOVE && raft_config_has(c, id) && raft_config_size(c) == 1)) {
    reply(node, msg->src, change, id, RAFT_MEMBERS_REFUSED, sim_node_id(node));
    return;
  }
  if (m->phase != PHASE_IDLE) {
    if (m->change == change && m->id == id)
      add_admin(m, msg->src);
    else
      reply(node, msg->src, change, id, RAFT_MEMBERS_BUSY, sim_node_id(node));
    return;
  }
  gboolean done = (change == RAFT_CONFIG_ADD) == raft_config_has(c, id);
  m->change = change;
  m->id = id;
  add_admin(m, msg->src);
  if (done) {
    /* Already so in the latest configuration: answered once it commits. */
    m->phase = PHASE_COMMIT;
    m->config_index = c->index;
    raft_members_on_commit(node, m);
    return;
  }
  if (change == RAFT_CONFIG_REMOVE || id == sim_node_id(node)) {
    /* Nothing to catch up: a removal, or the leader adding itself back. */
    m->phase = PHASE_WAIT;
    try_append(node, m);
    return;
  }
  SimTime now = sim_node_clock(node);
  m->phase = PHASE_CATCHUP;
  m->round = 1;
  m->round_start = m->progress_at = now;
  m->round_end = raft_last_index(st);
  raft_server_track(node, s, id);
  m->progress_match = raft_server_match(s, id);
  raft_members_on_match(node, m, id, m->progress_match);
}

void raft_members_on_match(SimNode *node, RaftMembers *m, int id, int64_t match)
{
  if (m->phase != PHASE_CATCHUP || id != m->id)
    return;
  if (match > m->progress_match) {
    m->progress_match = match;
    m->progress_at = sim_node_clock(node);
  }
  if (match >= m->round_end)
    round_done(node, m);
}

void raft_members_on_commit(SimNode *node, RaftMembers *m)
{
  if (m->phase == PHASE_WAIT) {
    try_append(node, m);
  } else if (m->phase == PHASE_COMMIT && raft_server_state(m->server)->commitIndex >= m->config_index) {
    if (m->appended)
      sim_metric_add(sim_node_sim(node), "raft_config_changes", 1);
    finish(node, m, RAFT_MEMBERS_OK);
  }
}

void raft_members_on_tick(SimNode *node, RaftMembers *m)
{
  SimTime now = sim_node_clock(node), et = raft_server_election_min(m->server);
  /* No progress for an election timeout, or the last round already too
   * long to be the short one (Figure 4.1): TIMEOUT. */
  if (m->phase == PHASE_CATCHUP
      && (now - m->progress_at >= et
          || (m->round >= (guint) sim_node_param_int(node, "catchup_rounds") && now - m->round_start >= et))) {
    sim_metric_add(sim_node_sim(node), "raft_catchup_timeouts", 1);
    finish(node, m, RAFT_MEMBERS_TIMEOUT);
  } else {
    raft_members_on_commit(node, m);
  }
}

void raft_members_on_lost_leadership(RaftMembers *m) { reset(m); }
