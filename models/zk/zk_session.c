/* The ZooKeeper client session library (zk_session.h): connection to the
 * leader, session establishment and re-attachment, pings, and the
 * reliable, ordered channel TCP gives ZooKeeper, rebuilt over lossy
 * links: requests numbered by xid and sent again (backing off from
 * `resend`) until answered; watch notifications numbered per connection
 * and acknowledged; results and notifications delivered once each, in
 * the order the server sent them (a reply says how many notifications
 * preceded it, a notification which xid was answered before it).
 *
 * Timing follows ZooKeeper's client: a ping every third of the granted
 * timeout; silence from the server for two thirds of it means the
 * connection is lost (try the next server); connecting to one server
 * gives up after timeout / number of servers. */
#include "models/zk/zk_session.h"
#include <string.h>

enum { ZS_CONNECTING, ZS_CONNECTED, ZS_EXPIRED };
enum { TIMER_TICK = 1, TIMER_FLUSH = 2 };

typedef struct {
  int64_t xid;
  uint64_t tag;
  int op;
  ZkPath path;
  int64_t a, b;
  gboolean answered;
  ZkResult res;
  int64_t nseq;         /* notifications to deliver before the result */
  SimTime sent_at;      /* local clock; -1: not sent on this connection */
  guint sends;          /* on this connection: each resend waits twice as long, up to 8 resends */
} ZsReq;

typedef struct {
  int64_t seq;
  int event;
  ZkPath path;
  int64_t after;        /* results up to this xid come first */
} ZsNote;

struct ZkSession {
  SimNode *node;
  int *servers;
  guint n;
  SimTime asked, granted, resend;
  ZkSessionCallbacks cb;
  void *ud;
  int state;
  int64_t id, conn, nonce;
  guint target, redirects, sessions;
  int64_t attempt;      /* connection attempts: a Connected answers one */
  int64_t next_xid;
  GArray *out;          /* of ZsReq, in xid order: issued, result not delivered */
  int64_t delivered;    /* notifications delivered on this connection */
  GArray *notes;        /* of ZsNote, arrived out of order */
  SimTime last_heard, last_sent, connect_started;
  SimTimerId tick, flush;
};

static SimTime now_of(const ZkSession *s) { return sim_node_clock(s->node); }

/* ---- sending ---- */

static int64_t first_unanswered(const ZkSession *s)
{
  for (guint i = 0; i < s->out->len; i++)
    if (!g_array_index(s->out, ZsReq, i).answered)
      return g_array_index(s->out, ZsReq, i).xid;
  return s->next_xid;
}

static void send_msg(ZkSession *s, SimMsg *m)
{
  s->last_sent = now_of(s);
  sim_send(s->node, s->servers[s->target], m);
}

static void send_connect(ZkSession *s)
{
  SimMsg *m = sim_msg_new(s->node, "Connect");
  sim_msg_set(m, "session", s->id);
  sim_msg_set(m, "nonce", s->nonce);
  sim_msg_set(m, "timeout", s->asked);
  sim_msg_set(m, "first", first_unanswered(s));
  sim_msg_set(m, "attempt", s->attempt);
  send_msg(s, m);
}

static void send_request(ZkSession *s, ZsReq *r)
{
  SimMsg *m = sim_msg_new(s->node, "Request");
  sim_msg_set(m, "conn", s->conn);
  sim_msg_set(m, "xid", r->xid);
  sim_msg_set(m, "op", r->op);
  sim_msg_set(m, "dir", r->path.dir);
  sim_msg_set(m, "name", r->path.name);
  sim_msg_set(m, "a", r->a);
  sim_msg_set(m, "b", r->b);
  sim_msg_set(m, "ack", first_unanswered(s));
  r->sent_at = now_of(s);
  r->sends++;
  send_msg(s, m);
}

static void send_ping(ZkSession *s)
{
  SimMsg *m = sim_msg_new(s->node, "Ping");
  sim_msg_set(m, "conn", s->conn);
  sim_msg_set(m, "ack", first_unanswered(s));
  send_msg(s, m);
}

