/* `zk.server`: ZooKeeper's service (Hunt et al., "ZooKeeper: Wait-free
 * coordination for Internet-scale systems", USENIX ATC 2010; the
 * Programmer's Guide) with Raft in place of Zab: the data tree
 * (zk_tree.c) is the state machine of the Raft server in models/raft/,
 * each transaction one log entry whose index is its zxid.
 *
 * What the server does:
 * - Sessions are opened and expired through the log (ZK_TXN_SESSION,
 *   ZK_TXN_EXPIRE); the session id is the zxid that opened it. The leader
 *   expires a session it has not heard from (any message of its client)
 *   for its timeout, on the leader's local clock, checked every `tick`; a
 *   new leader gives every session a fresh timeout, as ZooKeeper's does.
 *   The granted timeout is the asked one clamped to [2, 20] ticks.
 *   Expiry deletes the session's ephemeral nodes and fires their watches.
 * - Writes (create, delete, setData) and sync go through the log; every
 *   replica applies them to its own tree, once per (session, xid) (a
 *   request retried after a lost reply, even to a new leader, is answered
 *   from the first result). A session's requests are taken in xid order
 *   (FIFO client order): writes are pipelined into the log, a read waits
 *   for the session's earlier writes, as in ZooKeeper's CommitProcessor.
 * - Reads (getData, exists, getChildren) are answered by the leader from
 *   its applied tree, with zxid = its last applied index. Like ZooKeeper's
 *   reads they are not linearizable by themselves (a deposed leader that
 *   does not know it yet answers from its old state); sync, then read, is.
 * - Watches are registered in the tree of the server the client is
 *   connected to and fired when it applies the change; notifications are
 *   numbered per connection, sent again every `resend` until acknowledged;
 *   each reply says how many notifications came before it and each
 *   notification which xid was answered last before it, so the client
 *   library delivers results and events once, in the order the server
 *   sent them (what TCP and the single connection give ZooKeeper).
 *
 * What it simplifies:
 * - Clients talk to the leader only (a follower answers NotLeader with the
 *   leader it knows, like kv.raft); ZooKeeper's followers serve reads from
 *   their own state and forward writes.
 * - A leader serves nothing until it has applied an entry of its own term
 *   (Raft's no-op, thesis §6.4), standing in for Zab's synchronization
 *   phase: its tree then holds every committed transaction.
 * - Session touches are not logged (only the leader tracks them, as
 *   ZooKeeper's leader does with the pings its followers forward).
 * - Watches do not survive a reconnection: the new connection starts with
 *   none and the client library tells the application (on_connected) to
 *   re-read and re-watch; ZooKeeper's client re-registers them itself.
 * - Paths are two levels of integers and data an int32 (zk_session.h);
 *   no ACLs, no multi, no containers or TTLs, no closeSession.
 * - A session's applied results are kept (for retried requests) until it
 *   ends, in every replica's memory; with snapshots only those of its
 *   latest ZK_RESULT_WINDOW xids (done_floor), so a snapshot does not grow
 *   with every request ever made.
 * - Snapshots (Raft's snapshot_every) hold the replicated state only:
 *   tree, per-session results, nonces; a server restores one at start or
 *   as a follower, so no watches or connections are lost with it.
 */
#include "models/zk/zk.h"
#include <string.h>

enum { TAG_TICK = 1, TAG_RESEND = 2 };

/* An answer kept for resending: what "Reply" carries after cn and xid. */
typedef struct {
  int err;
  int64_t zxid, s[4];
  int64_t nseq;           /* notifications sent on the connection before it */
  uint32_t extra;         /* bytes beyond the default size (getChildren's list) */
} ZkReply;

typedef struct {
  int64_t seq;
  int event;
  ZkPath path;
  int64_t after;          /* the last xid answered before it */
} ZkNote;

/* A new session's client, waiting for its SESSION txn. */
typedef struct {
  int client;
  int64_t attempt;
} ZkConnecting;

/* A client connection (leader only): one per session. */
typedef struct {
  int64_t id, session;
  int client;
  int64_t next_xid;       /* the next request to process */
  GArray *inflight;       /* xids of writes in the log, not yet answered, in order */
  GHashTable *pending;    /* xid → SimMsg copy, arrived, not processed */
  GHashTable *replies;    /* xid → ZkReply, answered (a duplicate gets it again) */
  GArray *notes;          /* of ZkNote, sent, not acknowledged */
  int64_t seq;            /* notifications sent */
  int64_t answered;       /* the last xid answered (in xid order) */
  int64_t attempt;        /* the client's connection attempt it answered */
  int64_t pruned;         /* results below it were dropped (prune_replies) */
} ZkConn;

typedef struct {
  RaftServer *server;
  ZkTree *tree;
  GHashTable *done;       /* session → (xid → ZkReply): applied writes' results */
  GHashTable *tops;       /* session → the highest xid a log entry of it had */
  gboolean window;        /* keep only the results of the latest
                           * ZK_RESULT_WINDOW xids per session (with
                           * snapshots: thesis §6.3, see prune_done) */
  GHashTable *nonces;     /* nonce → session opened for it */
  /* Leader only, volatile */
  GHashTable *conns;      /* conn id → ZkConn */
  GHashTable *by_session; /* session → conn id */
  GHashTable *connecting; /* nonce → ZkConnecting: SESSION txn in the log */
  GHashTable *heard;      /* session → local clock of its client's last message */
  GHashTable *expiring;   /* session → EXPIRE txn proposed */
  int64_t conn_counter;
  SimTimerId tick_timer, resend_timer;
  SimTime tick, resend;
} ZkServer;

