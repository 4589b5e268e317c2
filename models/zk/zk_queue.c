/* The sequential-ephemeral queue of ZooKeeper's lock and election recipes
 * (see zk_queue.h). Steps as numbered on the recipes page, "Locks":
 *   1. create "<dir>/lock-" EPHEMERAL|SEQUENTIAL;
 *   2. getChildren(dir) without a watch (predecessor recipe) or with one
 *      (herd recipe);
 *   3. the smallest sequence number holds the lock;
 *   4. otherwise exists(next lowest, watch);
 *   5. if it is gone already, back to 2; else wait for its notification,
 *      then back to 2.
 * Release: delete the child. The page's note about a lost create answer
 * (a guid in the name) is the session library's job here: it retransmits
 * a request under the same xid and the server answers a duplicate from
 * its record of (session, xid), so the create's answer is never lost while
 * the session lives. */
#include "models/zk/zk_queue.h"

/* The queue's tags: bit 61, the generation, the kind in the low byte. */
#define Q_TAG_BIT (UINT64_C(1) << 61)
enum { Q_DIR = 1, Q_CREATE, Q_READ, Q_EXISTS, Q_DELETE };

static uint64_t q_tag(const ZkQueue *q, int kind) { return Q_TAG_BIT | (q->gen << 8) | (uint64_t) kind; }

ZkQueueStep zk_queue_decide(int64_t mine, const ZkResult *res, ZkQueueWatch how, int64_t *watch)
{
  if (res->err == ZK_SESSIONEXPIRED || res->err == ZK_NONODE)
    return ZK_QUEUE_STEP_GONE;
  if (res->err != ZK_OK)
    return ZK_QUEUE_STEP_REREAD;
  if (res->nchildren > 0 && res->first == mine)
    return ZK_QUEUE_STEP_FIRST;
  if (res->pred == 0 || res->nchildren < 2)
    return ZK_QUEUE_STEP_GONE; /* nothing smaller, yet mine is not first: mine is not there */
  if (how == ZK_QUEUE_HERD)
    return ZK_QUEUE_STEP_WAIT;
  if (watch)
    *watch = res->pred;
  return ZK_QUEUE_STEP_WATCH;
}

void zk_queue_init(ZkQueue *q, ZkSession *session, int64_t dir, ZkQueueWatch how, ZkQueueFirstFn on_first, void *ud)
{
  *q = (ZkQueue) { .session = session, .dir = dir, .how = how, .on_first = on_first, .ud = ud };
}

static void count(SimNode *node, ZkQueue *q)
{
  q->msgs++;
  sim_metric_add(sim_node_sim(node), ZK_METRIC_RECIPE_MESSAGES, 1);
}

/* Step 1 (after the directory): the contender's own child. */
static void create_child(SimNode *node, ZkQueue *q)
{
  q->phase = ZK_QUEUE_CREATE;
  q->mine = q->czxid = q->watched = 0;
  zk_create(q->session, (ZkPath) { q->dir, 0 }, zk_session_id(q->session), ZK_EPHEMERAL | ZK_SEQUENTIAL,
            q_tag(q, Q_CREATE));
  count(node, q);
}

/* Step 2: read the children (with a watch in the herd recipe). A new
 * generation, so an older read's answer is not taken for this one. */
static void read_children(SimNode *node, ZkQueue *q)
{
  q->gen++;
  q->phase = ZK_QUEUE_READ;
  zk_get_children(q->session, q->dir, q->mine, q->how == ZK_QUEUE_HERD, q_tag(q, Q_READ));
  count(node, q);
}

static void start(SimNode *node, ZkQueue *q)
{
  q->gen++;
  if (q->dir_known) {
    create_child(node, q);
    return;
  }
  q->phase = ZK_QUEUE_DIR;
  q->requested = TRUE;
  zk_create(q->session, (ZkPath) { q->dir, 0 }, 0, 0, q_tag(q, Q_DIR));
  count(node, q);
}

void zk_queue_enter(SimNode *node, ZkQueue *q)
{
  q->phase = ZK_QUEUE_DIR;
  q->mine = 0;
  q->requested = FALSE;
  if (zk_session_connected(q->session))
    start(node, q);
  else
    q->gen++; /* starts at on_connected; nothing of ours is in flight */
}

gboolean zk_queue_active(const ZkQueue *q) { return q->phase != ZK_QUEUE_OUT; }