static gboolean have_note(const ZkSession *s, int64_t seq)
{
  for (guint i = 0; i < s->notes->len; i++)
    if (g_array_index(s->notes, ZsNote, i).seq == seq)
      return TRUE;
  return FALSE;
}

/* Acknowledges every notification received without a gap (delivered or
 * held for its turn): the server stops resending them. */
static void send_watch_ack(ZkSession *s)
{
  int64_t upto = s->delivered;
  while (have_note(s, upto + 1))
    upto++;
  SimMsg *m = sim_msg_new(s->node, "WatchAck");
  sim_msg_set(m, "conn", s->conn);
  sim_msg_set(m, "seq", upto);
  send_msg(s, m);
}

/* ---- delivery ---- */

static void schedule_flush(ZkSession *s)
{
  if (!s->flush)
    s->flush = sim_timer_after(s->node, 0, ZK_SESSION_TIMER | TIMER_FLUSH);
}

/* Results and notifications in the order the server sent them: the
 * head result once the notifications sent before it are delivered, the
 * next notification once the results answered before it are. Callbacks
 * may issue requests. */
static void deliver(ZkSession *s)
{
  for (;;) {
    if (s->out->len) {
      ZsReq r = g_array_index(s->out, ZsReq, 0);
      if (r.answered && r.nseq <= s->delivered) {
        g_array_remove_index(s->out, 0);
        if (s->cb.on_result)
          s->cb.on_result(s->node, s, r.tag, &r.res, s->ud);
        continue;
      }
    }
    int64_t pending = s->out->len ? g_array_index(s->out, ZsReq, 0).xid : s->next_xid;
    guint i = 0;
    while (i < s->notes->len && g_array_index(s->notes, ZsNote, i).seq != s->delivered + 1)
      i++;
    if (i == s->notes->len || g_array_index(s->notes, ZsNote, i).after >= pending)
      return;
    ZsNote n = g_array_index(s->notes, ZsNote, i);
    g_array_remove_index(s->notes, i);
    s->delivered = n.seq;
    if (s->cb.on_watch)
      s->cb.on_watch(s->node, s, n.event, n.path, s->ud);
  }
}

/* ---- connection state ---- */

/* Keeps s->conn: until a new connection is made, results and
 * notifications of the old one keep their order. */
static void connect_to(ZkSession *s, guint target, gboolean now)
{
  s->state = ZS_CONNECTING;
  s->target = target % s->n;
  s->attempt++;
  s->connect_started = now_of(s);
  if (now)
    send_connect(s);
}

static void next_server(ZkSession *s)
{
  s->redirects = 0;
  connect_to(s, s->target + 1, TRUE);
}

/* The session is over: every request not delivered gets its result now,
 * in order, then on_expired. A result still waiting for a notification
 * that will never come (the change it reports would be seen before its
 * watch event) is reported as SESSIONEXPIRED, an unknown outcome, like an
 * unanswered one. Requests the callbacks issue go out with the next
 * flush. */
static void expire(ZkSession *s)
{
  s->state = ZS_EXPIRED;
  s->conn = 0;
  g_array_set_size(s->notes, 0);
  g_autoptr(GArray) old = s->out;
  s->out = g_array_new(FALSE, FALSE, sizeof(ZsReq));
  int64_t delivered = s->delivered;
  s->delivered = 0;
  for (guint i = 0; i < old->len; i++) {
    ZsReq *r = &g_array_index(old, ZsReq, i);
    if (!r->answered || r->nseq > delivered)
      r->res = (ZkResult) { .err = ZK_SESSIONEXPIRED };
    if (s->cb.on_result)
      s->cb.on_result(s->node, s, r->tag, &r->res, s->ud);
  }
  if (s->cb.on_expired)
    s->cb.on_expired(s->node, s, s->ud);
}

