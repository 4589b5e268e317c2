/* ZooKeeper on Raft (models/zk/): what zk_server.c, zk_txn.c and the
 * tests share. zk_tree.h is the data tree, zk_session.h the client
 * library and the wire's shared constants. */
#pragma once
#include "models/raft/raft.h"
#include "models/zk/zk_tree.h"

/* A transaction: the command of one Raft log entry. Its zxid is the
 * entry's index. */
typedef enum {
  ZK_TXN_NOOP = 0,     /* the leader's no-op: all words zero */
  ZK_TXN_SESSION = 1,  /* open session `zxid` for the client's nonce */
  ZK_TXN_EXPIRE = 2,   /* close `session`, deleting its ephemerals */
  ZK_TXN_CREATE = 3,
  ZK_TXN_DELETE = 4,
  ZK_TXN_SET_DATA = 5,
  ZK_TXN_SYNC = 6,     /* changes nothing: answered once committed */
} ZkTxnKind;

typedef struct {
  ZkTxnKind kind;
  int64_t session, xid;   /* the request's (session, xid), applied once */
  ZkPath path;
  int64_t data;
  int64_t arg;            /* create: flags; delete, setData: version */
  int64_t nonce;          /* SESSION: the client's nonce */
  int64_t timeout_ms;     /* SESSION: the granted timeout */
} ZkTxn;

/* Packing into RAFT_CMD_WORDS words: w0 = xid << 32 | session << 4 | kind;
 * for writes w1 = dir << 32 | name, w2 = data << 32 | (uint32) arg; for
 * SESSION w1 = nonce, w2 = timeout_ms. Limits: session < 2^28, xid < 2^31,
 * dir and name in [0, ZK_PATH_MAX], data and arg int32, nonce >= 0. */
gboolean zk_txn_packable(const ZkTxn *t);
void zk_txn_pack(const ZkTxn *t, int64_t w[RAFT_CMD_WORDS]);
void zk_txn_unpack(ZkTxn *t, const int64_t w[RAFT_CMD_WORDS]);
#define ZK_SESSION_ID_MAX ((INT64_C(1) << 28) - 1)

/* zk.server's state machine (zk_server.c). Tests may drive it without a
 * node or server (create(NULL, NULL), apply with node NULL): it then
 * applies transactions as a follower does, and snapshot/restore its
 * replicated state. */
extern const RaftMachine zk_server_machine;
/* For tests of a machine made without a node: turns the window of kept
 * results (a node's snapshot_every > 0 sets it) on or off; whether a
 * result of (session, xid) is kept; a znode's stat in its tree. */
void zk_server_set_result_window(void *machine, gboolean on);
gboolean zk_server_has_result(void *machine, int64_t session, int64_t xid);
int zk_server_stat(void *machine, ZkPath path, ZkStat *st);
