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
  /* With snapshots (snapshot_every > 0): client sessions (thesis §6.3)
   * instead of `done`, so a snapshot does not carry every op id ever
   * applied; NULL: `done` keeps them all (nothing is compacted, and the
   * runs stay as they were before sessions). Every server of a cluster
   * must agree (the same snapshot_every > 0 or none). */
  RaftSessions *sessions;
} KvMachine;

/* g_int64_hash of the word in the pointer: both halves count. */
static guint word_hash(gconstpointer p)
{
  uint64_t w = (uint64_t) PTR_WORD(p);
  return (guint) (w ^ (w >> 32));
}

static GHashTable *word_table(void) { return g_hash_table_new(word_hash, g_direct_equal); }

#define SESSION_EXPIRY_DEFAULT 1000

/* The node's session_expiry, or the default for a model (a test's) that
 * runs this machine without declaring it. */
static int64_t session_expiry(SimNode *node)
{
  for (const SimParamSpec *p = sim_node_model(node)->params; p && p->name; p++)
    if (strcmp(p->name, "session_expiry") == 0)
      return sim_node_param_int(node, "session_expiry");
  return SESSION_EXPIRY_DEFAULT;
}

static void *kv_create(SimNode *node, RaftServer *server)
{
  KvMachine *m = g_new0(KvMachine, 1);
  m->server = server;
  m->kv = word_table();
  m->done = word_table();
  m->results = g_array_new(FALSE, FALSE, sizeof(KvResult));
  m->waiting = word_table();
  if (node && sim_node_param_int(node, "snapshot_every") > 0)
    m->sessions = raft_sessions_new(session_expiry(node));
  return m;
}

void *raft_kv_create_with_sessions(int64_t expiry)
{
  KvMachine *m = kv_create(NULL, NULL);
  m->sessions = raft_sessions_new(expiry);
  return m;
}