static void on_connected_msg(ZkSession *s, const SimMsg *msg)
{
  int64_t session = sim_msg_get(msg, "session", 0);
  if (s->state != ZS_CONNECTING || msg->src != s->servers[s->target])
    return;
  if (s->id ? session != s->id : sim_msg_get(msg, "nonce", -1) != s->nonce)
    return;
  if (sim_msg_get(msg, "attempt", -1) != s->attempt)
    return; /* an answer to an earlier attempt: its connection is replaced */
  s->id = session;
  s->conn = sim_msg_get(msg, "conn", 0);
  s->granted = sim_msg_get(msg, "timeout", s->asked);
  s->state = ZS_CONNECTED;
  s->redirects = 0;
  s->last_heard = now_of(s);
  s->delivered = 0;
  g_array_set_size(s->notes, 0);
  /* The old connection's notifications are gone with its watches. */
  for (guint i = 0; i < s->out->len; i++) {
    ZsReq *r = &g_array_index(s->out, ZsReq, i);
    r->nseq = 0;
    r->sends = 0;
    if (!r->answered)
      send_request(s, r);
  }
  if (s->cb.on_connected)
    s->cb.on_connected(s->node, s, s->ud);
  deliver(s);
}

static ZsReq *find_req(ZkSession *s, int64_t xid)
{
  for (guint i = 0; i < s->out->len; i++)
    if (g_array_index(s->out, ZsReq, i).xid == xid)
      return &g_array_index(s->out, ZsReq, i);
  return NULL;
}

/* Reply {cn, xid, err, zxid, s0..s3}: a result for request xid. */
static void on_reply(ZkSession *s, const SimMsg *msg)
{
  int64_t c = sim_msg_get(msg, "cn", 0);
  int64_t conn = c >> ZK_SEQ_BITS, seq = c & ((INT64_C(1) << ZK_SEQ_BITS) - 1);
  if (conn == s->conn && msg->src == s->servers[s->target])
    s->last_heard = now_of(s);
  ZsReq *r = find_req(s, sim_msg_get(msg, "xid", 0));
  if (!r || r->answered)
    return;
  r->answered = TRUE;
  /* A reply of an older connection waits for nothing: that connection's
   * notifications are gone. */
  r->nseq = conn == s->conn ? seq : 0;
  ZkResult *res = &r->res;
  *res = (ZkResult) { .err = (int) sim_msg_get(msg, "err", 0), .zxid = sim_msg_get(msg, "zxid", 0) };
  int64_t v[4] = { sim_msg_get(msg, "s0", 0), sim_msg_get(msg, "s1", 0), sim_msg_get(msg, "s2", 0),
                   sim_msg_get(msg, "s3", 0) };
  switch (r->op) {
  case ZK_OP_CREATE:
    res->name = v[0];
    break;
  case ZK_OP_SET_DATA:
  case ZK_OP_GET_DATA:
  case ZK_OP_EXISTS:
    res->data = v[0];
    res->version = v[1];
    res->czxid = v[2];
    res->owner = v[3];
    break;
  case ZK_OP_GET_CHILDREN:
    res->nchildren = v[0];
    res->first = v[1];
    res->pred = v[2];
    break;
  default:
    break;
  }
  deliver(s);
}

/* Watch {cn, event, dir, name}: notification seq of connection conn. */
static void on_watch(ZkSession *s, const SimMsg *msg)
{
  int64_t c = sim_msg_get(msg, "cn", 0);
  int64_t conn = c >> ZK_SEQ_BITS, seq = c & ((INT64_C(1) << ZK_SEQ_BITS) - 1);
  if (s->state == ZS_EXPIRED || conn != s->conn)
    return;
  if (msg->src == s->servers[s->target])
    s->last_heard = now_of(s);
  if (seq > s->delivered) {
    if (!have_note(s, seq)) {
      ZsNote n = { seq, (int) sim_msg_get(msg, "event", 0),
                   { sim_msg_get(msg, "dir", 0), sim_msg_get(msg, "name", 0) },
                   sim_msg_get(msg, "after", 0) };
      g_array_append_val(s->notes, n);
    }
  }
  /* Acknowledged on arrival: the library holds it until its turn. */
  if (s->state == ZS_CONNECTED)
    send_watch_ack(s);
  deliver(s);
}

static int server_index(const ZkSession *s, int id)
{
  for (guint i = 0; i < s->n; i++)
    if (s->servers[i] == id)
      return (int) i;
  return -1;
}

