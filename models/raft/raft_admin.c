/* raft.admin: the operator's membership command as a node (the pattern of
 * kv.quorum.admin). Added by a scenario while the run goes on, it asks the
 * Raft cluster `servers` to add or remove one server with the AddServer /
 * RemoveServer RPC of Ongaro's thesis (Stanford 2014, Figure 4.1), over
 * the simulated network like any client: a follower's NOT_LEADER answer
 * names the leader, which the admin asks at once, even a server outside
 * `servers` (after a change the leader may be a server added since, e.g.
 * the very server being added once its configuration entry is in the
 * logs: thesis §6.2, a server that is not the leader rejects the request
 * and supplies the most recent leader it knows); without an answer for
 * `retry` the request goes to the next server; TIMEOUT (the new server did
 * not catch up) and BUSY (another change in progress) are asked again
 * after `retry`. It stops at OK (or REFUSED: not a Raft server, or the
 * last member).
 *
 * Metrics: raft_admin_done (commands answered OK), raft_admin_ms (a series:
 * the time from the admin's start to its OK), raft_admin_refused, and the
 * answers asked again: raft_admin_timeouts, raft_admin_busy. */
#include "models/raft/raft.h"
#include <string.h>

enum { TIMER_RETRY = 1 };

typedef struct {
  RaftConfigChange change;
  int id;               /* the server added or removed */
  GArray *servers;      /* int: `servers`, then leaders learned from hints */
  guint target;         /* index into servers */
  guint redirects;      /* NOT_LEADER hops since the last timeout */
  gboolean done;
  gboolean stay;        /* the last answer came from the leader: ask it again */
  SimTime retry, started;
  SimTimerId timer;
} RaftAdmin;

static void admin_free(gpointer p)
{
  RaftAdmin *a = p;
  g_array_unref(a->servers);
  g_free(a);
}

static void admin_send(SimNode *node, RaftAdmin *a)
{
  SimMsg *m = sim_msg_new(node, a->change == RAFT_CONFIG_ADD ? "AddServer" : "RemoveServer");
  sim_msg_set(m, "id", a->id);
  sim_send(node, g_array_index(a->servers, int, a->target), m);
  sim_timer_cancel(node, a->timer);
  a->timer = sim_timer_after(node, a->retry, TIMER_RETRY);
}

/* Validates the parameters (exactly one of add and remove, naming one Raft
 * server; servers all Raft servers; retry positive: else sim_fail) and
 * sends the first request to a random server of `servers`. */
static void admin_start(SimNode *node)
{
  Sim *sim = sim_node_sim(node);
  const char *name = sim_node_name(node);
  guint nadd = 0, nremove = 0;
  const int *add = sim_node_param_nodes(node, "add", &nadd);
  const int *remove = sim_node_param_nodes(node, "remove", &nremove);
  if (nadd + nremove != 1 || !raft_is_server(sim, nadd ? add[0] : remove[0])) {
    sim_fail(sim, "node '%s' (raft.admin): give exactly one of 'add' and 'remove', naming one Raft server", name);
    return;
  }
  RaftAdmin *a = g_new0(RaftAdmin, 1);
  sim_node_set_data(node, a, admin_free);
  a->change = nadd ? RAFT_CONFIG_ADD : RAFT_CONFIG_REMOVE;
  a->id = nadd ? add[0] : remove[0];
  guint nservers = 0;
  const int *servers = sim_node_param_nodes(node, "servers", &nservers);
  a->servers = g_array_new(FALSE, FALSE, sizeof(int));
  g_array_append_vals(a->servers, servers, nservers);
  a->retry = sim_node_param_duration(node, "retry");
  a->started = sim_node_clock(node);
  if (nservers == 0) {
    sim_fail(sim, "node '%s' (raft.admin): parameter 'servers' names no server", name);
    return;
  }
  for (guint i = 0; i < nservers; i++)
    if (!raft_is_server(sim, servers[i])) {
      sim_fail(sim, "node '%s' (raft.admin): '%s' in 'servers' is not a Raft server", name,
               sim_node_name(sim_node(sim, servers[i])));
      return;
    }
  if (a->retry <= 0) {
    sim_fail(sim, "node '%s' (raft.admin): parameter 'retry' must be positive", name);
    return;
  }
  a->target = (guint) sim_rng_below(sim_node_rng(node), nservers);
  admin_send(node, a);
}

