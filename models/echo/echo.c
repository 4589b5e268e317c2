/* The echo protocol: the smallest model that proves the kernel end to end.
 * A client sends PING(seq) to a server every `interval`; the server answers
 * PONG(seq); the client records each ping as an operation that is ok when
 * its PONG arrives and info when `timeout` passes first. A server whose
 * service model rejects overflow answers BUSY(seq), and the client records
 * that ping as failed. The client may retry (on_retry), spread pings over
 * several servers and eject failing ones (see the client below).
 * echo.source is an open-loop load that records
 * nothing, for capacity runs of millions of arrivals. */
#include "sim/kernel/model.h"
#include "sim/kernel/retry.h"

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

/* The client. `target` may name several servers: each ping (and each
 * retry) goes to one of them chosen uniformly at random among those not
 * ejected, from the node's own stream; with one target nothing is drawn.
 *
 * Retries (sim/kernel/retry.h): on_retry sends a new PING, with a new seq,
 * for the same op; a PONG to any of the op's pings completes it.
 *
 * Outlier ejection, after Envoy's consecutive-failure outlier detection
 * (envoyproxy.io, "Outlier detection": consecutive_5xx,
 * base_ejection_time): a target that gives `eject_after` failures in a row
 * is left out of the choice for `eject_for` on the client's clock. A
 * failure is a BUSY reply, or an attempt that timed out, which the client
 * learns when on_retry is called for that op; a PONG resets the count.
 * With a single target there is nothing to eject. When every target is
 * ejected the client uses them all (Envoy's panic
 * threshold, at its simplest). Unlike Envoy the ejection time does not grow
 * with repeated ejections. Each ejection is emitted as event
 * "eject"{target, until_ms}. */
typedef struct {
  int consecutive;     /* failures in a row */
  SimTime ejected_until; /* on the client's clock; 0 = in */
} EchoTarget;

typedef struct {
  const int *targets;  /* the node's resolved `target` parameter */
  guint ntargets;
  EchoTarget *health;  /* ntargets, with several; NULL with one */
  int64_t sent;
  GHashTable *ops;     /* seq → op id */
  GHashTable *seq_target; /* seq → target index, with several targets */
  GHashTable *last_seq;   /* op id → seq of its latest ping, with retries */
} EchoClient;

static void client_free(gpointer p)
{
  EchoClient *c = p;
  g_hash_table_unref(c->ops);
  if (c->seq_target)
    g_hash_table_unref(c->seq_target);
  if (c->last_seq)
    g_hash_table_unref(c->last_seq);
  g_free(c->health);
  g_free(c);
}

/* The index of the target for the next ping: uniform among those not
 * ejected (all, if every one is), with no draw when there is one choice. */
static guint pick_target(SimNode *node, EchoClient *c)
{
  if (c->ntargets <= 1)
    return 0;
  SimTime now = sim_node_clock(node);
  guint in = 0;
  for (guint i = 0; i < c->ntargets; i++)
    in += c->health[i].ejected_until <= now;
  gboolean all = in == 0;
  guint n = all ? c->ntargets : in;
  guint k = n == 1 ? 0 : (guint) sim_rng_below(sim_node_rng(node), n);
  for (guint i = 0; i < c->ntargets; i++)
    if (all || c->health[i].ejected_until <= now) {
      if (k == 0)
        return i;
      k--;
    }
  return 0;
}

/* One failure (BUSY, or a timed-out attempt) or success of target `t`. */
static void target_outcome(SimNode *node, EchoClient *c, guint t, gboolean failed)
{
  if (!c->health)
    return; /* one target: nothing to choose between */
  EchoTarget *h = &c->health[t];
  int64_t after = sim_node_param_int(node, "eject_after");
  if (!failed || after <= 0) {
    h->consecutive = 0;
    return;
  }
  if (++h->consecutive < after)
    return;
  h->consecutive = 0;
  h->ejected_until = sim_time_add_sat(sim_node_clock(node), sim_node_param_duration(node, "eject_for"));
  SimMsg e = sim_record("eject");
  sim_msg_set(&e, "target", c->targets[t]);
  sim_msg_set(&e, "until_ms", h->ejected_until / SIM_MS);
  sim_emit(node, &e);
}