static gint64 *box(int64_t v)
{
  gint64 *k = g_new(gint64, 1);
  *k = v;
  return k;
}

static void conn_free(gpointer p)
{
  ZkConn *c = p;
  g_hash_table_unref(c->pending);
  g_hash_table_unref(c->replies);
  g_array_unref(c->notes);
  g_array_unref(c->inflight);
  g_free(c);
}

static void *zk_create_machine(SimNode *node, RaftServer *server)
{
  ZkServer *z = g_new0(ZkServer, 1);
  z->server = server;
  z->tree = zk_tree_new();
  z->done = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  z->nonces = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  z->tops = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  z->conns = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, conn_free);
  z->by_session = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  z->connecting = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  z->heard = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  z->expiring = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  if (node) { /* none when a test drives the machine on its own */
    z->tick = sim_node_param_duration(node, "tick");
    z->resend = sim_node_param_duration(node, "resend");
    z->window = sim_node_param_int(node, "snapshot_every") > 0;
  }
  return z;
}

static void zk_free_machine(void *p)
{
  ZkServer *z = p;
  zk_tree_free(z->tree);
  g_hash_table_unref(z->done);
  g_hash_table_unref(z->nonces);
  g_hash_table_unref(z->tops);
  g_hash_table_unref(z->conns);
  g_hash_table_unref(z->by_session);
  g_hash_table_unref(z->connecting);
  g_hash_table_unref(z->heard);
  g_hash_table_unref(z->expiring);
  g_free(z);
}

/* TRUE if this replica's server leads (FALSE without a server: a
 * machine driven by tests on its own). */
static gboolean leading(const ZkServer *z) { return z->server && raft_server_role(z->server) == RAFT_LEADER; }

static int64_t last_applied(const ZkServer *z) { return raft_server_state(z->server)->lastApplied; }

/* A leader serves once it has applied an entry of its own term (its
 * no-op, the first of the term): its tree then holds every committed
 * transaction. */
static gboolean ready(const ZkServer *z)
{
  const RaftState *st = raft_server_state(z->server);
  return raft_server_role(z->server) == RAFT_LEADER && raft_term_at(st, st->lastApplied) == st->currentTerm;
}

static ZkConn *conn_of_session(ZkServer *z, int64_t session)
{
  gint64 k = session;
  gint64 *id = g_hash_table_lookup(z->by_session, &k);
  return id ? g_hash_table_lookup(z->conns, id) : NULL;
}

static ZkConn *conn_find(ZkServer *z, int64_t id)
{
  gint64 k = id;
  return g_hash_table_lookup(z->conns, &k);
}

/* Drops a connection and the watches its session registered here. */
static void conn_drop(ZkServer *z, ZkConn *c)
{
  zk_tree_unwatch_session(z->tree, c->session);
  gint64 s = c->session, id = c->id;
  g_hash_table_remove(z->by_session, &s);
  g_hash_table_remove(z->conns, &id);
}

static void touch(SimNode *node, ZkServer *z, int64_t session)
{
  g_hash_table_replace(z->heard, box(session), g_memdup2(&(SimTime) { sim_node_clock(node) }, sizeof(SimTime)));
}

static int64_t cn(const ZkConn *c, int64_t seq) { return c->id << ZK_SEQ_BITS | seq; }

/* ---- replies and notifications ---- */

static void send_reply(SimNode *node, const ZkConn *c, int64_t xid, const ZkReply *r)
{
  SimMsg *m = sim_msg_new(node, "Reply");
  sim_msg_set(m, "cn", cn(c, r->nseq));
  sim_msg_set(m, "xid", xid);
  sim_msg_set(m, "err", r->err);
  sim_msg_set(m, "zxid", r->zxid);
  static const char *const s[4] = { "s0", "s1", "s2", "s3" };
  for (guint i = 0; i < 4; i++)
    if (r->s[i])
      sim_msg_set(m, s[i], r->s[i]);
  if (r->extra)
    sim_msg_set_size(m, sim_msg_size(m) + r->extra);
  sim_send(node, c->client, m);
}

/* Answers request `xid` of connection c (kept for duplicates). */
static void answer(SimNode *node, ZkConn *c, int64_t xid, ZkReply r)
{
  r.nseq = c->seq;
  c->answered = MAX(c->answered, xid);
  g_hash_table_replace(c->replies, box(xid), g_memdup2(&r, sizeof r));
  send_reply(node, c, xid, &r);
}

static void send_note(SimNode *node, const ZkConn *c, const ZkNote *n)
{
  SimMsg *m = sim_msg_new(node, "Watch");
  sim_msg_set(m, "cn", cn(c, n->seq));
  sim_msg_set(m, "event", n->event);
  sim_msg_set(m, "dir", n->path.dir);
  sim_msg_set(m, "name", n->path.name);
  sim_msg_set(m, "after", n->after);
  sim_send(node, c->client, m);
}

/* Sends the fired watches of this server's connected sessions. */
static void notify(SimNode *node, ZkServer *z, const GArray *events)
{
  for (guint i = 0; i < events->len; i++) {
    const ZkWatchEvent *ev = &g_array_index(events, ZkWatchEvent, i);
    ZkConn *c = conn_of_session(z, ev->session);
    if (!c)
      continue;
    ZkNote n = { ++c->seq, ev->event, ev->path, c->answered };
    g_array_append_val(c->notes, n);
    send_note(node, c, &n);
    sim_metric_add(sim_node_sim(node), "zk_watches_fired", 1);
  }
}

