/* The key-value state machine of the `raft` models (Ongaro & Ousterhout,
 * USENIX ATC 2014, §8 "Client interaction"): commands read, write and cas
 * one int64 key, each tagged with the client's op id, which the machine
 * applies once (a retried write that got into the log twice changes
 * nothing the second time). Client requests: the leader appends the
 * command and answers after applying it; other servers answer NotLeader
 * with the leader they know. Also the three `raft` server models. */
#include "models/raft/raft.h"
#include <string.h>

typedef struct {
  gboolean ok, has;
  int64_t value;
} KvResult;

typedef struct {
  RaftServer *server;
  GHashTable *kv;      /* int64 key → int64 value */
  GHashTable *done;    /* op id → KvResult */
  GHashTable *waiting; /* op id → client node id (answer after apply) */
} KvMachine;

static void *kv_create(SimNode *node, RaftServer *server)
{
  (void) node;
  KvMachine *m = g_new0(KvMachine, 1);
  m->server = server;
  m->kv = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  m->done = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  m->waiting = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  return m;
}

static void kv_free(void *p)
{
  KvMachine *m = p;
  g_hash_table_unref(m->kv);
  g_hash_table_unref(m->done);
  g_hash_table_unref(m->waiting);
  g_free(m);
}

/* The value of `cmd` against the map now (a read) or after it (a write,
 * a cas); the map changes for a write or a successful cas. */
static KvResult kv_exec(KvMachine *m, const RaftKvCmd *cmd)
{
  KvResult r = { TRUE, FALSE, 0 };
  gint64 key = cmd->has_key ? cmd->key : G_MININT64;
  gint64 *cur = g_hash_table_lookup(m->kv, &key);
  switch (cmd->kind) {
  case RAFT_READ:
    r.has = cur != NULL;
    r.value = cur ? *cur : 0;
    break;
  case RAFT_WRITE:
  case RAFT_CAS:
    if (cmd->kind == RAFT_CAS && (!cur || *cur != cmd->a)) {
      r.ok = FALSE;
      break;
    }
    {
      gint64 *k = g_new(gint64, 1), *v = g_new(gint64, 1);
      *k = key;
      *v = cmd->kind == RAFT_WRITE ? cmd->a : cmd->b;
      g_hash_table_replace(m->kv, k, v);
    }
    break;
  default:
    break;
  }
  return r;
}

static void reply_client(SimNode *node, int client, uint64_t op, const KvResult *r)
{
  SimMsg *msg = sim_msg_new(node, "Reply");
  sim_msg_set(msg, "op", (int64_t) op);
  sim_msg_set(msg, "ok", r->ok);
  sim_msg_set(msg, "has", r->has);
  sim_msg_set(msg, "v", r->value);
  sim_send(node, client, msg);
}

static void kv_apply(SimNode *node, void *machine, int64_t index, const RaftEntry *e)
{
  (void) index;
  KvMachine *m = machine;
  RaftKvCmd cmd;
  raft_cmd_unpack(&cmd, e->cmd[0], e->cmd[1], e->cmd[2]);
  if (cmd.kind == RAFT_NOOP)
    return;
  gint64 op = (gint64) cmd.op;
  KvResult r;
  KvResult *old = g_hash_table_lookup(m->done, &op);
  if (old) {
    r = *old;
  } else {
    r = kv_exec(m, &cmd);
    gint64 *k = g_new(gint64, 1);
    *k = op;
    g_hash_table_insert(m->done, k, g_memdup2(&r, sizeof r));
  }
  gpointer client;
  if (g_hash_table_lookup_extended(m->waiting, &op, NULL, &client)) {
    reply_client(node, GPOINTER_TO_INT(client), cmd.op, &r);
    g_hash_table_remove(m->waiting, &op);
  }
}

static void kv_on_request(SimNode *node, KvMachine *m, const SimMsg *msg)
{
  int64_t op = sim_msg_get(msg, "op", 0);
  if (raft_server_role(m->server) != RAFT_LEADER) {
    SimMsg *r = sim_msg_new(node, "NotLeader");
    sim_msg_set(r, "op", op);
    sim_msg_set(r, "leader", raft_server_leader(m->server));
    sim_send(node, msg->src, r);
    return;
  }
  gint64 key = op;
  KvResult *done = g_hash_table_lookup(m->done, &key);
  if (done) {
    reply_client(node, msg->src, (uint64_t) op, done);
    return;
  }
  gboolean again = g_hash_table_contains(m->waiting, &key);
  gint64 *k = g_new(gint64, 1);
  *k = op;
  g_hash_table_replace(m->waiting, k, GINT_TO_POINTER(msg->src));
  if (again)
    return; /* already in this leader's log: answered when applied */
  /* Normalised words (unpack then pack), so the log holds what the
   * machine will read back. */
  RaftKvCmd cmd;
  raft_cmd_unpack(&cmd, sim_msg_get(msg, "c", 0), sim_msg_get(msg, "k", 0), sim_msg_get(msg, "v", 0));
  int64_t w[RAFT_CMD_WORDS];
  raft_cmd_pack(&cmd, &w[0], &w[1], &w[2]);
  raft_server_propose(node, m->server, w);
}

