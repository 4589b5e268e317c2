/* `zk.client`: a workload client of zk.server through the session library
 * (zk_session.h). Key k is the znode "/K" with K = 1000 + k: read =
 * getData("/K") (nil when it does not exist), or with `sync_reads` sync()
 * then getData, which is linearizable where a plain ZooKeeper read is not;
 * write = setData("/K", v, -1), creating "/K" on NONODE (and setting again
 * on NODEEXISTS). Each
 * op goes in the history so `lincheck` can check it. A session that
 * expires is replaced by a new one; a write whose outcome the expiry left
 * unknown is recorded as info. */
#include "models/kv/kv.h"
#include "models/zk/zk_session.h"
#include <string.h>

/* Key k is znode "/(1000 + k)", clear of zk.probe's /1 to /4. */
#define ZK_CLIENT_DIR0 1000

typedef enum { STEP_SYNC, STEP_READ, STEP_SET, STEP_CREATE } ZcStep;

typedef struct {
  uint64_t op;
  gboolean write;
  ZkPath path;
  int64_t value;
  ZcStep step;
} ZcOp;

typedef struct {
  ZkSession *zs;
  gboolean sync_reads;
  GHashTable *ops;    /* op id → ZcOp */
} ZkClient;

static void client_free(gpointer p)
{
  ZkClient *c = p;
  zk_session_free(c->zs);
  g_hash_table_unref(c->ops);
  g_free(c);
}

static void run_step(ZkClient *c, ZcOp *o)
{
  switch (o->step) {
  case STEP_SYNC:
    zk_sync(c->zs, o->op);
    break;
  case STEP_READ:
    zk_get_data(c->zs, o->path, FALSE, o->op);
    break;
  case STEP_SET:
    zk_set_data(c->zs, o->path, o->value, -1, o->op);
    break;
  case STEP_CREATE:
    zk_create(c->zs, o->path, o->value, 0, o->op);
    break;
  }
}

static void finish(SimNode *node, ZkClient *c, ZcOp *o, int type, const SimValue *v)
{
  sim_op_complete(node, o->op, type, v);
  gint64 k = (gint64) o->op;
  g_hash_table_remove(c->ops, &k);
}

static void on_result(SimNode *node, ZkSession *zs, uint64_t tag, const ZkResult *r, void *ud)
{
  (void) zs;
  ZkClient *c = ud;
  gint64 k = (gint64) tag;
  ZcOp *o = g_hash_table_lookup(c->ops, &k);
  if (!o)
    return;
  if (r->err == ZK_SESSIONEXPIRED) {
    /* A write may have been applied before the session ended. */
    finish(node, c, o, o->write ? SIM_OP_INFO : SIM_OP_FAIL, NULL);
    return;
  }
  switch (o->step) {
  case STEP_SYNC:
    o->step = STEP_READ;
    run_step(c, o);
    return;
  case STEP_READ: {
    SimValue v = r->err == ZK_OK ? sim_value_int(r->data) : sim_value_nil();
    finish(node, c, o, r->err == ZK_OK || r->err == ZK_NONODE ? SIM_OP_OK : SIM_OP_FAIL, &v);
    return;
  }
  case STEP_SET:
  case STEP_CREATE:
    if (r->err == ZK_OK) {
      SimValue v = sim_value_int(o->value);
      finish(node, c, o, SIM_OP_OK, &v);
    } else if (r->err == ZK_NONODE || r->err == ZK_NODEEXISTS) {
      o->step = r->err == ZK_NONODE ? STEP_CREATE : STEP_SET;
      run_step(c, o);
    } else {
      finish(node, c, o, SIM_OP_FAIL, NULL);
    }
    return;
  }
}

static void on_expired(SimNode *node, ZkSession *zs, void *ud)
{
  (void) node;
  (void) ud;
  zk_session_restart(zs);
}

static void client_init(SimNode *node)
{
  ZkClient *c = g_new0(ZkClient, 1);
  c->ops = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  c->sync_reads = sim_node_param_bool(node, "sync_reads");
  sim_node_set_data(node, c, client_free);
  guint n = 0;
  const int *servers = sim_node_param_nodes(node, "servers", &n);
  if (n == 0) {
    sim_fail(sim_node_sim(node), "node '%s' (zk.client): parameter servers names no server", sim_node_name(node));
    return;
  }
  static const ZkSessionCallbacks cb = { .on_expired = on_expired, .on_result = on_result };
  c->zs = zk_session_new(node, servers, n, sim_node_param_duration(node, "session_timeout"), &cb, c);
  zk_session_set_resend(c->zs, sim_node_param_duration(node, "resend"));
}

static void client_on_invoke(SimNode *node, uint64_t op, const char *f, const SimValue *key,
                             const SimValue *value)
{
  ZkClient *c = sim_node_data(node);
  gboolean write = strcmp(f, "write") == 0;
  int64_t k = key && key->kind == SIM_V_INT ? key->a : -1;
  gboolean ok_value = !write || (value && value->kind == SIM_V_INT && value->a >= INT32_MIN && value->a <= INT32_MAX);
  if (!c->zs || k < 0 || k > ZK_PATH_MAX - ZK_CLIENT_DIR0 || !ok_value) {
    /* Nothing a znode can hold: refused before anything is sent. */
    sim_op_complete(node, op, SIM_OP_FAIL, NULL);
    return;
  }
  ZcOp *o = g_new0(ZcOp, 1);
  o->op = op;
  o->write = write;
  o->path = (ZkPath) { ZK_CLIENT_DIR0 + k, 0 };
  o->value = write ? value->a : 0;
  o->step = write ? STEP_SET : c->sync_reads ? STEP_SYNC : STEP_READ;
  gint64 *kk = g_new(gint64, 1);
  *kk = (gint64) op;
  g_hash_table_replace(c->ops, kk, o);
  run_step(c, o);
}

static void client_on_message(SimNode *node, const SimMsg *msg)
{
  ZkClient *c = sim_node_data(node);
  if (c->zs)
    zk_session_on_message(c->zs, msg);
}

static void client_on_timer(SimNode *node, uint64_t tag)
{
  ZkClient *c = sim_node_data(node);
  if (c->zs)
    zk_session_on_timer(c->zs, tag);
}

static void client_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  if (count && sim_node_param_bool(nodes[0], "lincheck"))
    kv_lincheck_history(sim, nodes, count, 10000000, "linearizable", "zk");
}

static const SimParamSpec client_params[] = {
  { "servers", SIM_PARAM_NODES, "", "the zk.server nodes, comma-separated", 0, 0 },
  { "session_timeout", SIM_PARAM_DURATION, "1s", "the session timeout asked for (the server clamps it to [2, 20] ticks)", 0, 0 },
  { "resend", SIM_PARAM_DURATION, "50ms", "unanswered requests and connects are sent again after this", 0, 0 },
  { "sync_reads", SIM_PARAM_BOOL, "false", "read = sync() then getData (linearizable) instead of getData alone", 0, 0 },
  { "lincheck", SIM_PARAM_BOOL, "false", "check the history for linearizability at the end (invariant `linearizable`)", 0, 0 },
  { NULL },
};

static const char *const client_ops[] = { "read", "write", NULL };

const SimModel model_zk_client = {
  .name = "zk.client",
  .summary = "workload client of zk.server: read = getData (or sync + getData with sync_reads), write = setData (create if missing) on znode /key",
  .params = client_params,
  .init = client_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_invoke = client_on_invoke,
  .finish = client_finish,
  .ops = client_ops,
};
