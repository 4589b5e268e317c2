/* The cycle every lock client runs (see lock.h): the history operations,
 * the "cs"/"cs_end" records lock_check_finish reads, and the writes to the
 * protected resource. lock_client.c and models/zk/zk_lock.c decide when a
 * lock is granted and when the belief in it ends; this file keeps what
 * they do alike. */
#include "models/lock/lock.h"

void lock_cycle_init(SimNode *node, LockCycle *c)
{
  *c = (LockCycle) { 0 };
  guint n = 0;
  const int *res = sim_node_param_nodes(node, "resource", &n);
  c->resource = n > 0 ? res[0] : -1;
}

uint64_t lock_cycle_next(SimNode *node, LockCycle *c, uint64_t cycle_tag)
{
  if (c->queued_op) {
    uint64_t op = c->queued_op;
    c->queued_op = 0;
    return op;
  }
  int64_t count = sim_node_param_int(node, "count");
  if (sim_node_param_bool(node, "loop") && (count <= 0 || c->cycles < count))
    sim_timer_after(node, sim_node_param_duration(node, "think"), cycle_tag);
  return 0;
}

void lock_cycle_begin(SimNode *node, LockCycle *c, uint64_t op)
{
  SimTime deadline = sim_node_param_duration(node, "acquire_timeout");
  Sim *sim = sim_node_sim(node);
  c->cycles++;
  c->op = op ? op : sim_op_invoke(node, "acquire", NULL, NULL, sim_time_add_sat(deadline, deadline));
  c->op_started = sim_now(sim);
  sim_metric_add(sim, "acquire_attempts", 1);
}

void lock_cycle_granted(SimNode *node, LockCycle *c, int64_t token, SimTime end)
{
  Sim *sim = sim_node_sim(node);
  int64_t seq = 0;
  sim_durable_get(node, "cs_seq", &seq);
  c->seq = seq + 1;
  sim_durable_set(node, "cs_seq", c->seq);
  c->token = token;
  c->writes_done = 0;
  c->write_in_flight = c->release_due = FALSE;
  SimValue v = sim_value_int(token);
  sim_op_complete(node, c->op, SIM_OP_OK, &v);
  sim_metric_add(sim, "acquisitions", 1);
  sim_metric_sample(sim, "acquire_latency_ms", sim_time_to_seconds(sim_now(sim) - c->op_started) * 1e3);
  SimMsg rec = sim_record(LOCK_REC_CS);
  sim_msg_set(&rec, "seq", c->seq);
  sim_msg_set(&rec, "start", sim_now(sim));
  sim_msg_set(&rec, "end", end);
  sim_log_append(node, &rec, FALSE);
}

void lock_cycle_record_end(SimNode *node, const LockCycle *c, SimTime end)
{
  SimMsg rec = sim_record(LOCK_REC_CS_END);
  sim_msg_set(&rec, "seq", c->seq);
  sim_msg_set(&rec, "end", end);
  sim_log_append(node, &rec, FALSE);
}

void lock_cycle_send_write(SimNode *node, LockCycle *c, int64_t token, uint64_t lost_kind)
{
  c->write_req++;
  c->write_in_flight = TRUE;
  SimValue v = sim_value_int(c->write_req);
  c->write_op = sim_op_invoke(node, "write", NULL, &v, sim_node_param_duration(node, "write_timeout"));
  SimMsg *m = sim_msg_new(node, LOCK_WRITE);
  sim_msg_set(m, "req", c->write_req);
  sim_msg_set(m, "seq", c->seq);
  sim_msg_set(m, "token", token);
  sim_msg_set(m, "value", c->write_req);
  sim_send(node, c->resource, m);
  /* A lost write or answer must not hold the lock for ever. */
  sim_timer_after(node, sim_node_param_duration(node, "write_timeout"), ((uint64_t) c->write_req << 8) | lost_kind);
}

int lock_cycle_write_reply(const LockCycle *c, const SimMsg *msg)
{
  if (!c->write_in_flight || sim_msg_get(msg, "req", -1) != c->write_req)
    return -1;
  return sim_msg_get(msg, "ok", 0) ? SIM_OP_OK : SIM_OP_FAIL;
}

gboolean lock_cycle_write_lost(const LockCycle *c, uint64_t tag)
{
  return c->write_in_flight && (int64_t) (tag >> 8) == c->write_req;
}

void lock_cycle_write_done(SimNode *node, LockCycle *c, int outcome)
{
  c->write_in_flight = FALSE;
  c->writes_done++;
  if (outcome != SIM_OP_INFO) {
    SimValue v = sim_value_int(c->write_req);
    sim_op_complete(node, c->write_op, outcome, &v);
  }
}

gboolean lock_cycle_invoke(SimNode *node, LockCycle *c, uint64_t op, const char *f, gboolean usable, gboolean idle)
{
  if (strcmp(f, "acquire") != 0 || !usable || c->queued_op) {
    sim_op_complete(node, op, SIM_OP_FAIL, NULL);
    return FALSE;
  }
  if (idle)
    return TRUE;
  c->queued_op = op;
  return FALSE;
}
