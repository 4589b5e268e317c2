/* `kv.raft`: a client of the key-value store on Raft (Ongaro & Ousterhout,
 * USENIX ATC 2014, §8 "Client interaction"). Each op (read, write, cas) goes
 * to the server believed to lead; a NotLeader reply names the leader it
 * knows (the client follows it at once) or none (the client waits); with no
 * answer for `retry_after` the request goes to the next server. Every
 * resend carries the same op id, which the state machine applies once, so
 * a retried write is not applied twice. Reads go through the log, or
 * around it when the servers' `read` parameter says so (ReadIndex, a
 * lease: raft_read.h); the client is the same. The outcomes are recorded
 * in the history for lincheck. With snapshots the servers keep client
 * sessions (raft_session.c): an op they can no longer place is answered
 * SessionExpired and recorded as info (its outcome unknown). */
#include "models/kv/kv.h"
#include "models/raft/raft.h"
#include <string.h>

typedef struct {
  RaftKvCmd cmd;      /* kind, key, a, b, op */
  guint target;       /* index into servers */
  guint redirects;    /* NotLeader hops since the last timeout */
  SimTimerId timer;
} ClientOp;

typedef struct {
  const int *servers;
  guint nservers;
  int leader;         /* index into servers of the last known leader, or -1 */
  SimTime retry_after;
  GHashTable *ops;    /* op id → ClientOp */
} RaftClient;

static void client_free(gpointer p)
{
  RaftClient *c = p;
  g_hash_table_unref(c->ops);
  g_free(c);
}

static void client_init(SimNode *node)
{
  RaftClient *c = g_new0(RaftClient, 1);
  c->servers = sim_node_param_nodes(node, "servers", &c->nservers);
  c->leader = -1;
  c->retry_after = sim_node_param_duration(node, "retry_after");
  c->ops = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  sim_node_set_data(node, c, client_free);
  if (c->nservers == 0)
    sim_fail(sim_node_sim(node), "node '%s' (kv.raft): parameter servers names no server", sim_node_name(node));
}

static void send_request(SimNode *node, RaftClient *c, ClientOp *o)
{
  int64_t cw, k, v;
  raft_cmd_pack(&o->cmd, &cw, &k, &v);
  SimMsg *m = sim_msg_new(node, "Request");
  sim_msg_add(m, "op", (int64_t) o->cmd.op);
  sim_msg_add(m, "c", cw);
  sim_msg_add(m, "k", k);
  sim_msg_add(m, "v", v);
  sim_send(node, c->servers[o->target], m);
  sim_timer_cancel(node, o->timer);
  o->timer = sim_timer_after(node, c->retry_after, o->cmd.op);
}

/* The server to try first: the known leader, else a random one. */
static guint first_target(SimNode *node, RaftClient *c)
{
  if (c->leader >= 0)
    return (guint) c->leader;
  return (guint) sim_rng_below(sim_node_rng(node), c->nservers);
}

static void start_op(SimNode *node, uint64_t op, const char *f, const SimValue *key, const SimValue *value)
{
  RaftClient *c = sim_node_data(node);
  RaftKvCmd cmd = { 0 };
  cmd.op = op;
  cmd.has_key = key && key->kind == SIM_V_INT;
  cmd.key = cmd.has_key ? key->a : 0;
  if (strcmp(f, "read") == 0) {
    cmd.kind = RAFT_READ;
  } else if (strcmp(f, "write") == 0 && value && value->kind == SIM_V_INT) {
    cmd.kind = RAFT_WRITE;
    cmd.a = value->a;
  } else if (strcmp(f, "cas") == 0 && value && value->kind == SIM_V_PAIR) {
    cmd.kind = RAFT_CAS;
    cmd.a = value->a;
    cmd.b = value->b;
  } else {
    /* A value this store cannot hold (a list, a nil write): refused before
     * anything is sent, so `fail` is the truth. */
    sim_op_complete(node, op, SIM_OP_FAIL, NULL);
    return;
  }
  if (!raft_cmd_packable(cmd.kind, cmd.a, cmd.b, op)) {
    sim_op_complete(node, op, SIM_OP_FAIL, NULL);
    return;
  }
  gint64 *k = g_new(gint64, 1);
  *k = (gint64) op;
  ClientOp *o = g_new0(ClientOp, 1);
  o->cmd = cmd;
  o->target = first_target(node, c);
  g_hash_table_replace(c->ops, k, o);
  send_request(node, c, o);
}

static void client_on_invoke(SimNode *node, uint64_t op, const char *f, const SimValue *key,
                             const SimValue *value)
{
  start_op(node, op, f, key, value);
}

/* Kernel retry policy: a new attempt of an op still pending goes to the
 * next server. */