static ZkReply stat_reply(int err, int64_t zxid, const ZkStat *st)
{
  ZkReply r = { .err = err, .zxid = zxid };
  if (err == ZK_OK) {
    r.s[0] = st->data;
    r.s[1] = st->version;
    r.s[2] = st->czxid;
    r.s[3] = st->owner;
  }
  return r;
}

/* ---- processing a session's requests in xid order ---- */

static void process(SimNode *node, ZkServer *z, ZkConn *c, const SimMsg *req);

static gboolean is_read(int64_t op)
{
  return op == ZK_OP_GET_DATA || op == ZK_OP_EXISTS || op == ZK_OP_GET_CHILDREN;
}

/* Takes the session's requests in xid order: writes go into the log one
 * after another (pipelined), a read waits until the writes before it are
 * applied (as ZooKeeper's CommitProcessor holds a session's reads). */
static void pump(SimNode *node, ZkServer *z, int64_t conn_id)
{
  for (;;) {
    ZkConn *c = conn_find(z, conn_id);
    if (!c || !ready(z))
      return;
    gint64 k = c->next_xid;
    SimMsg *req = g_hash_table_lookup(c->pending, &k);
    if (!req || (is_read(sim_msg_get(req, "op", 0)) && c->inflight->len))
      return;
    gpointer key;
    g_hash_table_steal_extended(c->pending, &k, &key, NULL);
    g_free(key);
    c->next_xid++;
    process(node, z, c, req);
    g_free(req);
  }
}

static GHashTable *done_of(ZkServer *z, int64_t session)
{
  gint64 k = session;
  return g_hash_table_lookup(z->done, &k);
}

/* Results of the latest ZK_RESULT_WINDOW xids of a session are kept with
 * snapshots on (thesis §6.3: a session keeps the responses its client may
 * still ask for, not every one; ZooKeeper itself needs none, its TCP
 * connection never delivers a request twice). The window follows the
 * highest xid the log applied for the session, so every replica drops the
 * same results; a request at or below its floor is of unknown outcome
 * here and is answered SESSIONEXPIRED (zk_client.c records a write so
 * answered as info), never applied. */
#define ZK_RESULT_WINDOW 64

/* The session's xids at or below this have no result kept: -1 without the
 * window. */
static int64_t done_floor(const ZkServer *z, int64_t session)
{
  gint64 k = session;
  const gint64 *top = z->window ? g_hash_table_lookup(z->tops, &k) : NULL;
  return top ? *top - ZK_RESULT_WINDOW : -1;
}

static gboolean xid_at_or_below(gpointer key, gpointer value, gpointer floor)
{
  (void) value;
  return *(const gint64 *) key <= *(const gint64 *) floor;
}

/* A log entry of `session` with `xid` was applied: its highest xid moves
 * up to it, and the results below the window go. */
static void note_applied(ZkServer *z, int64_t session, int64_t xid)
{
  gint64 k = session;
  gint64 *top = g_hash_table_lookup(z->tops, &k);
  GHashTable *done = done_of(z, session);
  if (!top || !done || xid <= *top)
    return;
  int64_t old_floor = *top - ZK_RESULT_WINDOW, floor = xid - ZK_RESULT_WINDOW;
  *top = xid;
  if (!z->window || floor < 0)
    return;
  if (floor - old_floor > (int64_t) g_hash_table_size(done)) {
    g_hash_table_foreach_remove(done, xid_at_or_below, &floor);
    return;
  }
  for (gint64 x = MAX(old_floor + 1, 0); x <= floor; x++)
    g_hash_table_remove(done, &x);
}

/* Answers the session's writes from the head of the queue while they are
 * applied. */
static void settle(SimNode *node, ZkServer *z, ZkConn *c)
{
  GHashTable *done = done_of(z, c->session);
  while (done && c->inflight->len) {
    gint64 xid = g_array_index(c->inflight, int64_t, 0);
    ZkReply *r = g_hash_table_lookup(done, &xid);
    if (!r && xid > done_floor(z, c->session))
      return;
    g_array_remove_index(c->inflight, 0);
    answer(node, c, xid, r ? *r : (ZkReply) { .err = ZK_SESSIONEXPIRED, .zxid = last_applied(z) });
  }
}