static void kv_free(void *p)
{
  KvMachine *m = p;
  raft_sessions_free(m->sessions);
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

/* Tells `client` that op `op`'s outcome is unknown here: thesis §6.3's
 * answer to a request whose session entry is gone. */
static void session_expired(SimNode *node, int client, int64_t op)
{
  SimMsg *msg = sim_msg_new(node, "SessionExpired");
  sim_msg_add(msg, "op", op);
  sim_send(node, client, msg);
}

/* A result as the two words a session keeps (words_result reads them). */
static void result_words(const KvResult *r, int64_t w[2])
{
  w[0] = (r->ok ? 1 : 0) | (r->has ? 2 : 0);
  w[1] = r->value;
}

static KvResult words_result(const int64_t w[2]) { return (KvResult) { (w[0] & 1) != 0, (w[0] & 2) != 0, w[1] }; }

/* Applies a command of a session: once, or not at all when its outcome is
 * unknown here (FALSE: the session expired). */
static gboolean apply_in_session(KvMachine *m, const RaftKvCmd *cmd, int64_t index, KvResult *r)
{
  int64_t w[2];
  switch (raft_sessions_begin(m->sessions, cmd->session, (int64_t) cmd->op, index, w)) {
  case RAFT_SESSION_DUPLICATE:
    *r = words_result(w);
    return TRUE;
  case RAFT_SESSION_NEW:
    *r = kv_exec(m, cmd);
    result_words(r, w);
    raft_sessions_record(m->sessions, cmd->session, (int64_t) cmd->op, w);
    return TRUE;
  default:
    return FALSE;
  }
}

static void kv_apply(SimNode *node, void *machine, int64_t index, const RaftEntry *e)
{
  KvMachine *m = machine;
  RaftKvCmd cmd;
  raft_cmd_unpack(&cmd, e->cmd[0], e->cmd[1], e->cmd[2]);
  if (cmd.kind == RAFT_NOOP)
    return;
  gint64 op = (gint64) cmd.op;
  KvResult r;
  gboolean known = TRUE;
  if (m->sessions && cmd.session > 0) {
    known = apply_in_session(m, &cmd, index, &r);
  } else if (m->sessions) {
    /* No session (the leader stamps one on every client command: only a
     * test proposes without): nothing to filter it by, and nothing kept
     * that a snapshot would have to carry. */
    r = kv_exec(m, &cmd);
  } else {
    const KvResult *old = done_result(m, op);
    if (old) {
      r = *old;
    } else {
      r = kv_exec(m, &cmd);
      done_record(m, op, &r);
    }
  }
  gpointer client;
  if (g_hash_table_lookup_extended(m->waiting, WORD_PTR(op), NULL, &client)) {
    if (known)
      reply_client(node, GPOINTER_TO_INT(client), cmd.op, &r);
    else
      session_expired(node, GPOINTER_TO_INT(client), op);
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
  if (m->sessions) {
    /* The client's session, stamped into the command so every replica
     * files it under the same one (thesis §6.3). */
    cmd.session = (int64_t) msg->src + 1;
    int64_t w[2];
    if (!raft_cmd_session_packable(cmd.op, cmd.session)) {
      KvResult no = { FALSE, FALSE, 0 }; /* not applied, and never will be */
      reply_client(node, msg->src, (uint64_t) op, &no);
      return;
    }
    switch (raft_sessions_peek(m->sessions, cmd.session, op, w)) {
    case RAFT_SESSION_DUPLICATE: {
      KvResult r = words_result(w);
      reply_client(node, msg->src, (uint64_t) op, &r);
      return;
    }
    case RAFT_SESSION_EXPIRED:
      session_expired(node, msg->src, op);
      return;
    default:
      break;
    }
  } else {
    const KvResult *done = done_result(m, op);
    if (done) {
      reply_client(node, msg->src, (uint64_t) op, done);
      return;
    }
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
  if (m->sessions) {
    raft_sessions_save(m->sessions, out);
    return;
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

/* The map becomes the nkv pairs at w[1..]. */
static void restore_map(KvMachine *m, const int64_t *w, guint nkv)
{
  g_hash_table_remove_all(m->kv);
  for (guint i = 0; i < nkv; i++)
    g_hash_table_insert(m->kv, WORD_PTR(w[1 + 2 * i]), WORD_PTR(w[2 + 2 * i]));
}

/* Reads what kv_snapshot wrote into fresh tables; FALSE (machine
 * unchanged) when the words are not such a snapshot. */
static gboolean kv_restore(void *machine, const int64_t *w, guint n)
{
  KvMachine *m = machine;
  if (n < 1 || w[0] < 0 || (uint64_t) w[0] > (n - 1) / 2)
    return FALSE;
  guint nkv = (guint) w[0], at = 1 + 2 * nkv;
  if (m->sessions) {
    guint used;
    if (!raft_sessions_load(m->sessions, w + at, n - at, &used) || used != n - at)
      return FALSE;
    restore_map(m, w, nkv);
    return TRUE;
  }
  if (at >= n || w[at] < 0 || (uint64_t) w[at] != (n - at - 1) / 3 || (n - at - 1) % 3 != 0)
    return FALSE;
  guint ndone = (guint) w[at];
  restore_map(m, w, nkv);
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

gboolean raft_cmd_session_packable(uint64_t op, int64_t session)
{
  return op < (UINT64_C(1) << 39) && session > 0 && session < (INT64_C(1) << 20);
}

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
  uint64_t low = ((uint64_t) (e->has_key ? 1 : 0) << 2) | (uint64_t) e->kind;
  if (e->session > 0)
    *c = (int64_t) ((e->op << 24) | ((uint64_t) e->session << 4) | 8 | low);
  else
    *c = (int64_t) ((e->op << 4) | low);
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
  e->session = (u & 8) ? (int64_t) ((u >> 4) & 0xfffff) : 0;
  e->op = (u & 8) ? u >> 24 : u >> 4;
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
  { "session_expiry", SIM_PARAM_INT, G_STRINGIFY(SESSION_EXPIRY_DEFAULT), "with snapshot_every > 0 the machine keeps client sessions (thesis §6.3: the latest results per client, not every op id): a session without a request for this many log entries expires, and a retry of one of its ops is answered SessionExpired", 1, 1000000000 },
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
