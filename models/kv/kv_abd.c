/* kv.abd: the multi-writer ABD atomic register (Attiya, Bar-Noy, Dolev
 * 1995; the multi-writer form of Lynch & Shvartsman), one register per key,
 * replicated on the key's N-node preference list with majority quorums.
 *
 * The client coordinates. write(v): query the replicas, wait for a majority,
 * take the highest tag (ts, id), then store v with tag (ts + 1, op id) and
 * wait for a majority of acks. The tag's second part is the operation id,
 * not the client's: a client with several operations in flight acts as
 * several writers, and each write's tag must be its own. read: query a
 * majority for the highest tag and its value, write that pair back to a
 * majority, then return the value.
 * Requests are resent every `retry` to replicas that have not answered, so
 * lost messages only delay; an operation is abandoned once its workload
 * deadline has recorded it as info. Replicas keep their cells in durable
 * state, so crash-recovery does not forget acknowledged writes. Membership
 * is fixed. */
#include "models/kv/kv.h"

/* ---- replica ---- */

static void server_init(SimNode *node)
{
  sim_node_set_data(node, kv_store_open(node), (GDestroyNotify) kv_store_free);
  if (kv_first_node(sim_node_sim(node), &model_kv_abd) == sim_node_id(node)) {
    /* Validate the ring settings once, at the first replica's start. */
    g_autoptr(KvRing) r = kv_initial_ring(sim_node_sim(node), &model_kv_abd, TRUE);
  }
}

static void server_on_message(SimNode *node, const SimMsg *msg)
{
  KvStore *store = sim_node_data(node);
  int64_t key = sim_msg_get(msg, "key", 0);
  if (g_str_equal(msg->type, "ABD_Q")) {
    KvCell c = kv_store_get(store, key);
    SimMsg *r = sim_msg_new(node, "ABD_QR");
    sim_msg_set(r, "key", key);
    sim_msg_set(r, "rid", sim_msg_get(msg, "rid", 0));
    kv_cell_to_msg(r, &c);
    sim_send(node, msg->src, r);
  } else if (g_str_equal(msg->type, "ABD_U")) {
    KvCell c = kv_cell_from_msg(msg);
    kv_store_merge(store, key, &c);
    SimMsg *r = sim_msg_new(node, "ABD_UR");
    sim_msg_set(r, "key", key);
    sim_msg_set(r, "rid", sim_msg_get(msg, "rid", 0));
    sim_send(node, msg->src, r);
  }
}

static void server_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  g_autoptr(KvRing) ring = kv_initial_ring(sim, &model_kv_abd, TRUE);
  kv_metrics_divergence(sim, nodes, count, ring, (guint) sim_node_param_int(nodes[0], "replicas"), "abd");
}

static const SimParamSpec server_params[] = {
  { "ring", SIM_PARAM_STRING, "vnodes", "placement algorithm of models/ring (ketama, vnodes, jump, rendezvous, bounded, modulo)", 0, 0 },
  { "vnodes", SIM_PARAM_INT, "100", "points per server for vnodes/bounded", 0, 0 },
  { "replicas", SIM_PARAM_INT, "3", "N: replicas per key (1..64); quorums are majorities of N", 0, 0 },
  { NULL },
};

const SimModel model_kv_abd = {
  .name = "kv.abd",
  .summary = "ABD atomic register replica: answers tag queries, keeps the highest-tagged value per key",
  .params = server_params,
  .init = server_init,
  .on_message = server_on_message,
  .finish = server_finish,
};

/* ---- client (coordinator) ---- */

typedef struct {
  uint64_t op;
  int64_t key;
  gboolean write;
  int64_t value;
  int phase;            /* 1 query, 2 update */
  int replicas[64];
  guint n;
  uint64_t replied;     /* bit i: replicas[i] answered this phase */
  guint count;
  KvCell best;          /* phase 1: highest seen; phase 2: being written */
  SimTime invoked_at;
  SimTimerId timer;
} AbdReq;

typedef struct {
  KvRing *ring;
  guint n;
  GHashTable *reqs; /* op → AbdReq* */
} AbdClient;

static void client_free(gpointer p)
{
  AbdClient *c = p;
  kv_ring_free(c->ring);
  g_hash_table_unref(c->reqs);
  g_free(c);
}

static void client_init(SimNode *node)
{
  Sim *sim = sim_node_sim(node);
  guint n = kv_client_replicas(node, &model_kv_abd);
  if (n == 0)
    return;
  AbdClient *c = g_new0(AbdClient, 1);
  c->ring = kv_initial_ring(sim, &model_kv_abd, TRUE);
  c->n = n;
  c->reqs = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
  sim_node_set_data(node, c, client_free);
}

static void send_phase(SimNode *node, AbdReq *q)
{
  for (guint i = 0; i < q->n; i++) {
    if (q->replied & (G_GUINT64_CONSTANT(1) << i))
      continue;
    SimMsg *m = sim_msg_new(node, q->phase == 1 ? "ABD_Q" : "ABD_U");
    sim_msg_set(m, "key", q->key);
    sim_msg_set(m, "rid", (int64_t) (q->op * 2 + (uint64_t) (q->phase - 1)));
    if (q->phase == 2)
      kv_cell_to_msg(m, &q->best);
    sim_send(node, q->replicas[i], m);
  }
}