static void process(SimNode *node, ZkServer *z, ZkConn *c, const SimMsg *req)
{
  int64_t xid = sim_msg_get(req, "xid", 0), op = sim_msg_get(req, "op", 0);
  ZkPath path = { sim_msg_get(req, "dir", 0), sim_msg_get(req, "name", 0) };
  int64_t a = sim_msg_get(req, "a", 0), b = sim_msg_get(req, "b", 0);
  int64_t zxid = last_applied(z);
  ZkStat st;
  switch (op) {
  case ZK_OP_GET_DATA:
  case ZK_OP_EXISTS: {
    int err = zk_tree_stat(z->tree, path, &st);
    if (b && (err == ZK_OK || op == ZK_OP_EXISTS) && zk_path_valid(path))
      zk_tree_watch(z->tree, c->session, path, ZK_WATCH_DATA);
    answer(node, c, xid, stat_reply(err, zxid, &st));
    return;
  }
  case ZK_OP_GET_CHILDREN: {
    ZkReply r = { .zxid = zxid };
    r.err = zk_tree_children(z->tree, path.dir, a, &r.s[0], &r.s[1], &r.s[2]);
    if (r.err == ZK_OK && b)
      zk_tree_watch(z->tree, c->session, (ZkPath) { path.dir, 0 }, ZK_WATCH_CHILD);
    /* The real reply lists every child: about 16 bytes each. */
    r.extra = (uint32_t) MIN(r.s[0], 1 << 20) * 16;
    answer(node, c, xid, r);
    return;
  }
  default:
    break;
  }
  /* A write or sync: once per (session, xid), through the log, answered
   * in order. One applied already (before a reconnection) is answered
   * from its result. */
  GHashTable *done = done_of(z, c->session);
  gint64 k = xid;
  g_array_append_val(c->inflight, xid);
  if (done && (g_hash_table_contains(done, &k) || xid <= done_floor(z, c->session))) {
    settle(node, z, c);
    return;
  }
  ZkTxn t = { .session = c->session, .xid = xid, .path = path, .data = a, .arg = b };
  t.kind = op == ZK_OP_CREATE ? ZK_TXN_CREATE : op == ZK_OP_DELETE ? ZK_TXN_DELETE
           : op == ZK_OP_SET_DATA ? ZK_TXN_SET_DATA : op == ZK_OP_SYNC ? ZK_TXN_SYNC : ZK_TXN_NOOP;
  if (t.kind == ZK_TXN_NOOP || !zk_txn_packable(&t)) {
    /* Refused without the log: answered once the writes before it are. */
    if (done)
      g_hash_table_replace(done, box(xid), g_memdup2(&(ZkReply) { .err = ZK_BADARGUMENTS, .zxid = zxid }, sizeof(ZkReply)));
    settle(node, z, c);
    return;
  }
  int64_t w[RAFT_CMD_WORDS];
  zk_txn_pack(&t, w);
  raft_server_propose(node, z->server, w); /* a one-server cluster applies it at once */
}

/* ---- connections ---- */

static void send_connected(SimNode *node, ZkServer *z, const ZkConn *c, int64_t nonce)
{
  SimMsg *m = sim_msg_new(node, "Connected");
  sim_msg_set(m, "session", c->session);
  sim_msg_set(m, "conn", c->id);
  sim_msg_set(m, "timeout", zk_tree_session_timeout(z->tree, c->session));
  sim_msg_set(m, "nonce", nonce);
  sim_msg_set(m, "attempt", c->attempt);
  sim_send(node, c->client, m);
}

/* A new connection for `session` from `client`'s connection attempt
 * `attempt` (replacing any older one, whose watches go), answered
 * Connected; a duplicate of the attempt that made the current connection
 * gets the same answer again. `first` is the client's first unanswered
 * xid: processing resumes there. */
static void connect_session(SimNode *node, ZkServer *z, int client, int64_t session, int64_t nonce,
                            int64_t first, int64_t attempt)
{
  ZkConn *old = conn_of_session(z, session);
  if (old && old->client == client && old->attempt == attempt) {
    send_connected(node, z, old, nonce);
    return;
  }
  if (old)
    conn_drop(z, old);
  ZkConn *c = g_new0(ZkConn, 1);
  c->attempt = attempt;
  /* Unique in the run (server, incarnation, counter) and < 2^39, so a
   * client never mistakes another server's connection for its own. */
  z->conn_counter = (z->conn_counter + 1) & ((INT64_C(1) << 19) - 1);
  c->id = (int64_t) (sim_node_id(node) & 0xfff) << 27 | (int64_t) (sim_node_incarnation(node) & 0xff) << 19
          | z->conn_counter;
  c->session = session;
  c->client = client;
  c->next_xid = MAX(first, 1);
  c->pruned = c->next_xid;
  c->pending = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  c->replies = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  c->notes = g_array_new(FALSE, FALSE, sizeof(ZkNote));
  c->inflight = g_array_new(FALSE, FALSE, sizeof(int64_t));
  g_hash_table_replace(z->conns, box(c->id), c);
  g_hash_table_replace(z->by_session, box(session), box(c->id));
  touch(node, z, session);
  send_connected(node, z, c, nonce);
}

/* ---- applying committed transactions (every replica) ---- */

static void apply_session(SimNode *node, ZkServer *z, int64_t zxid, const ZkTxn *t)
{
  gint64 nk = t->nonce;
  if (g_hash_table_contains(z->nonces, &nk))
    return; /* a second SESSION txn for one nonce (two leaders' logs): one session */
  if (zxid > ZK_SESSION_ID_MAX || !zk_tree_session_open(z->tree, zxid, t->timeout_ms * SIM_MS))
    return;
  g_hash_table_replace(z->nonces, box(t->nonce), box(zxid));
  g_hash_table_replace(z->done, box(zxid), g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free));
  g_hash_table_replace(z->tops, box(zxid), box(-1));
  if (!leading(z))
    return;
  touch(node, z, zxid);
  ZkConnecting *w = g_hash_table_lookup(z->connecting, &nk);
  if (w) {
    ZkConnecting copy = *w;
    g_hash_table_remove(z->connecting, &nk);
    connect_session(node, z, copy.client, zxid, t->nonce, 1, copy.attempt);
  }
}

