/* The protected resource: a storage service that takes writes from lock
 * holders. With `fencing` on it remembers the highest fencing token it has
 * seen (durably) and rejects a write carrying a lower one — Kleppmann's
 * fix for a holder that lost its lock without knowing. Every decision is
 * logged as a "write" record for the checker. */
#include "models/lock/lock.h"

static void resource_on_message(SimNode *node, const SimMsg *msg)
{
  if (!lock_is(msg, LOCK_WRITE))
    return;
  Sim *sim = sim_node_sim(node);
  int64_t token = sim_msg_get(msg, "token", 0);
  int64_t highest = 0;
  sim_durable_get(node, "max_token", &highest);
  gboolean accept = !sim_node_param_bool(node, "fencing") || token >= highest;
  if (accept) {
    if (token > highest)
      sim_durable_set(node, "max_token", token);
    sim_metric_add(sim, "writes_accepted", 1);
  } else {
    sim_metric_add(sim, "stale_token_rejections", 1);
  }
  SimMsg rec = sim_record(LOCK_REC_WRITE);
  sim_msg_set(&rec, "client", msg->src);
  sim_msg_set(&rec, "seq", sim_msg_get(msg, "seq", -1));
  sim_msg_set(&rec, "at", sim_now(sim));
  sim_msg_set(&rec, "accepted", accept);
  sim_msg_set(&rec, "token", token);
  sim_log_append(node, &rec, FALSE);
  SimMsg *r = sim_msg_new(node, LOCK_WRITE_REPLY);
  sim_msg_set(r, "req", sim_msg_get(msg, "req", 0));
  sim_msg_set(r, "ok", accept);
  sim_send(node, msg->src, r);
}

static void resource_init(SimNode *node)
{
  /* Declared here so a run reports them even when nothing was rejected. */
  sim_metric_add(sim_node_sim(node), "stale_token_rejections", 0);
  sim_metric_add(sim_node_sim(node), "writes_accepted", 0);
}

static const SimParamSpec resource_params[] = {
  { "fencing", SIM_PARAM_BOOL, "false", "reject a write whose fencing token is lower than the highest seen", 0, 0 },
  { NULL },
};

const SimModel model_resource = {
  .name = "resource",
  .summary = "protected storage service taking lock holders' writes; optional fencing-token check",
  .params = resource_params,
  .init = resource_init,
  .on_restart = resource_init,
  .on_message = resource_on_message,
};

gboolean lock_is_resource_model(const SimModel *model) { return model == &model_resource; }