gboolean zk_session_on_message(ZkSession *s, const SimMsg *msg)
{
  if (server_index(s, msg->src) < 0)
    return FALSE;
  const char *t = msg->type;
  gboolean current = msg->src == s->servers[s->target];
  if (strcmp(t, "Reply") == 0) {
    if (s->state != ZS_EXPIRED)
      on_reply(s, msg);
  } else if (strcmp(t, "Watch") == 0) {
    on_watch(s, msg);
  } else if (strcmp(t, "Pong") == 0) {
    if (s->state == ZS_CONNECTED && current && sim_msg_get(msg, "cn", 0) >> ZK_SEQ_BITS == s->conn)
      s->last_heard = now_of(s);
  } else if (strcmp(t, "Connected") == 0) {
    on_connected_msg(s, msg);
  } else if (strcmp(t, "Expired") == 0) {
    if (s->state != ZS_EXPIRED && s->id && sim_msg_get(msg, "session", 0) == s->id)
      expire(s);
  } else if (strcmp(t, "NoConn") == 0) {
    if (s->state == ZS_CONNECTED && current && sim_msg_get(msg, "conn", 0) == s->conn)
      connect_to(s, s->target, TRUE);
  } else if (strcmp(t, "NotLeader") == 0) {
    /* Only an answer to this connection or this attempt (a late one from
     * before would send the client away from a leader). */
    gboolean mine = s->state == ZS_CONNECTED ? sim_msg_get(msg, "conn", -1) == s->conn
                                             : sim_msg_get(msg, "attempt", -1) == s->attempt;
    if (s->state == ZS_EXPIRED || !current || !mine)
      return TRUE;
    int hint = server_index(s, (int) sim_msg_get(msg, "leader", -1));
    if (hint >= 0 && (guint) hint != s->target && s->redirects < 2 * s->n) {
      s->redirects++;
      connect_to(s, (guint) hint, TRUE);
    } else if (s->state == ZS_CONNECTED) {
      connect_to(s, s->target, FALSE); /* the tick tries again, then moves on */
    }
  } else {
    return FALSE;
  }
  return TRUE;
}

gboolean zk_session_on_timer(ZkSession *s, uint64_t tag)
{
  if (!(tag & ZK_SESSION_TIMER))
    return FALSE;
  if ((tag & ~ZK_SESSION_TIMER) == TIMER_FLUSH) {
    s->flush = 0;
    deliver(s);
    return TRUE;
  }
  s->tick = sim_timer_after(s->node, s->resend, ZK_SESSION_TIMER | TIMER_TICK);
  SimTime now = now_of(s);
  if (s->state == ZS_CONNECTING) {
    SimTime give_up = MAX(s->asked / (SimTime) s->n, 4 * s->resend);
    if (now - s->connect_started >= give_up)
      next_server(s);
    else
      send_connect(s);
  } else if (s->state == ZS_CONNECTED) {
    if (now - s->last_heard >= s->granted * 2 / 3) {
      next_server(s);
      return TRUE;
    }
    for (guint i = 0; i < s->out->len; i++) {
      ZsReq *r = &g_array_index(s->out, ZsReq, i);
      if (!r->answered && now - r->sent_at >= s->resend << MIN(MAX(r->sends, 1) - 1, 3))
        send_request(s, r);
    }
    if (now - s->last_sent >= s->granted / 3)
      send_ping(s);
  }
  return TRUE;
}

/* ---- the session ---- */

static void new_nonce(ZkSession *s)
{
  s->sessions++;
  s->nonce = (int64_t) sim_node_id(s->node) << 32 | (int64_t) (sim_node_incarnation(s->node) & 0xffff) << 16
             | (s->sessions & 0xffff);
}