static void kv_on_message(SimNode *node, void *machine, const SimMsg *msg)
{
  if (strcmp(msg->type, "Request") == 0)
    kv_on_request(node, machine, msg);
}

/* A read answered from the applied map, outside the log (not recorded in
 * `done`: a read changes nothing a retry could repeat). */
static void kv_read(SimNode *node, void *machine, const SimMsg *request)
{
  RaftKvCmd cmd;
  raft_cmd_unpack(&cmd, sim_msg_get(request, "c", 0), sim_msg_get(request, "k", 0), sim_msg_get(request, "v", 0));
  if (cmd.kind != RAFT_READ)
    return;
  KvResult r = kv_exec(machine, &cmd);
  reply_client(node, request->src, (uint64_t) sim_msg_get(request, "op", 0), &r);
}

const RaftMachine raft_kv_machine = {
  .create = kv_create,
  .free = kv_free,
  .apply = kv_apply,
  .on_message = kv_on_message,
  .read = kv_read,
};

gboolean raft_cmd_packable(RaftCmdKind kind, int64_t a, int64_t b, uint64_t op)
{
  if (op >= (UINT64_C(1) << 59))
    return FALSE;
  if (kind == RAFT_CAS)
    return a >= INT32_MIN && a <= INT32_MAX && b >= INT32_MIN && b <= INT32_MAX;
  return TRUE;
}

void raft_cmd_pack(const RaftKvCmd *e, int64_t *c, int64_t *k, int64_t *v)
{
  *c = (int64_t) ((e->op << 4) | ((uint64_t) (e->has_key ? 1 : 0) << 2) | (uint64_t) e->kind);
  *k = e->has_key ? e->key : 0;
  if (e->kind == RAFT_WRITE)
    *v = e->a;
  else if (e->kind == RAFT_CAS)
    *v = (int64_t) (((uint64_t) (uint32_t) (int32_t) e->a << 32) | (uint64_t) (uint32_t) (int32_t) e->b);
  else
    *v = 0;
}

void raft_cmd_unpack(RaftKvCmd *e, int64_t c, int64_t k, int64_t v)
{
  uint64_t u = (uint64_t) c;
  e->kind = (RaftCmdKind) (u & 3);
  e->has_key = (u >> 2) & 1;
  e->op = u >> 4;
  e->key = e->has_key ? k : 0;
  e->a = e->b = 0;
  if (e->kind == RAFT_WRITE)
    e->a = v;
  else if (e->kind == RAFT_CAS) {
    e->a = (int32_t) (uint32_t) ((uint64_t) v >> 32);
    e->b = (int32_t) (uint32_t) ((uint64_t) v & 0xffffffffu);
  }
}


/* ---- the server models ---- */

static void kv_server_start(SimNode *node) { raft_server_start(node, &raft_kv_machine); }

static const SimParamSpec server_params[] = {
  RAFT_SERVER_PARAMS,
  { NULL },
};

const SimModel model_raft = {
  .name = "raft",
  .summary = "Raft server (Ongaro & Ousterhout 2014) replicating a key-value map; clients use kv.raft",
  .params = server_params,
  .init = kv_server_start,
  .on_message = raft_server_on_message,
  .on_timer = raft_server_on_timer,
  .finish = raft_server_finish,
};

const SimModel model_raft_commit_old_terms = {
  .name = "raft.commit_old_terms",
  .summary = "BROKEN Raft: a leader commits entries of earlier terms by counting replicas (the paper's Figure 8 loss)",
  .params = server_params,
  .init = kv_server_start,
  .on_message = raft_server_on_message,
  .on_timer = raft_server_on_timer,
  .finish = raft_server_finish,
};

const SimModel model_raft_volatile_vote = {
  .name = "raft.volatile_vote",
  .summary = "BROKEN Raft: votedFor is not persisted, so a restarted server can vote twice in one term",
  .params = server_params,
  .init = kv_server_start,
  .on_message = raft_server_on_message,
  .on_timer = raft_server_on_timer,
  .finish = raft_server_finish,
};
