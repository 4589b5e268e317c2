/* The echo protocol: the smallest model that proves the kernel end to end.
 * A client sends PING(seq) to a server every `interval`; the server answers
 * PONG(seq); the client records each ping as an operation that is ok when
 * its PONG arrives and info when `timeout` passes first. A server whose
 * service model rejects overflow answers BUSY(seq), and the client records
 * that ping as failed. echo.source is an open-loop load that records
 * nothing, for capacity runs of millions of arrivals. */
#include "sim/kernel/model.h"

static const char *const PING = "PING";
static const char *const PONG = "PONG";
static const char *const BUSY = "BUSY";

/* Answers a PING(seq) with `type`(seq); ignores anything else. */
static void answer_ping(SimNode *node, const SimMsg *msg, const char *type)
{
  if (msg->type != PING && g_strcmp0(msg->type, PING) != 0)
    return;
  SimMsg *reply = sim_msg_new(node, type);
  sim_msg_set(reply, "seq", sim_msg_get(msg, "seq", 0));
  sim_send(node, msg->src, reply);
}

static void server_on_message(SimNode *node, const SimMsg *msg) { answer_ping(node, msg, PONG); }

/* With a service model whose overflow is "reject": a PING that finds the
 * queue full is answered BUSY(seq) at once, instead of being dropped. */
static void server_on_overload(SimNode *node, const SimMsg *msg) { answer_ping(node, msg, BUSY); }

static const SimParamSpec server_params[] = { { NULL } };

const SimModel model_echo_server = {
  .name = "echo.server",
  .summary = "answers every PING(seq) with PONG(seq)",
  .params = server_params,
  .on_message = server_on_message,
  .on_overload = server_on_overload,
};

typedef struct {
  int target;
  int64_t sent;
  GHashTable *ops; /* seq → op id */
} EchoClient;

static void client_free(gpointer p)
{
  EchoClient *c = p;
  g_hash_table_unref(c->ops);
  g_free(c);
}

static void send_ping(SimNode *node, EchoClient *c, uint64_t op)
{
  int64_t seq = ++c->sent;
  g_hash_table_insert(c->ops, GINT_TO_POINTER((int) seq), GSIZE_TO_POINTER((gsize) op));
  SimMsg *m = sim_msg_new(node, PING);
  sim_msg_set(m, "seq", seq);
  sim_send(node, c->target, m);
}

static void client_tick(SimNode *node, EchoClient *c)
{
  int64_t count = sim_node_param_int(node, "count");
  if (count > 0 && c->sent >= count)
    return;
  SimValue v = sim_value_int(c->sent + 1);
  uint64_t op = sim_op_invoke(node, "ping", NULL, &v, sim_node_param_duration(node, "timeout"));
  send_ping(node, c, op);
  sim_timer_after(node, sim_node_param_duration(node, "interval"), 0);
}

static void client_init(SimNode *node)
{
  EchoClient *c = g_new0(EchoClient, 1);
  guint n = 0;
  const int *targets = sim_node_param_nodes(node, "target", &n);
  c->target = n > 0 ? targets[0] : 0;
  c->ops = g_hash_table_new(g_direct_hash, g_direct_equal);
  sim_node_set_data(node, c, client_free);
  if (sim_node_param_duration(node, "interval") > 0)
    sim_timer_after(node, sim_node_param_duration(node, "interval"), 0);
}

static void client_on_timer(SimNode *node, uint64_t tag)
{
  (void) tag;
  client_tick(node, sim_node_data(node));
}

static void client_on_message(SimNode *node, const SimMsg *msg)
{
  EchoClient *c = sim_node_data(node);
  gpointer op = NULL;
  int seq = (int) sim_msg_get(msg, "seq", -1);
  if (!g_hash_table_lookup_extended(c->ops, GINT_TO_POINTER(seq), NULL, &op))
    return;
  g_hash_table_remove(c->ops, GINT_TO_POINTER(seq));
  SimValue v = sim_value_int(seq);
  /* BUSY: the server shed the ping; it was surely not served. */
  gboolean busy = msg->type == BUSY || g_strcmp0(msg->type, BUSY) == 0;
  sim_op_complete(node, GPOINTER_TO_SIZE(op), busy ? SIM_OP_FAIL : SIM_OP_OK, &v);
}

static void client_on_invoke(SimNode *node, uint64_t op, const char *f,
                             const SimValue *key, const SimValue *value)
{
  (void) f; (void) key; (void) value;
  send_ping(node, sim_node_data(node), op);
}