static void send_expired(SimNode *node, int client, int64_t session)
{
  SimMsg *m = sim_msg_new(node, "Expired");
  sim_msg_set(m, "session", session);
  sim_send(node, client, m);
}

static void apply_expire(SimNode *node, ZkServer *z, int64_t zxid, const ZkTxn *t, GArray *events)
{
  gint64 k = t->session;
  g_hash_table_remove(z->expiring, &k);
  g_hash_table_remove(z->heard, &k);
  if (zk_tree_session_close(z->tree, t->session, zxid, events) != ZK_OK)
    return;
  g_hash_table_remove(z->done, &k);
  g_hash_table_remove(z->tops, &k);
  gboolean leader = leading(z);
  if (leader)
    sim_metric_add(sim_node_sim(node), "zk_sessions_expired", 1);
  ZkConn *c = conn_of_session(z, t->session);
  if (c) {
    int client = c->client;
    conn_drop(z, c);
    send_expired(node, client, t->session);
  }
  SimMsg ev = sim_record("zk_expire");
  sim_msg_set(&ev, "session", t->session);
  sim_msg_set(&ev, "zxid", zxid);
  if (leader)
    sim_emit(node, &ev);
}

/* A write or sync: applied once per (session, xid); its result. */
static ZkReply apply_write(ZkServer *z, int64_t zxid, const ZkTxn *t, GArray *events)
{
  GHashTable *done = done_of(z, t->session);
  gint64 k = t->xid;
  ZkReply *old = done ? g_hash_table_lookup(done, &k) : NULL;
  if (old)
    return *old;
  ZkReply r = { .zxid = zxid };
  if (done && t->xid <= done_floor(z, t->session)) {
    r.err = ZK_SESSIONEXPIRED; /* it may have been applied: its result went */
    return r;
  }
  ZkStat st;
  switch (t->kind) {
  case ZK_TXN_CREATE:
    r.err = zk_tree_create(z->tree, zxid, t->session, t->path, t->data, (int) t->arg, &r.s[0], events);
    break;
  case ZK_TXN_DELETE:
    r.err = zk_tree_delete(z->tree, zxid, t->session, t->path, t->arg, events);
    break;
  case ZK_TXN_SET_DATA:
    r.err = zk_tree_set_data(z->tree, zxid, t->session, t->path, t->data, t->arg, &st, events);
    r = stat_reply(r.err, zxid, &st);
    break;
  default:
    r.err = zk_tree_session_alive(z->tree, t->session) ? ZK_OK : ZK_SESSIONEXPIRED;
    break;
  }
  if (done)
    g_hash_table_replace(done, box(t->xid), g_memdup2(&r, sizeof r));
  note_applied(z, t->session, t->xid);
  return r;
}

static void zk_apply(SimNode *node, void *machine, int64_t zxid, const RaftEntry *e)
{
  ZkServer *z = machine;
  ZkTxn t;
  zk_txn_unpack(&t, e->cmd);
  g_autoptr(GArray) events = g_array_new(FALSE, FALSE, sizeof(ZkWatchEvent));
  switch (t.kind) {
  case ZK_TXN_NOOP:
    break;
  case ZK_TXN_SESSION:
    apply_session(node, z, zxid, &t);
    break;
  case ZK_TXN_EXPIRE:
    apply_expire(node, z, zxid, &t, events);
    notify(node, z, events);
    break;
  default: {
    ZkReply r = apply_write(z, zxid, &t, events);
    notify(node, z, events); /* before the reply: watch events come first */
    (void) r;
    ZkConn *c = conn_of_session(z, t.session);
    if (c) {
      settle(node, z, c);
      pump(node, z, c->id);
    }
    break;
  }
  }
}

/* ---- client messages (the leader serves; others redirect) ---- */

/* NotLeader {leader, conn, attempt}: the leader this server knows (-1:
 * none), echoing the request's connection or connection attempt. */
static void not_leader(SimNode *node, ZkServer *z, const SimMsg *msg)
{
  SimMsg *m = sim_msg_new(node, "NotLeader");
  sim_msg_set(m, "leader", raft_server_leader(z->server));
  sim_msg_set(m, "conn", sim_msg_get(msg, "conn", 0));
  sim_msg_set(m, "attempt", sim_msg_get(msg, "attempt", 0));
  sim_send(node, msg->src, m);
}

static void no_conn(SimNode *node, int to, int64_t conn)
{
  SimMsg *m = sim_msg_new(node, "NoConn");
  sim_msg_set(m, "conn", conn);
  sim_send(node, to, m);
}

