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

/* The tables hold int64 keys and values in the pointers themselves (no
 * allocation per write or per applied command: with one per command, the
 * map and the duplicate filter were a tenth of a Raft server's run). */
G_STATIC_ASSERT(sizeof(gpointer) >= sizeof(int64_t));
#define WORD_PTR(w) ((gpointer) (gintptr) (w))
#define PTR_WORD(p) ((int64_t) (gintptr) (p))

typedef struct {
  RaftServer *server;
  GHashTable *kv;      /* key → value */
  GHashTable *done;    /* op id → 1 + its index in `results` */
  GArray *results;     /* KvResult of each applied op, in apply order */
  GHashTable *waiting; /* op id → client node id (answer after apply) */
} KvMachine;

/* g_int64_hash of the word in the pointer: both halves count. */
static guint word_hash(gconstpointer p)
{
  uint64_t w = (uint64_t) PTR_WORD(p);
  return (guint) (w ^ (w >> 32));
}

static GHashTable *word_table(void) { return g_hash_table_new(word_hash, g_direct_equal); }

static void *kv_create(SimNode *node, RaftServer *server)
{
  (void) node;
  KvMachine *m = g_new0(KvMachine, 1);
  m->server = server;
  m->kv = word_table();
  m->done = word_table();
  m->results = g_array_new(FALSE, FALSE, sizeof(KvResult));
  m->waiting = word_table();
  return m;
}

static void kv_free(void *p)
{
  KvMachine *m = p;
  g_hash_table_unref(m->kv);
  g_hash_table_unref(m->done);
  g_array_unref(m->results);
  g_hash_table_unref(m->waiting);
  g_free(m);
}

/* The result recorded for op, or NULL if it was never applied. */
static const KvResult *done_result(const KvMachine *m, int64_t op)
{
  guint at = GPOINTER_TO_UINT(g_hash_table_lookup(m->done, WORD_PTR(op)));
  return at ? &g_array_index(m->results, KvResult, at - 1) : NULL;
}

static void done_record(KvMachine *m, int64_t op, const KvResult *r)
{
  g_array_append_val(m->results, *r);
  g_hash_table_insert(m->done, WORD_PTR(op), GUINT_TO_POINTER(m->results->len));
}

/* The value of `cmd` against the map now (a read) or after it (a write,
 * a cas); the map changes for a write or a successful cas. */
static KvResult kv_exec(KvMachine *m, const RaftKvCmd *cmd)
{
  KvResult r = { TRUE, FALSE, 0 };
  gint64 key = cmd->has_key ? cmd->key : G_MININT64;
  gpointer cur;
  gboolean found = g_hash_table_lookup_extended(m->kv, WORD_PTR(key), NULL, &cur);
  switch (cmd->kind) {
  case RAFT_READ:
    r.has = found;
    r.value = found ? PTR_WORD(cur) : 0;
    break;
  case RAFT_WRITE:
  case RAFT_CAS:
    if (cmd->kind == RAFT_CAS && (!found || PTR_WORD(cur) != cmd->a)) {
      r.ok = FALSE;
      break;
    }
    g_hash_table_insert(m->kv, WORD_PTR(key), WORD_PTR(cmd->kind == RAFT_WRITE ? cmd->a : cmd->b));
    break;
  default:
    break;
  }
  return r;
}

