/* The ZooKeeper client session library (the part of ZooKeeper's client
 * that keeps a session: "ZooKeeper Programmer's Guide", sessions and
 * watches). A client model owns one ZkSession per node; the library
 * connects to a zk.server (following NotLeader hints to the leader),
 * establishes or re-attaches the session, pings it every third of its
 * timeout, and does over lossy, duplicating, reordering links what TCP
 * does for ZooKeeper: every request carries the session's next xid and is
 * sent again until answered (the server applies each (session, xid) once
 * and processes a session's requests in xid order), results are delivered
 * in xid order, and watch notifications are numbered per connection,
 * acknowledged, delivered once and in order, and before any result the
 * server produced after them (so a client never sees a change before the
 * watch event for it).
 *
 * Paths: a message carries at most 8 int64 fields, so the namespace has two
 * levels of integer names: ZkPath { dir, name } is "/dir" when name == 0
 * and "/dir/name" otherwise, both in [0, 2^31); "/dir/name" needs "/dir".
 *
 * After on_connected every watch the session had is gone (the new
 * connection may be on another server): re-read and re-watch there.
 * After on_expired every request still unanswered has had its result
 * with err ZK_SESSIONEXPIRED (such a write may or may not have been
 * applied: ZooKeeper says the same), and the session's ephemeral nodes are
 * deleted.
 *
 * One session per node (its timer tags are fixed). Callbacks may issue
 * requests and call zk_session_restart, but not zk_session_free. */
#pragma once
#include "sim/kernel/sim.h"

typedef struct { int64_t dir, name; } ZkPath;
enum { ZK_EPHEMERAL = 1, ZK_SEQUENTIAL = 2 };
enum { ZK_OK = 0, ZK_NONODE = -101, ZK_BADVERSION = -103,
       ZK_NOCHILDRENFOREPHEMERALS = -108, ZK_NODEEXISTS = -110,
       ZK_NOTEMPTY = -111, ZK_SESSIONEXPIRED = -112 };
/* Not in the fixed list, ZooKeeper's code for a malformed request: a path
 * or a datum outside what a message can carry (ZK_PATH_MAX, int32 data).
 * A sequential create makes a child of path.dir (path.name is ignored). */
enum { ZK_BADARGUMENTS = -8 };
enum { ZK_EV_CREATED = 1, ZK_EV_DELETED = 2, ZK_EV_CHANGED = 3, ZK_EV_CHILD = 4 };
typedef struct {
  int err;
  int64_t zxid;           /* of the change (writes) or the server's last applied (reads) */
  int64_t name;           /* create: the name given (sequential: assigned) */
  int64_t data, version, czxid, owner;  /* getData/exists: the stat */
  int64_t nchildren, first, pred;       /* getChildren: count, smallest child,
                                           largest child < `before` (0: none) */
} ZkResult;
typedef struct ZkSession ZkSession;
typedef struct {
  void (*on_connected)(SimNode *, ZkSession *, void *ud); /* session (re)established, maybe on another server: re-read, re-watch */
  void (*on_expired)(SimNode *, ZkSession *, void *ud);   /* the client learned its session expired (it may start a new one: zk_session_restart) */
  void (*on_result)(SimNode *, ZkSession *, uint64_t tag, const ZkResult *, void *ud);
  void (*on_watch)(SimNode *, ZkSession *, int event, ZkPath path, void *ud);
} ZkSessionCallbacks;
/* `servers`: the zk.server ids; `timeout`: the session timeout asked for. */
ZkSession *zk_session_new(SimNode *node, const int *servers, guint n, SimTime timeout,
                          const ZkSessionCallbacks *cb, void *ud);
void zk_session_free(ZkSession *);
void zk_session_restart(ZkSession *);             /* a new session after expiry */
int64_t zk_session_id(const ZkSession *);
gboolean zk_session_connected(const ZkSession *);
/* Requests; the result comes to on_result with `tag`. version -1 = any. */
void zk_create(ZkSession *, ZkPath path, int64_t data, int flags, uint64_t tag);
void zk_delete(ZkSession *, ZkPath path, int64_t version, uint64_t tag);
void zk_set_data(ZkSession *, ZkPath path, int64_t data, int64_t version, uint64_t tag);
void zk_get_data(ZkSession *, ZkPath path, gboolean watch, uint64_t tag);
void zk_exists(ZkSession *, ZkPath path, gboolean watch, uint64_t tag);
void zk_get_children(ZkSession *, int64_t dir, int64_t before, gboolean watch, uint64_t tag);
void zk_sync(ZkSession *, uint64_t tag);
/* The client model forwards every message and timer here first: TRUE if
 * the session library consumed it. Its timer tags have bit 62 set. */
gboolean zk_session_on_message(ZkSession *, const SimMsg *msg);
gboolean zk_session_on_timer(ZkSession *, uint64_t tag);

/* ---- additions beyond the fixed API ---- */

#define ZK_SESSION_TIMER (UINT64_C(1) << 62)
/* The interval at which unanswered requests (and connects) are sent again,
 * and the library's timer period: 50 ms unless set; at least 1 ms. */
void zk_session_set_resend(ZkSession *, SimTime resend);
/* The session timeout the server granted (0 before the first connect). */
SimTime zk_session_timeout(const ZkSession *);
/* The number of requests not yet answered. */
guint zk_session_outstanding(const ZkSession *);

/* ---- the wire (zk_server.c and zk_session.c) ---- */

/* Request operations ("Request".op). */
enum { ZK_OP_CREATE = 1, ZK_OP_DELETE = 2, ZK_OP_SET_DATA = 3, ZK_OP_GET_DATA = 4,
       ZK_OP_EXISTS = 5, ZK_OP_GET_CHILDREN = 6, ZK_OP_SYNC = 7 };
/* A path component or a datum a message and a log entry can carry. */
#define ZK_PATH_MAX ((INT64_C(1) << 31) - 1)
gboolean zk_path_valid(ZkPath path);
/* Connection ids and notification counts share one field: cn = conn << 24 | seq. */
#define ZK_SEQ_BITS 24