/* Connect {session (0: new), nonce, timeout, first, attempt}. */
static void on_connect(SimNode *node, ZkServer *z, const SimMsg *msg)
{
  if (!ready(z))
    return; /* the client sends again */
  int64_t session = sim_msg_get(msg, "session", 0), nonce = sim_msg_get(msg, "nonce", -1);
  int64_t attempt = sim_msg_get(msg, "attempt", 0);
  if (session) {
    if (zk_tree_session_alive(z->tree, session))
      connect_session(node, z, msg->src, session, nonce, sim_msg_get(msg, "first", 1), attempt);
    else
      send_expired(node, msg->src, session);
    return;
  }
  gint64 nk = nonce;
  gint64 *opened = g_hash_table_lookup(z->nonces, &nk);
  if (opened) {
    /* A duplicate of a connect already granted (its answer was lost). */
    if (zk_tree_session_alive(z->tree, *opened))
      connect_session(node, z, msg->src, *opened, nonce, sim_msg_get(msg, "first", 1), attempt);
    else
      send_expired(node, msg->src, *opened);
    return;
  }
  ZkConnecting *waiting = g_hash_table_lookup(z->connecting, &nk);
  if (waiting) {
    waiting->attempt = attempt; /* its SESSION txn is in the log: answer this attempt */
    return;
  }
  /* ZooKeeper's bounds: 2 to 20 ticks. */
  SimTime asked = sim_msg_get(msg, "timeout", 0);
  SimTime granted = CLAMP(asked, 2 * z->tick, 20 * z->tick);
  ZkTxn t = { .kind = ZK_TXN_SESSION, .nonce = nonce, .timeout_ms = MAX(granted / SIM_MS, 1) };
  if (!zk_txn_packable(&t))
    return;
  int64_t w[RAFT_CMD_WORDS];
  zk_txn_pack(&t, w);
  ZkConnecting c = { msg->src, attempt };
  g_hash_table_replace(z->connecting, box(nonce), g_memdup2(&c, sizeof c));
  if (!raft_server_propose(node, z->server, w))
    g_hash_table_remove(z->connecting, &nk);
}

/* The connection a message names, touching its session; NoConn if none. */
static ZkConn *conn_of_msg(SimNode *node, ZkServer *z, const SimMsg *msg)
{
  int64_t id = sim_msg_get(msg, "conn", 0);
  ZkConn *c = conn_find(z, id);
  if (!c || c->client != msg->src) {
    no_conn(node, msg->src, id);
    return NULL;
  }
  touch(node, z, c->session);
  return c;
}

/* Replies the client has all of (it names its first unanswered xid). */
/* The client has every result below `ack` and will not ask again: the
 * answers kept for resending go (xids are consecutive, so each once).
 * The session's applied results stay until it ends: a second log entry
 * of a request (proposed again after a reconnection) may still come, and
 * only its result tells it apart. */
static void prune_replies(ZkConn *c, int64_t ack)
{
  ack = MIN(ack, c->next_xid);
  for (gint64 x = c->pruned; x < ack; x++)
    g_hash_table_remove(c->replies, &x);
  c->pruned = MAX(c->pruned, ack);
}

/* Request {conn, xid, op, dir, name, a, b, ack}. */
static void on_request(SimNode *node, ZkServer *z, const SimMsg *msg)
{
  ZkConn *c = conn_of_msg(node, z, msg);
  if (!c)
    return;
  prune_replies(c, sim_msg_get(msg, "ack", 0));
  gint64 xid = sim_msg_get(msg, "xid", 0);
  if (xid < c->next_xid) {
    ZkReply *r = g_hash_table_lookup(c->replies, &xid);
    if (r)
      send_reply(node, c, xid, r); /* its answer was lost */
    return;                        /* else it is being processed */
  }
  if (!g_hash_table_contains(c->pending, &xid))
    g_hash_table_insert(c->pending, box(xid), g_memdup2(msg, sizeof *msg));
  pump(node, z, c->id);
}

static void on_ping(SimNode *node, ZkServer *z, const SimMsg *msg)
{
  ZkConn *c = conn_of_msg(node, z, msg);
  if (!c)
    return;
  prune_replies(c, sim_msg_get(msg, "ack", 0));
  SimMsg *m = sim_msg_new(node, "Pong");
  sim_msg_set(m, "cn", cn(c, c->seq));
  sim_send(node, c->client, m);
}

/* WatchAck {conn, seq}: every notification up to seq arrived. */
static void on_watch_ack(SimNode *node, ZkServer *z, const SimMsg *msg)
{
  ZkConn *c = conn_of_msg(node, z, msg);
  if (!c)
    return;
  int64_t seq = sim_msg_get(msg, "seq", 0);
  guint n = 0;
  while (n < c->notes->len && g_array_index(c->notes, ZkNote, n).seq <= seq)
    n++;
  g_array_remove_range(c->notes, 0, n);
}

static void zk_on_message(SimNode *node, void *machine, const SimMsg *msg)
{
  ZkServer *z = machine;
  const char *t = msg->type;
  gboolean known = strcmp(t, "Connect") == 0 || strcmp(t, "Request") == 0 || strcmp(t, "Ping") == 0
                   || strcmp(t, "WatchAck") == 0;
  if (!known)
    return;
  if (raft_server_role(z->server) != RAFT_LEADER) {
    not_leader(node, z, msg);
    return;
  }
  if (strcmp(t, "Connect") == 0)
    on_connect(node, z, msg);
  else if (!ready(z))
    no_conn(node, msg->src, sim_msg_get(msg, "conn", 0));
  else if (strcmp(t, "Request") == 0)
    on_request(node, z, msg);
  else if (strcmp(t, "Ping") == 0)
    on_ping(node, z, msg);
  else
    on_watch_ack(node, z, msg);
}

/* ---- leadership and timers ---- */

static void zk_on_leadership(SimNode *node, void *machine, gboolean leading)
{
  ZkServer *z = machine;
  g_hash_table_remove_all(z->conns);
  g_hash_table_remove_all(z->by_session);
  g_hash_table_remove_all(z->connecting);
  g_hash_table_remove_all(z->heard);
  g_hash_table_remove_all(z->expiring);
  zk_tree_unwatch_all(z->tree);
  sim_timer_cancel(node, z->tick_timer);
  sim_timer_cancel(node, z->resend_timer);
  z->tick_timer = z->resend_timer = 0;
  if (!leading)
    return;
  z->tick_timer = sim_timer_after(node, z->tick, RAFT_MACHINE_TIMER | TAG_TICK);
  z->resend_timer = sim_timer_after(node, z->resend, RAFT_MACHINE_TIMER | TAG_RESEND);
}