static guint target_of(EchoClient *c, int64_t seq)
{
  return c->seq_target ? GPOINTER_TO_UINT(g_hash_table_lookup(c->seq_target, GINT_TO_POINTER((int) seq))) : 0;
}

static void send_ping(SimNode *node, EchoClient *c, uint64_t op)
{
  int64_t seq = ++c->sent;
  g_hash_table_insert(c->ops, GINT_TO_POINTER((int) seq), GSIZE_TO_POINTER((gsize) op));
  guint t = pick_target(node, c);
  if (c->seq_target)
    g_hash_table_insert(c->seq_target, GINT_TO_POINTER((int) seq), GUINT_TO_POINTER(t));
  if (sim_node_has_retry(sim_node_sim(node), sim_node_id(node))) {
    if (!c->last_seq)
      c->last_seq = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    gint64 *k = g_new(gint64, 1);
    *k = (gint64) op;
    g_hash_table_insert(c->last_seq, k, GINT_TO_POINTER((int) seq));
  }
  SimMsg *m = sim_msg_new(node, PING);
  sim_msg_set(m, "seq", seq);
  sim_send(node, c->ntargets ? c->targets[t] : 0, m);
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
  /* No target: node 0, as the client always did. */
  c->targets = sim_node_param_nodes(node, "target", &c->ntargets);
  c->ops = g_hash_table_new(g_direct_hash, g_direct_equal);
  if (c->ntargets > 1) {
    c->health = g_new0(EchoTarget, c->ntargets);
    c->seq_target = g_hash_table_new(g_direct_hash, g_direct_equal);
  }
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
  /* BUSY: the server shed the ping; it was surely not served. */
  gboolean busy = msg->type == BUSY || g_strcmp0(msg->type, BUSY) == 0;
  target_outcome(node, c, target_of(c, seq), busy);
  if (c->seq_target)
    g_hash_table_remove(c->seq_target, GINT_TO_POINTER(seq));
  SimValue v = sim_value_int(seq);
  uint64_t id = GPOINTER_TO_SIZE(op);
  if (sim_op_complete(node, id, busy ? SIM_OP_FAIL : SIM_OP_OK, &v) && c->last_seq) {
    gint64 k = (gint64) id;
    g_hash_table_remove(c->last_seq, &k);
  }
}

static void client_on_invoke(SimNode *node, uint64_t op, const char *f,
                             const SimValue *key, const SimValue *value)
{
  (void) f; (void) key; (void) value;
  send_ping(node, sim_node_data(node), op);
}

/* The op's latest ping got no answer in time (one still waiting in `ops`
 * timed out; one answered BUSY was counted then): a failure of its
 * target. Then a new ping. */
static void client_on_retry(SimNode *node, uint64_t op, const char *f, const SimValue *key,
                            const SimValue *value, guint attempt)
{
  (void) f; (void) key; (void) value; (void) attempt;
  EchoClient *c = sim_node_data(node);
  gint64 k = (gint64) op;
  gpointer seq = NULL;
  if (c->last_seq && g_hash_table_lookup_extended(c->last_seq, &k, NULL, &seq) &&
      g_hash_table_contains(c->ops, seq))
    target_outcome(node, c, target_of(c, GPOINTER_TO_INT(seq)), TRUE);
  send_ping(node, c, op);
}

static const SimParamSpec client_params[] = {
  { "target", SIM_PARAM_NODES, "", "the echo server(s) to ping; with several, each ping picks one at random", 0, 0 },
  { "interval", SIM_PARAM_DURATION, "100ms", "time between pings; 0 = only when a workload asks", 0, 0 },
  { "timeout", SIM_PARAM_DURATION, "1s", "a ping without PONG by then is recorded as info", 0, 0 },
  { "count", SIM_PARAM_INT, "0", "stop after this many pings; 0 = no limit", 0, 0 },
  { "eject_after", SIM_PARAM_INT, "0", "eject a target after this many failures in a row; 0 = never", 0, 1e9 },
  { "eject_for", SIM_PARAM_DURATION, "30s", "how long an ejected target is left out", 0, 0 },
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
  .on_retry = client_on_retry,
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