static void client_on_retry(SimNode *node, uint64_t op, const char *f, const SimValue *key,
                            const SimValue *value, guint attempt)
{
  (void) attempt;
  RaftClient *c = sim_node_data(node);
  gint64 k = (gint64) op;
  ClientOp *o = g_hash_table_lookup(c->ops, &k);
  if (!o) {
    start_op(node, op, f, key, value);
    return;
  }
  o->target = (o->target + 1) % c->nservers;
  o->redirects = 0;
  send_request(node, c, o);
}

static void finish_op(SimNode *node, RaftClient *c, ClientOp *o, int type, const SimValue *v)
{
  sim_op_complete(node, o->cmd.op, type, v);
  sim_timer_cancel(node, o->timer);
  gint64 k = (gint64) o->cmd.op;
  g_hash_table_remove(c->ops, &k);
}

static int server_index(const RaftClient *c, int id)
{
  for (guint i = 0; i < c->nservers; i++)
    if (c->servers[i] == id)
      return (int) i;
  return -1;
}

static void client_on_message(SimNode *node, const SimMsg *msg)
{
  RaftClient *c = sim_node_data(node);
  gint64 k = sim_msg_get(msg, "op", 0);
  ClientOp *o = g_hash_table_lookup(c->ops, &k);
  if (!o)
    return; /* a late or duplicate answer */
  if (strcmp(msg->type, "Reply") == 0) {
    c->leader = server_index(c, msg->src);
    gboolean ok = sim_msg_get(msg, "ok", 0) != 0;
    SimValue v = sim_value_nil();
    if (o->cmd.kind == RAFT_READ)
      v = sim_msg_get(msg, "has", 0) ? sim_value_int(sim_msg_get(msg, "v", 0)) : sim_value_nil();
    else if (o->cmd.kind == RAFT_WRITE)
      v = sim_value_int(o->cmd.a);
    else
      v = sim_value_pair(o->cmd.a, o->cmd.b);
    finish_op(node, c, o, ok ? SIM_OP_OK : SIM_OP_FAIL, &v);
  } else if (strcmp(msg->type, "SessionExpired") == 0) {
    /* Thesis §6.3: the servers no longer know whether this op was applied
     * (its session's entry went): its outcome stays unknown. */
    finish_op(node, c, o, SIM_OP_INFO, NULL);
  } else if (strcmp(msg->type, "NotLeader") == 0) {
    int hint = server_index(c, (int) sim_msg_get(msg, "leader", -1));
    if (hint < 0 || hint == server_index(c, msg->src) || o->redirects >= 2 * c->nservers) {
      c->leader = -1;
      return; /* no leader known yet: the retry timer moves on */
    }
    o->redirects++;
    c->leader = hint;
    o->target = (guint) hint;
    send_request(node, c, o);
  }
}

static void client_on_timer(SimNode *node, uint64_t tag)
{
  RaftClient *c = sim_node_data(node);
  gint64 k = (gint64) tag;
  ClientOp *o = g_hash_table_lookup(c->ops, &k);
  if (!o)
    return;
  o->timer = 0;
  if (!sim_op_pending(sim_node_sim(node), o->cmd.op)) {
    g_hash_table_remove(c->ops, &k); /* timed out in the history: give up */
    return;
  }
  c->leader = -1;
  o->target = (o->target + 1) % c->nservers;
  o->redirects = 0;
  send_request(node, c, o);
}

static void client_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  if (count && sim_node_param_bool(nodes[0], "lincheck"))
    kv_lincheck_history(sim, nodes, count, 10000000, "linearizable", "raft");
}

static const SimParamSpec client_params[] = {
  { "servers", SIM_PARAM_NODES, "", "the Raft servers, comma-separated", 0, 0 },
  { "retry_after", SIM_PARAM_DURATION, "100ms", "silence after which a request goes again to the next server (same op id)", 0, 0 },
  { "lincheck", SIM_PARAM_BOOL, "false", "check the history for linearizability at the end (invariant `linearizable`)", 0, 0 },
  { NULL },
};

static const char *const client_ops[] = { "read", "write", "cas", NULL };

const SimModel model_kv_raft = {
  .name = "kv.raft",
  .summary = "client of the key-value store on Raft: read/write/cas (reads as the servers' read parameter says), follows NotLeader hints, retries to the next server",
  .params = client_params,
  .init = client_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_invoke = client_on_invoke,
  .on_retry = client_on_retry,
  .finish = client_finish,
  .ops = client_ops,
};

/* libraft.server (models/libraft/) answers this client protocol too: the
 * same client, named with the library's models. */
const SimModel model_libraft_client = {
  .name = "libraft.client",
  .summary = "client of libraft.server: read/write/cas (get/put/CAS) through the leader, follows NotLeader hints, retries to the next server; kv.raft's client",
  .params = client_params,
  .init = client_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_invoke = client_on_invoke,
  .on_retry = client_on_retry,
  .finish = client_finish,
  .ops = client_ops,
};
