/* ZooKeeper transactions packed into a Raft entry's three words (zk.h):
 * the log carries only int64 fields, so each field gets a fixed range and
 * a request outside it is refused (ZK_BADARGUMENTS) before it is logged. */
#include "models/zk/zk.h"

static gboolean is_int32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

gboolean zk_txn_packable(const ZkTxn *t)
{
  if (t->session < 0 || t->session > ZK_SESSION_ID_MAX || t->xid < 0 || t->xid > INT32_MAX)
    return FALSE;
  switch (t->kind) {
  case ZK_TXN_CREATE:
  case ZK_TXN_DELETE:
  case ZK_TXN_SET_DATA:
    return zk_path_valid(t->path) && is_int32(t->data) && is_int32(t->arg);
  case ZK_TXN_SESSION:
    return t->nonce >= 0 && t->timeout_ms >= 0;
  default:
    return TRUE;
  }
}

void zk_txn_pack(const ZkTxn *t, int64_t w[RAFT_CMD_WORDS])
{
  w[0] = (int64_t) (((uint64_t) t->xid << 32) | ((uint64_t) t->session << 4) | (uint64_t) t->kind);
  w[1] = w[2] = 0;
  switch (t->kind) {
  case ZK_TXN_CREATE:
  case ZK_TXN_DELETE:
  case ZK_TXN_SET_DATA:
    w[1] = (int64_t) (((uint64_t) t->path.dir << 32) | (uint64_t) t->path.name);
    w[2] = (int64_t) (((uint64_t) (uint32_t) (int32_t) t->data << 32) | (uint64_t) (uint32_t) (int32_t) t->arg);
    break;
  case ZK_TXN_SESSION:
    w[1] = t->nonce;
    w[2] = t->timeout_ms;
    break;
  default:
    break;
  }
}

void zk_txn_unpack(ZkTxn *t, const int64_t w[RAFT_CMD_WORDS])
{
  uint64_t u = (uint64_t) w[0];
  *t = (ZkTxn) { 0 };
  t->kind = (ZkTxnKind) (u & 15);
  t->session = (int64_t) ((u >> 4) & (uint64_t) ZK_SESSION_ID_MAX);
  t->xid = (int64_t) (u >> 32);
  switch (t->kind) {
  case ZK_TXN_CREATE:
  case ZK_TXN_DELETE:
  case ZK_TXN_SET_DATA:
    t->path.dir = (int64_t) ((uint64_t) w[1] >> 32);
    t->path.name = (int64_t) ((uint64_t) w[1] & 0xffffffffu);
    t->data = (int32_t) (uint32_t) ((uint64_t) w[2] >> 32);
    t->arg = (int32_t) (uint32_t) ((uint64_t) w[2] & 0xffffffffu);
    break;
  case ZK_TXN_SESSION:
    t->nonce = w[1];
    t->timeout_ms = w[2];
    break;
  default:
    break;
  }
}