static void reply_client(SimNode *node, int client, uint64_t op, const KvResult *r)
{
  SimMsg *msg = sim_msg_new(node, "Reply");
  sim_msg_add(msg, "op", (int64_t) op);
  sim_msg_add(msg, "ok", r->ok);
  sim_msg_add(msg, "has", r->has);
  sim_msg_add(msg, "v", r->value);
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
  const KvResult *old = done_result(m, op);
  if (old) {
    r = *old;
  } else {
    r = kv_exec(m, &cmd);
    done_record(m, op, &r);
  }
  gpointer client;
  if (g_hash_table_lookup_extended(m->waiting, WORD_PTR(op), NULL, &client)) {
    reply_client(node, GPOINTER_TO_INT(client), cmd.op, &r);
    g_hash_table_remove(m->waiting, WORD_PTR(op));
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
  RaftKvCmd cmd;
  raft_cmd_unpack(&cmd, sim_msg_get(msg, "c", 0), sim_msg_get(msg, "k", 0), sim_msg_get(msg, "v", 0));
  if (cmd.kind == RAFT_READ && raft_server_read(node, m->server, msg))
    return; /* ReadIndex or lease: answered by kv_read, outside the log */
  const KvResult *done = done_result(m, op);
  if (done) {
    reply_client(node, msg->src, (uint64_t) op, done);
    return;
  }
  gboolean again = g_hash_table_contains(m->waiting, WORD_PTR(op));
  g_hash_table_insert(m->waiting, WORD_PTR(op), GINT_TO_POINTER(msg->src));
  if (again)
    return; /* already in this leader's log: answered when applied */
  /* Normalised words (unpack then pack), so the log holds what the
   * machine will read back. */
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

static int cmp_int64(gconstpointer a, gconstpointer b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x > y) - (x < y);
}

/* The keys of `table` in increasing order, so the words do not depend on
 * the hash table's order. */
static GArray *sorted_keys(GHashTable *table)
{
  GArray *keys = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), g_hash_table_size(table));
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, table);
  while (g_hash_table_iter_next(&it, &k, NULL)) {
    int64_t w = PTR_WORD(k);
    g_array_append_val(keys, w);
  }
  g_array_sort(keys, cmp_int64);
  return keys;
}

/* §7's snapshot of the map and of the applied op ids with their results
 * (thesis §6.3: the duplicate filter is part of the state, or a retried
 * write applied before the snapshot would apply again after it): words
 * nkv, then key, value per entry, then ndone, then op, ok | has << 1,
 * value per op; keys and ops increasing. */
static void kv_snapshot(void *machine, GArray *out)
{
  KvMachine *m = machine;
  g_autoptr(GArray) keys = sorted_keys(m->kv);
  int64_t n = keys->len;
  g_array_append_val(out, n);
  for (guint i = 0; i < keys->len; i++) {
    int64_t k = g_array_index(keys, int64_t, i);
    int64_t v = PTR_WORD(g_hash_table_lookup(m->kv, WORD_PTR(k)));
    g_array_append_val(out, k);
    g_array_append_val(out, v);
  }
  g_autoptr(GArray) ops = sorted_keys(m->done);
  n = ops->len;
  g_array_append_val(out, n);
  for (guint i = 0; i < ops->len; i++) {
    int64_t op = g_array_index(ops, int64_t, i);
    const KvResult *r = done_result(m, op);
    int64_t flags = (r->ok ? 1 : 0) | (r->has ? 2 : 0);
    g_array_append_val(out, op);
    g_array_append_val(out, flags);
    g_array_append_val(out, r->value);
  }
}

/* Reads what kv_snapshot wrote into fresh tables; FALSE (machine
 * unchanged) when the words are not such a snapshot. */
static gboolean kv_restore(void *machine, const int64_t *w, guint n)
{
  KvMachine *m = machine;
  if (n < 1 || w[0] < 0 || (uint64_t) w[0] > (n - 1) / 2)
    return FALSE;
  guint nkv = (guint) w[0], at = 1 + 2 * nkv;
  if (at >= n || w[at] < 0 || (uint64_t) w[at] != (n - at - 1) / 3 || (n - at - 1) % 3 != 0)
    return FALSE;
  guint ndone = (guint) w[at];
  g_hash_table_remove_all(m->kv);
  for (guint i = 0; i < nkv; i++)
    g_hash_table_insert(m->kv, WORD_PTR(w[1 + 2 * i]), WORD_PTR(w[2 + 2 * i]));
  g_hash_table_remove_all(m->done);
  g_array_set_size(m->results, 0);
  for (guint i = 0; i < ndone; i++) {
    const int64_t *d = &w[at + 1 + 3 * i];
    KvResult r = { (d[1] & 1) != 0, (d[1] & 2) != 0, d[2] };
    if (!done_result(m, d[0]))
      done_record(m, d[0], &r);
  }
  return TRUE;
}

const RaftMachine raft_kv_machine = {
  .create = kv_create,
  .free = kv_free,
  .apply = kv_apply,
  .on_message = kv_on_message,
  .read = kv_read,
  .snapshot = kv_snapshot,
  .restore = kv_restore,
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

const SimModel model_raft_lease_no_drift_margin = {
  .name = "raft.lease_no_drift_margin",
  .summary = "BROKEN Raft: lease reads (read = \"lease\") last the whole minimum election timeout, ignoring clock_drift, so fast follower clocks or a slow leader clock give stale reads",
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