/* The leader's session tracker, every tick once ready: a session silent
 * for its timeout expires (through the log). A session this leader has
 * not tracked yet starts its timeout now (a new leader gives every
 * session a fresh one: `heard` is emptied when leadership begins). */
static void expire_silent(SimNode *node, ZkServer *z)
{
  SimTime now = sim_node_clock(node);
  g_autoptr(GArray) open = zk_tree_sessions(z->tree);
  for (guint i = 0; i < open->len; i++) {
    gint64 id = g_array_index(open, int64_t, i);
    if (g_hash_table_contains(z->expiring, &id))
      continue;
    SimTime *heard = g_hash_table_lookup(z->heard, &id);
    if (!heard) {
      touch(node, z, id);
      continue;
    }
    if (now - *heard <= zk_tree_session_timeout(z->tree, id))
      continue;
    ZkTxn t = { .kind = ZK_TXN_EXPIRE, .session = id };
    int64_t w[RAFT_CMD_WORDS];
    zk_txn_pack(&t, w);
    g_hash_table_replace(z->expiring, box(id), GINT_TO_POINTER(1));
    if (!raft_server_propose(node, z->server, w))
      return;
  }
}

static gint cmp_int64_ptr(gconstpointer a, gconstpointer b)
{
  int64_t x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/* Sends every unacknowledged notification again, connections in id order. */
static void resend_notes(SimNode *node, ZkServer *z)
{
  GList *ids = g_hash_table_get_keys(z->conns);
  ids = g_list_sort(ids, cmp_int64_ptr);
  for (GList *l = ids; l; l = l->next) {
    ZkConn *c = g_hash_table_lookup(z->conns, l->data);
    for (guint i = 0; i < c->notes->len; i++)
      send_note(node, c, &g_array_index(c->notes, ZkNote, i));
  }
  g_list_free(ids);
}

static void zk_on_timer(SimNode *node, void *machine, uint64_t tag)
{
  ZkServer *z = machine;
  if (raft_server_role(z->server) != RAFT_LEADER)
    return;
  if ((tag & ~RAFT_MACHINE_TIMER) == TAG_TICK) {
    z->tick_timer = sim_timer_after(node, z->tick, RAFT_MACHINE_TIMER | TAG_TICK);
    if (ready(z))
      expire_silent(node, z);
  } else {
    z->resend_timer = sim_timer_after(node, z->resend, RAFT_MACHINE_TIMER | TAG_RESEND);
    resend_notes(node, z);
  }
}

/* ---- snapshots (Raft §7): the replicated state apply depends on ---- */

/* The snapshot, packed values (zk_tree.h): the tree's (zk_tree_snapshot:
 * znodes with their stats, so the sequential counters, and sessions with
 * their ephemerals); then the applied results kept per open session
 * (thesis §6.3: the duplicate filter is state, or a request whose second
 * log entry comes after the snapshot would apply twice): nsessions, per
 * session in id order the session (difference from the one before),
 * its highest xid applied + 1 (0: none),
 * nresults and per result in xid order the xid (difference), err * 16 +
 * mask, zxid and the s[i] that mask says are nonzero; then the nonces that
 * opened sessions: n, then nonce (difference), session in nonce order.
 * Watches, connections and the leader's session clocks are not
 * replicated and not in it. */
static void zk_snapshot(void *machine, GArray *out)
{
  ZkServer *z = machine;
  ZkPacker p = { out, 0, 0 };
  zk_tree_snapshot(z->tree, &p);
  g_autoptr(GArray) sessions = zk_sorted_keys(z->done);
  zk_pack_put(&p, sessions->len);
  int64_t prev_session = 0;
  for (guint i = 0; i < sessions->len; i++) {
    int64_t session = g_array_index(sessions, int64_t, i);
    GHashTable *done = done_of(z, session);
    g_autoptr(GArray) xids = zk_sorted_keys(done);
    zk_pack_put(&p, session - prev_session);
    prev_session = session;
    gint64 *top = g_hash_table_lookup(z->tops, &session);
    zk_pack_put(&p, (top ? *top : -1) + 1);
    zk_pack_put(&p, xids->len);
    int64_t prev_xid = -1; /* xids start at 0 */
    for (guint j = 0; j < xids->len; j++) {
      int64_t xid = g_array_index(xids, int64_t, j);
      const ZkReply *r = g_hash_table_lookup(done, &xid);
      int64_t mask = 0;
      for (guint k = 0; k < 4; k++)
        mask |= r->s[k] ? INT64_C(1) << k : 0;
      zk_pack_put(&p, xid - prev_xid);
      prev_xid = xid;
      zk_pack_put(&p, (int64_t) r->err * 16 + mask);
      zk_pack_put(&p, r->zxid);
      for (guint k = 0; k < 4; k++)
        if (r->s[k])
          zk_pack_put(&p, r->s[k]);
    }
  }
  g_autoptr(GArray) nonces = zk_sorted_keys(z->nonces);
  zk_pack_put(&p, nonces->len);
  int64_t prev_nonce = -1;
  for (guint i = 0; i < nonces->len; i++) {
    int64_t nonce = g_array_index(nonces, int64_t, i);
    zk_pack_put(&p, nonce - prev_nonce);
    prev_nonce = nonce;
    zk_pack_put(&p, *(gint64 *) g_hash_table_lookup(z->nonces, &nonce));
  }
  zk_pack_finish(&p);
}

/* The next key of a strictly increasing sequence after `prev` (its
 * difference is >= 1; else r goes bad). */
static int64_t take_next(ZkWords *r, int64_t prev)
{
  int64_t d = zk_words_take(r);
  if (r->bad || d < 1 || (prev > 0 && d > G_MAXINT64 - prev)) {
    r->bad = TRUE;
    return 0;
  }
  return prev + d;
}

/* Reads what zk_snapshot wrote; FALSE, machine unchanged, when the words
 * are not such a snapshot. The tree comes without watches: a server
 * restores only at start or as a follower, serving no clients. */
static gboolean zk_restore(void *machine, const int64_t *words, guint n)
{
  ZkServer *z = machine;
  ZkWords r = { words, n, 0, FALSE };
  ZkTree *tree = zk_tree_restore(&r);
  GHashTable *done = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  GHashTable *nonces = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  GHashTable *tops = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  int64_t nsessions = zk_words_count(&r, 3), session = 0;
  for (int64_t i = 0; i < nsessions && !r.bad; i++) {
    session = take_next(&r, session);
    int64_t top = zk_words_take(&r) - 1;
    r.bad = r.bad || top < -1;
    g_hash_table_replace(tops, box(session), box(top));
    GHashTable *results = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    g_hash_table_replace(done, box(session), results);
    int64_t nresults = zk_words_count(&r, 3), xid = -1;
    for (int64_t j = 0; j < nresults && !r.bad; j++) {
      xid = take_next(&r, xid);
      int64_t head = zk_words_take(&r);
      ZkReply rep = { .err = (int) ((head - (head & 15)) / 16) };
      rep.zxid = zk_words_take(&r);
      for (guint k = 0; k < 4; k++)
        if (head & (INT64_C(1) << k))
          rep.s[k] = zk_words_take(&r);
      g_hash_table_replace(results, box(xid), g_memdup2(&rep, sizeof rep));
    }
  }
  int64_t nnonces = r.bad ? -1 : zk_words_count(&r, 2), nonce = -1;
  for (int64_t i = 0; i < nnonces && !r.bad; i++) {
    nonce = take_next(&r, nonce);
    g_hash_table_replace(nonces, box(nonce), box(zk_words_take(&r)));
  }
  if (!tree || !zk_words_done(&r)) {
    zk_tree_free(tree);
    g_hash_table_unref(done);
    g_hash_table_unref(nonces);
    g_hash_table_unref(tops);
    return FALSE;
  }
  zk_tree_free(z->tree);
  g_hash_table_unref(z->done);
  g_hash_table_unref(z->tops);
  g_hash_table_unref(z->nonces);
  z->tree = tree;
  z->tops = tops;
  z->done = done;
  z->nonces = nonces;
  return TRUE;
}

const RaftMachine zk_server_machine = {
  .create = zk_create_machine,
  .free = zk_free_machine,
  .apply = zk_apply,
  .on_message = zk_on_message,
  .on_leadership = zk_on_leadership,
  .on_timer = zk_on_timer,
  .snapshot = zk_snapshot,
  .restore = zk_restore,
};

static void zk_server_start(SimNode *node)
{
  if (sim_node_param_duration(node, "tick") <= 0 || sim_node_param_duration(node, "resend") <= 0) {
    sim_fail(sim_node_sim(node), "node '%s' (zk.server): tick and resend must be > 0", sim_node_name(node));
    return;
  }
  raft_server_start(node, &zk_server_machine);
}

static void zk_server_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  raft_server_finish(sim, nodes, count);
  sim_metric_add(sim, "zk_sessions_expired", 0);
  sim_metric_add(sim, "zk_watches_fired", 0);
}

