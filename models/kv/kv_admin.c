/* kv.quorum.admin: the operator's decommission command as a node. Added by a
 * scenario with node() while the run goes on — at a time, after an event,
 * inside a timeline — it tells one kv.quorum server to leave the cluster:
 *   DECOMMISSION → the server (resent every `retry` until DECOMMISSION_ACK)
 * The server then leaves on its own (kv_membership.c): it hands its key
 * ranges to their new owners and announces LEAVE to every server and client.
 * This keeps the kernel out of it: a scenario already adds nodes at run
 * time, and the command travels over the simulated network like any other
 * message, so it can be delayed, lost or sent to a crashed node. */
#include "models/kv/kv.h"

enum { TIMER_RETRY = 1 };

typedef struct {
  int target;
  gboolean acked;
} KvAdmin;

static void admin_send(SimNode *node, KvAdmin *a)
{
  sim_send(node, a->target, sim_msg_new(node, "DECOMMISSION"));
  sim_timer_after(node, sim_node_param_duration(node, "retry"), TIMER_RETRY);
}

/* Validates `leave` (exactly one kv.quorum node; otherwise sim_fail) and
 * sends the first DECOMMISSION. */
static void admin_start(SimNode *node)
{
  Sim *sim = sim_node_sim(node);
  guint n = 0;
  const int *ids = sim_node_param_nodes(node, "leave", &n);
  if (n != 1 || sim_node_model(sim_node(sim, ids[0])) != &model_kv_quorum) {
    sim_fail(sim, "node '%s' (kv.quorum.admin): parameter 'leave' must name exactly one kv.quorum node",
             sim_node_name(node));
    return;
  }
  if (sim_node_param_duration(node, "retry") <= 0) {
    sim_fail(sim, "node '%s' (kv.quorum.admin): parameter 'retry' must be positive", sim_node_name(node));
    return;
  }
  KvAdmin *a = g_new0(KvAdmin, 1);
  a->target = ids[0];
  sim_node_set_data(node, a, g_free);
  admin_send(node, a);
}

static void admin_on_message(SimNode *node, const SimMsg *msg)
{
  KvAdmin *a = sim_node_data(node);
  if (a && g_str_equal(msg->type, "DECOMMISSION_ACK") && msg->src == a->target)
    a->acked = TRUE;
}

static void admin_on_timer(SimNode *node, uint64_t tag)
{
  KvAdmin *a = sim_node_data(node);
  if (a && tag == TIMER_RETRY && !a->acked)
    admin_send(node, a);
}

static const SimParamSpec admin_params[] = {
  { "leave", SIM_PARAM_NODES, "", "the kv.quorum server to decommission (exactly one)", 0, 0 },
  { "retry", SIM_PARAM_DURATION, "50ms", "resend DECOMMISSION this often until acknowledged", 0, 0 },
  { NULL },
};

const SimModel model_kv_quorum_admin = {
  .name = "kv.quorum.admin",
  .summary = "operator command: tells one kv.quorum server to leave (decommission), resent until acknowledged",
  .params = admin_params,
  .init = admin_start,
  .on_message = admin_on_message,
  .on_timer = admin_on_timer,
};