ZkSession *zk_session_new(SimNode *node, const int *servers, guint n, SimTime timeout,
                          const ZkSessionCallbacks *cb, void *ud)
{
  ZkSession *s = g_new0(ZkSession, 1);
  s->node = node;
  s->servers = g_memdup2(servers, MAX(n, 1) * sizeof *servers);
  s->n = n;
  s->asked = timeout;
  s->granted = timeout;
  s->resend = 50 * SIM_MS;
  if (cb)
    s->cb = *cb;
  s->ud = ud;
  s->next_xid = 1;
  s->out = g_array_new(FALSE, FALSE, sizeof(ZsReq));
  s->notes = g_array_new(FALSE, FALSE, sizeof(ZsNote));
  if (n == 0) {
    s->state = ZS_EXPIRED;
    return s;
  }
  new_nonce(s);
  connect_to(s, (guint) sim_node_id(node) % n, TRUE);
  s->tick = sim_timer_after(node, s->resend, ZK_SESSION_TIMER | TIMER_TICK);
  return s;
}

void zk_session_free(ZkSession *s)
{
  if (!s)
    return;
  sim_timer_cancel(s->node, s->tick);
  sim_timer_cancel(s->node, s->flush);
  g_array_unref(s->out);
  g_array_unref(s->notes);
  g_free(s->servers);
  g_free(s);
}

void zk_session_restart(ZkSession *s)
{
  if (s->state != ZS_EXPIRED || s->n == 0)
    return;
  s->id = 0;
  new_nonce(s);
  connect_to(s, s->target, TRUE);
}

void zk_session_set_resend(ZkSession *s, SimTime resend) { s->resend = MAX(resend, SIM_MS); }

int64_t zk_session_id(const ZkSession *s) { return s->id; }

gboolean zk_session_connected(const ZkSession *s) { return s->state == ZS_CONNECTED; }

SimTime zk_session_timeout(const ZkSession *s) { return s->id ? s->granted : 0; }

guint zk_session_outstanding(const ZkSession *s) { return s->out->len; }

/* ---- requests ---- */

static gboolean is_int32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

static void issue(ZkSession *s, int op, ZkPath path, int64_t a, int64_t b, uint64_t tag)
{
  ZsReq r = { .xid = -1, .tag = tag, .op = op, .path = path, .a = a, .b = b, .sent_at = -1 };
  gboolean writes = op == ZK_OP_CREATE || op == ZK_OP_DELETE || op == ZK_OP_SET_DATA;
  /* One answered here takes no xid: the server processes xids in order
   * and must not wait for one it will never see. */
  if (!zk_path_valid(path) || (writes && (!is_int32(a) || !is_int32(b)))) {
    r.answered = TRUE;
    r.res.err = ZK_BADARGUMENTS;
  } else if (s->state == ZS_EXPIRED) {
    r.answered = TRUE;
    r.res.err = ZK_SESSIONEXPIRED;
  } else {
    r.xid = s->next_xid++;
  }
  g_array_append_val(s->out, r);
  if (r.answered)
    schedule_flush(s);
  else if (s->state == ZS_CONNECTED)
    send_request(s, &g_array_index(s->out, ZsReq, s->out->len - 1));
}

void zk_create(ZkSession *s, ZkPath path, int64_t data, int flags, uint64_t tag)
{
  issue(s, ZK_OP_CREATE, path, data, flags, tag);
}

void zk_delete(ZkSession *s, ZkPath path, int64_t version, uint64_t tag)
{
  issue(s, ZK_OP_DELETE, path, 0, version, tag);
}

void zk_set_data(ZkSession *s, ZkPath path, int64_t data, int64_t version, uint64_t tag)
{
  issue(s, ZK_OP_SET_DATA, path, data, version, tag);
}

void zk_get_data(ZkSession *s, ZkPath path, gboolean watch, uint64_t tag)
{
  issue(s, ZK_OP_GET_DATA, path, 0, watch ? 1 : 0, tag);
}

void zk_exists(ZkSession *s, ZkPath path, gboolean watch, uint64_t tag)
{
  issue(s, ZK_OP_EXISTS, path, 0, watch ? 1 : 0, tag);
}

void zk_get_children(ZkSession *s, int64_t dir, int64_t before, gboolean watch, uint64_t tag)
{
  issue(s, ZK_OP_GET_CHILDREN, (ZkPath) { dir, 0 }, before, watch ? 1 : 0, tag);
}

void zk_sync(ZkSession *s, uint64_t tag)
{
  issue(s, ZK_OP_SYNC, (ZkPath) { 0, 0 }, 0, 0, tag);
}