static const SimParamSpec zk_server_params[] = {
  RAFT_SERVER_PARAMS,
  { "tick", SIM_PARAM_DURATION, "100ms", "ZooKeeper's tickTime: the leader checks session expiry every tick; a session timeout is clamped to [2, 20] ticks", 0, 0 },
  { "resend", SIM_PARAM_DURATION, "50ms", "period at which unacknowledged watch notifications are sent again", 0, 0 },
  { NULL },
};

const SimModel model_zk_server = {
  .name = "zk.server",
  .summary = "ZooKeeper service on Raft: data tree, sessions, ephemeral and sequential znodes, watches; clients use the zk session library (zk.client, lock.zk, ...)",
  .params = zk_server_params,
  .init = zk_server_start,
  .on_message = raft_server_on_message,
  .on_timer = raft_server_on_timer,
  .finish = zk_server_finish,
};

void zk_server_set_result_window(void *machine, gboolean on) { ((ZkServer *) machine)->window = on; }

gboolean zk_server_has_result(void *machine, int64_t session, int64_t xid)
{
  GHashTable *done = done_of(machine, session);
  gint64 k = xid;
  return done && g_hash_table_contains(done, &k);
}

int zk_server_stat(void *machine, ZkPath path, ZkStat *st) { return zk_tree_stat(((ZkServer *) machine)->tree, path, st); }