static void start_phase(SimNode *node, AbdReq *q, int phase)
{
  q->phase = phase;
  q->replied = 0;
  q->count = 0;
  send_phase(node, q);
}

static void client_on_invoke(SimNode *node, uint64_t op, const char *f,
                             const SimValue *key, const SimValue *value)
{
  AbdClient *c = sim_node_data(node);
  AbdReq *q = g_new0(AbdReq, 1);
  q->op = op;
  q->key = key && key->kind == SIM_V_INT ? key->a : 0;
  q->write = g_str_equal(f, "write");
  q->value = value && value->kind == SIM_V_INT ? value->a : 0;
  q->n = kv_ring_preference(c->ring, q->key, c->n, q->replicas);
  q->best = (KvCell) { KV_NONE, FALSE, 0 };
  q->invoked_at = sim_now(sim_node_sim(node));
  if (!q->write && !g_str_equal(f, "read")) {
    sim_op_complete(node, op, SIM_OP_FAIL, NULL);
    g_free(q);
    return;
  }
  g_hash_table_insert(c->reqs, &q->op, q);
  start_phase(node, q, 1);
  q->timer = sim_timer_after(node, sim_node_param_duration(node, "retry"), op);
}

static void client_on_timer(SimNode *node, uint64_t tag)
{
  AbdClient *c = sim_node_data(node);
  gint64 op = (gint64) tag;
  AbdReq *q = g_hash_table_lookup(c->reqs, &op);
  if (!q)
    return;
  if (!sim_op_pending(sim_node_sim(node), q->op)) {
    g_hash_table_remove(c->reqs, &op); /* the deadline passed: abandon */
    return;
  }
  send_phase(node, q);
  q->timer = sim_timer_after(node, sim_node_param_duration(node, "retry"), tag);
}

static void finish_op(SimNode *node, AbdClient *c, AbdReq *q)
{
  Sim *sim = sim_node_sim(node);
  double ms = (double) (sim_now(sim) - q->invoked_at) / 1e6;
  if (q->write) {
    SimValue v = sim_value_int(q->value);
    if (sim_op_complete(node, q->op, SIM_OP_OK, &v))
      sim_metric_sample(sim, "abd_write_latency_ms", ms);
  } else {
    SimValue v = q->best.has ? sim_value_int(q->best.value) : sim_value_nil();
    if (sim_op_complete(node, q->op, SIM_OP_OK, &v))
      sim_metric_sample(sim, "abd_read_latency_ms", ms);
  }
  sim_timer_cancel(node, q->timer);
  gint64 op = (gint64) q->op;
  g_hash_table_remove(c->reqs, &op);
}

static void client_on_message(SimNode *node, const SimMsg *msg)
{
  AbdClient *c = sim_node_data(node);
  uint64_t rid = (uint64_t) sim_msg_get(msg, "rid", 0);
  gint64 op = (gint64) (rid / 2);
  int phase = (int) (rid % 2) + 1;
  AbdReq *q = g_hash_table_lookup(c->reqs, &op);
  gboolean query = g_str_equal(msg->type, "ABD_QR");
  if (!q || q->phase != phase || (query ? 1 : 2) != phase)
    return;
  guint i = 0;
  while (i < q->n && q->replicas[i] != msg->src)
    i++;
  if (i == q->n || (q->replied & (G_GUINT64_CONSTANT(1) << i)))
    return;
  q->replied |= G_GUINT64_CONSTANT(1) << i;
  q->count++;
  if (query) {
    KvCell cell = kv_cell_from_msg(msg);
    if (kv_version_cmp(cell.version, q->best.version) > 0)
      q->best = cell;
  }
  if (q->count < q->n / 2 + 1)
    return;
  if (phase == 1) {
    if (q->write)
      q->best = (KvCell) { { q->best.version.ts + 1, (int64_t) q->op }, TRUE, q->value };
    start_phase(node, q, 2);
  } else {
    finish_op(node, c, q);
  }
}

static void client_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  kv_metrics_availability(sim, nodes, count, "abd");
  kv_check_stale_reads(sim, nodes, count, "abd");
  if (sim_node_param_bool(nodes[0], "lincheck"))
    kv_lincheck_history(sim, nodes, count, (guint64) sim_node_param_int(nodes[0], "lincheck_max_steps"),
                        "linearizable", "abd");
}

static const SimParamSpec client_params[] = {
  { "retry", SIM_PARAM_DURATION, "20ms", "resend a phase's request to silent replicas this often", 0, 0 },
  { "lincheck", SIM_PARAM_BOOL, "true", "check the clients' history for linearizability at the end (invariant `linearizable`)", 0, 0 },
  { "lincheck_max_steps", SIM_PARAM_INT, "10000000", "bound on the checker's model steps; beyond it abd_lincheck = -1", 0, 0 },
  { NULL },
};

static const char *const client_ops[] = { "read", "write", NULL };

const SimModel model_kv_abd_client = {
  .name = "kv.abd.client",
  .summary = "ABD coordinator: two-phase majority reads and writes per key; checks linearizability at the end",
  .params = client_params,
  .init = client_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_invoke = client_on_invoke,
  .finish = client_finish,
  .ops = client_ops,
};