static const SimParamSpec client_params[] = {
  { "target", SIM_PARAM_NODES, "", "the echo server to ping", 0, 0 },
  { "interval", SIM_PARAM_DURATION, "100ms", "time between pings; 0 = only when a workload asks", 0, 0 },
  { "timeout", SIM_PARAM_DURATION, "1s", "a ping without PONG by then is recorded as info", 0, 0 },
  { "count", SIM_PARAM_INT, "0", "stop after this many pings; 0 = no limit", 0, 0 },
  { NULL },
};

static const char *const client_ops[] = { "ping", NULL };

const SimModel model_echo_client = {
  .name = "echo.client",
  .summary = "sends PING to a server periodically and records each as an operation",
  .params = client_params,
  .init = client_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_invoke = client_on_invoke,
  .ops = client_ops,
};

/* bench.forward: every message received is forwarded to a random node until
 * its hop budget runs out. Drives the pingpong benchmark through the real
 * network path. */
static void forward_on_message(SimNode *node, const SimMsg *msg)
{
  int64_t hops = sim_msg_get(msg, "hops", 0);
  if (hops <= 0)
    return;
  Sim *sim = sim_node_sim(node);
  SimMsg *next = sim_msg_new(node, msg->type);
  sim_msg_set(next, "hops", hops - 1);
  sim_send(node, (int) sim_rng_below(sim_node_rng(node), sim_node_count(sim)), next);
}

static void forward_init(SimNode *node)
{
  int64_t hops = sim_node_param_int(node, "hops");
  if (hops <= 0)
    return;
  SimMsg *m = sim_msg_new(node, "HOP");
  sim_msg_set(m, "hops", hops);
  Sim *sim = sim_node_sim(node);
  sim_send(node, (int) sim_rng_below(sim_node_rng(node), sim_node_count(sim)), m);
}

static const SimParamSpec forward_params[] = {
  { "hops", SIM_PARAM_INT, "0", "hops of the message this node starts with; 0 = none", 0, 0 },
  { NULL },
};

const SimModel model_bench_forward = {
  .name = "bench.forward",
  .summary = "forwards every message to a random node until its hop budget is spent",
  .params = forward_params,
  .init = forward_init,
  .on_message = forward_on_message,
};

/* echo.source: an open-loop Poisson load for capacity experiments. It sends
 * PING(seq) to its target at exponentially spaced times (mean 1/rate) from
 * `start` until `stop` on its clock, and records no operations, so a run of
 * millions of arrivals keeps no history: the server's own service figures
 * (service_stats) measure what happened. Replies are ignored. */
typedef struct {
  int target;
  int64_t seq;
  SimTime mean_gap;
} EchoSource;

static void source_next(SimNode *node, EchoSource *s)
{
  double gap = sim_rng_exponential(sim_node_rng(node), (double) s->mean_gap);
  sim_timer_after(node, sim_time_from_ns_double(gap), 0);
}

static void source_init(SimNode *node)
{
  EchoSource *s = g_new0(EchoSource, 1);
  guint n = 0;
  const int *targets = sim_node_param_nodes(node, "target", &n);
  if (n == 0) {
    sim_fail(sim_node_sim(node), "echo.source '%s': parameter 'target' names no node", sim_node_name(node));
    g_free(s);
    return;
  }
  s->target = targets[0];
  s->mean_gap = sim_time_from_ns_double(1e9 / sim_node_param_double(node, "rate"));
  sim_node_set_data(node, s, g_free);
  SimTime start = sim_node_param_duration(node, "start");
  SimTime clock = sim_node_clock(node);
  if (start > clock)
    sim_timer_after(node, start - clock, 1);
  else
    source_next(node, s);
}

static void source_on_timer(SimNode *node, uint64_t tag)
{
  EchoSource *s = sim_node_data(node);
  SimTime stop = sim_node_param_duration(node, "stop");
  if (stop > 0 && sim_node_clock(node) >= stop)
    return;
  if (tag == 0) {
    SimMsg *m = sim_msg_new(node, PING);
    sim_msg_set(m, "seq", ++s->seq);
    sim_send(node, s->target, m);
  }
  source_next(node, s);
}

static const SimParamSpec source_params[] = {
  { "target", SIM_PARAM_NODES, "", "the server to load", 0, 0 },
  { "rate", SIM_PARAM_DOUBLE, "100", "mean arrivals per second (Poisson)", 1e-6, 1e9 },
  { "start", SIM_PARAM_DURATION, "0", "first arrival after this time on the node's clock", 0, 0 },
  { "stop", SIM_PARAM_DURATION, "0", "no arrival from this time on; 0 = never stop", 0, 0 },
  { NULL },
};

const SimModel model_echo_source = {
  .name = "echo.source",
  .summary = "sends PING to a server at Poisson arrivals of `rate` per second; records no operations",
  .params = source_params,
  .init = source_init,
  .on_timer = source_on_timer,
};
