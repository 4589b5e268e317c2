/* txn.client: issues transactions to a commit coordinator (2PC or 3PC).
 * Each `txn` operation writes one key (the workload's key, or a random one
 * below `keys`) at every participant it touches: all of them, or a random
 * non-empty subset with `subset`. The history records invoke, then ok
 * (committed) or fail (aborted) with value [txn, participant ids...], or
 * info when no RESULT arrived within the workload's timeout. Driven by a
 * workload (on_invoke) or by its own loop every `interval`. */
#include "models/txn/txn.h"

typedef struct {
  int coord;
  const int *parts;
  guint nparts;
  int64_t seq;
  GHashTable *ops; /* txn → TxnOp* */
} Client;

typedef struct {
  int64_t txn;
  uint64_t op, mask;
  SimTime started;
} TxnOp;

static void client_free(gpointer p)
{
  Client *c = p;
  g_hash_table_unref(c->ops);
  g_free(c);
}

static void begin(SimNode *node, Client *c, uint64_t op, const SimValue *key)
{
  SimRng *rng = sim_node_rng(node);
  uint64_t all = c->nparts >= 64 ? ~0ull : (1ull << c->nparts) - 1;
  uint64_t mask = all;
  if (sim_node_param_bool(node, "subset") && c->nparts > 0)
    do
      mask = sim_rng_u64(rng) & all;
    while (!mask);
  TxnOp *o = g_new0(TxnOp, 1);
  /* Unique per run, below 2^48 (timer tags keep 48 bits). */
  o->txn = (int64_t) sim_node_id(node) * 1000000 + ++c->seq;
  o->op = op;
  o->mask = mask;
  o->started = sim_now(sim_node_sim(node));
  g_hash_table_insert(c->ops, &o->txn, o);
  int64_t keys = sim_node_param_int(node, "keys");
  SimMsg *m = sim_msg_new(node, TXN_BEGIN);
  sim_msg_set(m, "txn", o->txn);
  sim_msg_set(m, "mask", (int64_t) mask);
  sim_msg_set(m, "key", key && key->kind == SIM_V_INT ? key->a : (int64_t) sim_rng_below(rng, keys > 0 ? (uint64_t) keys : 1));
  sim_msg_set(m, "value", o->txn);
  sim_send(node, c->coord, m);
}

static void tick(SimNode *node, Client *c)
{
  SimTime interval = sim_node_param_duration(node, "interval");
  int64_t count = sim_node_param_int(node, "count");
  if (interval <= 0 || (count > 0 && c->seq >= count))
    return;
  uint64_t op = sim_op_invoke(node, "txn", NULL, NULL, sim_node_param_duration(node, "timeout"));
  begin(node, c, op, NULL);
  sim_timer_after(node, interval, 0);
}

static void client_init(SimNode *node)
{
  Client *c = g_new0(Client, 1);
  guint n = 0;
  const int *coord = sim_node_param_nodes(node, "coordinator", &n);
  c->coord = n ? coord[0] : 0;
  c->parts = sim_node_param_nodes(node, "participants", &c->nparts);
  c->ops = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
  sim_node_set_data(node, c, client_free);
  if (sim_node_param_duration(node, "interval") > 0)
    sim_timer_after(node, sim_node_param_duration(node, "interval"), 0);
}

static void client_on_timer(SimNode *node, uint64_t tag)
{
  (void) tag;
  tick(node, sim_node_data(node));
}

static void client_on_message(SimNode *node, const SimMsg *msg)
{
  Client *c = sim_node_data(node);
  if (!txn_is(msg, TXN_RESULT))
    return;
  int64_t txn = sim_msg_get(msg, "txn", -1);
  TxnOp *o = g_hash_table_lookup(c->ops, &txn);
  if (!o)
    return;
  gboolean commit = sim_msg_get(msg, "commit", 0) != 0;
  int64_t items[65];
  guint n = 0;
  items[n++] = txn;
  for (guint i = 0; i < c->nparts && i < 64; i++)
    if (o->mask >> i & 1)
      items[n++] = c->parts[i];
  SimValue v = sim_value_list(items, n);
  Sim *sim = sim_node_sim(node);
  if (sim_op_complete(node, o->op, commit ? SIM_OP_OK : SIM_OP_FAIL, &v) && commit)
    sim_metric_sample(sim, "txn.commit_latency_ms", (double) (sim_now(sim) - o->started) / SIM_MS);
  sim_value_clear(&v);
  g_hash_table_remove(c->ops, &txn);
}

static void client_on_invoke(SimNode *node, uint64_t op, const char *f,
                             const SimValue *key, const SimValue *value)
{
  (void) f; (void) value;
  begin(node, sim_node_data(node), op, key);
}

static const SimParamSpec client_params[] = {
  { "coordinator", SIM_PARAM_NODES, "", "the commit coordinator", 0, 0 },
  { "participants", SIM_PARAM_NODES, "", "the participants, in the coordinator's order", 0, 0 },
  { "subset", SIM_PARAM_BOOL, "false", "touch a random non-empty subset of participants instead of all", 0, 0 },
  { "keys", SIM_PARAM_INT, "10", "keys per participant, when the workload gives none", 0, 0 },
  { "interval", SIM_PARAM_DURATION, "0", "own loop: start a transaction this often; 0 = only when a workload asks", 0, 0 },
  { "timeout", SIM_PARAM_DURATION, "1s", "own loop: the client's deadline (then info)", 0, 0 },
  { "count", SIM_PARAM_INT, "0", "own loop: stop after this many; 0 = no limit", 0, 0 },
  { NULL },
};

static const char *const client_ops[] = { "txn", NULL };

const SimModel model_txn_client = {
  .name = "txn.client",
  .summary = "sends transactions to a 2PC/3PC coordinator and records committed/aborted/unknown",
  .params = client_params,
  .init = client_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_invoke = client_on_invoke,
  .finish = txn_client_finish,
  .ops = client_ops,
};