void zk_queue_leave(SimNode *node, ZkQueue *q)
{
  /* A create in flight is answered under the old generation; its answer
   * deletes the child it made (zk_queue_on_result). */
  if (q->mine != 0) {
    zk_delete(q->session, (ZkPath) { q->dir, q->mine }, -1, q_tag(q, Q_DELETE));
    count(node, q);
  }
  q->gen++;
  q->phase = ZK_QUEUE_OUT;
  q->mine = q->czxid = q->watched = 0;
}

static void after_read(SimNode *node, ZkQueue *q, const ZkResult *res)
{
  int64_t watch = 0;
  switch (zk_queue_decide(q->mine, res, q->how, &watch)) {
  case ZK_QUEUE_STEP_FIRST:
    q->phase = ZK_QUEUE_FIRST;
    q->on_first(node, q, q->ud);
    break;
  case ZK_QUEUE_STEP_WATCH:
    q->phase = ZK_QUEUE_EXISTS;
    q->watched = watch;
    zk_exists(q->session, (ZkPath) { q->dir, watch }, TRUE, q_tag(q, Q_EXISTS));
    count(node, q);
    break;
  case ZK_QUEUE_STEP_WAIT:
    q->phase = ZK_QUEUE_WAIT;
    break;
  case ZK_QUEUE_STEP_GONE:
    /* Expired: on_expired follows. Otherwise our child went away under
     * us (the directory was removed?): contend again from the start. */
    if (res->err != ZK_SESSIONEXPIRED) {
      q->dir_known = res->err != ZK_NONODE;
      start(node, q);
    }
    break;
  case ZK_QUEUE_STEP_REREAD:
    read_children(node, q);
    break;
  }
}

gboolean zk_queue_on_result(SimNode *node, ZkQueue *q, uint64_t tag, const ZkResult *res)
{
  if (!(tag & Q_TAG_BIT))
    return FALSE;
  count(node, q);
  int kind = (int) (tag & 0xff);
  gboolean current = ((tag & ~Q_TAG_BIT) >> 8) == q->gen;
  switch (kind) {
  case Q_DIR:
    if (res->err == ZK_OK || res->err == ZK_NODEEXISTS)
      q->dir_known = TRUE;
    if (current && q->phase == ZK_QUEUE_DIR && res->err != ZK_SESSIONEXPIRED) {
      if (q->dir_known)
        create_child(node, q);
      else
        start(node, q);
    }
    break;
  case Q_CREATE:
    if (res->err != ZK_OK)
      break; /* SESSIONEXPIRED: on_expired follows */
    if (!current || q->phase != ZK_QUEUE_CREATE) {
      /* Left while the create was in flight: the child is nobody's. */
      zk_delete(q->session, (ZkPath) { q->dir, res->name }, -1, Q_TAG_BIT | (uint64_t) Q_DELETE);
      count(node, q);
      break;
    }
    q->mine = res->name;
    q->czxid = res->zxid;
    read_children(node, q);
    break;
  case Q_READ:
    if (current && q->phase == ZK_QUEUE_READ)
      after_read(node, q, res);
    break;
  case Q_EXISTS:
    if (!current || q->phase != ZK_QUEUE_EXISTS)
      break;
    if (res->err == ZK_NONODE)
      read_children(node, q); /* step 5: gone already */
    else if (res->err == ZK_OK)
      q->phase = ZK_QUEUE_WAIT;
    break;
  default:
    break;
  }
  return TRUE;
}

void zk_queue_on_watch(SimNode *node, ZkQueue *q, int event, ZkPath path)
{
  count(node, q);
  /* The session library hands over a notification before any result the
   * server produced after it, so one that comes while a read is out is
   * already reflected in that read. */
  if (path.dir != q->dir || (q->phase != ZK_QUEUE_WAIT && q->phase != ZK_QUEUE_EXISTS))
    return;
  if (q->how == ZK_QUEUE_PREDECESSOR ? path.name == q->watched : event == ZK_EV_CHILD && path.name == 0)
    read_children(node, q);
}

void zk_queue_on_connected(SimNode *node, ZkQueue *q)
{
  if (q->phase == ZK_QUEUE_DIR && !q->requested)
    start(node, q); /* entered while disconnected */
  else if (q->phase == ZK_QUEUE_WAIT)
    read_children(node, q); /* the watch was on the old connection */
  /* A request in flight is sent again on the new connection by the session
   * library, and a read sets its watch where it is answered. */
}

void zk_queue_on_expired(ZkQueue *q)
{
  q->gen++;
  q->phase = ZK_QUEUE_OUT;
  q->mine = q->czxid = q->watched = 0;
}