static int server_index(const RaftAdmin *a, int64_t id)
{
  for (guint i = 0; i < a->servers->len; i++)
    if (g_array_index(a->servers, int, i) == id)
      return (int) i;
  return -1;
}

/* The position of the leader a NOT_LEADER answer names, appended to the
 * servers asked when it is a Raft server the admin did not know; -1 when
 * the hint names none. */
static int learn_leader(SimNode *node, RaftAdmin *a, int64_t leader)
{
  int i = server_index(a, leader);
  if (i >= 0 || !raft_is_server(sim_node_sim(node), leader))
    return i;
  int id = (int) leader;
  g_array_append_val(a->servers, id);
  return (int) a->servers->len - 1;
}

static void admin_stop(SimNode *node, RaftAdmin *a)
{
  a->done = TRUE;
  sim_timer_cancel(node, a->timer);
  a->timer = 0;
}

static void admin_on_message(SimNode *node, const SimMsg *msg)
{
  RaftAdmin *a = sim_node_data(node);
  const char *want = a && a->change == RAFT_CONFIG_ADD ? "AddServerReply" : "RemoveServerReply";
  if (!a || a->done || strcmp(msg->type, want) != 0 || sim_msg_get(msg, "id", -1) != a->id)
    return;
  Sim *sim = sim_node_sim(node);
  switch (sim_msg_get(msg, "status", 0)) {
  case RAFT_MEMBERS_OK:
    admin_stop(node, a);
    sim_metric_add(sim, "raft_admin_done", 1);
    sim_metric_sample(sim, "raft_admin_ms", (double) (sim_node_clock(node) - a->started) / (double) SIM_MS);
    break;
  case RAFT_MEMBERS_REFUSED:
    admin_stop(node, a);
    sim_metric_add(sim, "raft_admin_refused", 1);
    sim_note(sim, "%s: %s refused to %s %s", sim_node_name(node), sim_node_name(sim_node(sim, msg->src)),
             a->change == RAFT_CONFIG_ADD ? "add" : "remove", sim_node_name(sim_node(sim, a->id)));
    break;
  case RAFT_MEMBERS_NOT_LEADER: {
    int hint = learn_leader(node, a, sim_msg_get(msg, "leader", -1));
    if (hint < 0 || hint == server_index(a, msg->src) || a->redirects >= 2 * a->servers->len)
      break; /* no leader known: the retry timer moves on */
    a->redirects++;
    a->target = (guint) hint;
    admin_send(node, a);
    break;
  }
  default:
    /* TIMEOUT or BUSY from the leader: the retry timer asks it again. */
    sim_metric_add(sim, sim_msg_get(msg, "status", 0) == RAFT_MEMBERS_BUSY ? "raft_admin_busy" : "raft_admin_timeouts", 1);
    if (server_index(a, msg->src) >= 0) {
      a->target = (guint) server_index(a, msg->src);
      a->stay = TRUE;
    }
    break;
  }
}

static void admin_on_timer(SimNode *node, uint64_t tag)
{
  RaftAdmin *a = sim_node_data(node);
  if (!a || a->done || tag != TIMER_RETRY)
    return;
  a->timer = 0;
  a->redirects = 0;
  if (!a->stay)
    a->target = (a->target + 1) % a->servers->len;
  a->stay = FALSE;
  admin_send(node, a);
}

static const SimParamSpec admin_params[] = {
  { "add", SIM_PARAM_NODES, "", "the Raft server to add (started with join = true); give this or remove", 0, 0 },
  { "remove", SIM_PARAM_NODES, "", "the Raft server to remove (the leader too: it steps down once the change commits)", 0, 0 },
  { "servers", SIM_PARAM_NODES, "", "the cluster's servers to ask, comma-separated", 0, 0 },
  { "retry", SIM_PARAM_DURATION, "100ms", "silence, TIMEOUT or BUSY after which the request goes again", 0, 0 },
  { NULL },
};

const SimModel model_raft_admin = {
  .name = "raft.admin",
  .summary = "operator command: asks a Raft cluster to add or remove one server (AddServer/RemoveServer), resent until answered OK",
  .params = admin_params,
  .init = admin_start,
  .on_message = admin_on_message,
  .on_timer = admin_on_timer,
};
