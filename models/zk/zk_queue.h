/* The sequential-ephemeral queue under ZooKeeper's lock and leader-election
 * recipes (zookeeper.apache.org/doc/current/recipes.html, "Locks" and
 * "Leader Election"): a contender creates an EPHEMERAL|SEQUENTIAL child of
 * the queue's directory, reads the children, and is first (holds the
 * lock, leads) when its child has the smallest sequence number. Otherwise
 * it waits:
 *   ZK_QUEUE_PREDECESSOR  exists(predecessor, watch) and re-reads the
 *                         children when that one node goes (the recipe:
 *                         each deletion wakes exactly one contender);
 *   ZK_QUEUE_HERD         getChildren(watch) and re-reads on every change
 *                         of the directory (the naive recipe: every
 *                         change wakes every contender, the herd effect).
 * The directory itself is a persistent znode, created by whoever gets
 * there first (NODEEXISTS is fine).
 *
 * The owner (zk_lock.c, zk_election.c) forwards the session callbacks to
 * zk_queue_on_* and is called back once when its child becomes first. Every
 * request of a contention carries its generation in the tag, so answers to
 * an abandoned one are recognised: a create that lands after the owner
 * left is deleted at once. */
#pragma once
#include "models/zk/zk_session.h"
#include "sim/kernel/model.h"

/* Metric: every recipe message of every contender (requests, replies,
 * watch notifications; not the session library's heartbeats). */
#define ZK_METRIC_RECIPE_MESSAGES "zk_recipe_messages"

typedef enum { ZK_QUEUE_PREDECESSOR, ZK_QUEUE_HERD } ZkQueueWatch;

typedef enum {
  ZK_QUEUE_OUT,      /* not contending */
  ZK_QUEUE_DIR,      /* creating the directory */
  ZK_QUEUE_CREATE,   /* creating its child */
  ZK_QUEUE_READ,     /* getChildren in flight */
  ZK_QUEUE_EXISTS,   /* exists(predecessor, watch) in flight */
  ZK_QUEUE_WAIT,     /* waiting for a watch to fire */
  ZK_QUEUE_FIRST,    /* its child is the smallest */
} ZkQueuePhase;

/* What a getChildren answer means for contender `mine` (pure; CUnit-tested). */
typedef enum {
  ZK_QUEUE_STEP_FIRST,     /* mine is the smallest child */
  ZK_QUEUE_STEP_WATCH,     /* predecessor recipe: watch `*watch` */
  ZK_QUEUE_STEP_WAIT,      /* herd recipe: wait for the directory to change */
  ZK_QUEUE_STEP_GONE,      /* mine is not among the children */
  ZK_QUEUE_STEP_REREAD,    /* an error the next read may not have */
} ZkQueueStep;

typedef struct ZkQueue ZkQueue;
typedef void (*ZkQueueFirstFn)(SimNode *node, ZkQueue *q, void *ud);

struct ZkQueue {
  ZkSession *session;
  int64_t dir;
  ZkQueueWatch how;
  ZkQueuePhase phase;
  gboolean dir_known;  /* the directory exists (so no create for it) */
  gboolean requested;  /* ZK_QUEUE_DIR: the directory's create is out */
  uint64_t gen;        /* generation of the current contention */
  int64_t mine;        /* our child's name, 0 while unknown */
  int64_t czxid;       /* the zxid that created it: the fencing token */
  int64_t watched;     /* predecessor recipe: the name being watched */
  guint64 msgs;        /* the recipe's messages: requests, their replies, notifications */
  ZkQueueFirstFn on_first;
  void *ud;
};

/* Decides the next step from a getChildren(dir, before = mine) answer:
 * first when the smallest child is `mine`; gone when there is no smaller
 * child and mine is not the smallest either (it was deleted); otherwise
 * watch `res->pred` (predecessor) or wait for a change (herd). A result
 * with an error other than SESSIONEXPIRED asks for another read; an
 * expired session is GONE. */
ZkQueueStep zk_queue_decide(int64_t mine, const ZkResult *res, ZkQueueWatch how, int64_t *watch);

/* Sets up `q` for directory `dir` on `session`; `on_first` runs when the
 * contender's child becomes the smallest. */
void zk_queue_init(ZkQueue *q, ZkSession *session, int64_t dir, ZkQueueWatch how, ZkQueueFirstFn on_first,
                   void *ud);
/* Starts contending (creates the directory if needed, then the child).
 * Only while connected; otherwise the next on_connected starts it. */
void zk_queue_enter(SimNode *node, ZkQueue *q);
/* Stops contending or gives up being first: deletes our child (or the one
 * a create in flight will make) and becomes OUT. */
void zk_queue_leave(SimNode *node, ZkQueue *q);
/* TRUE while contending or first. */
gboolean zk_queue_active(const ZkQueue *q);

/* Session callbacks, forwarded by the owner. on_result returns FALSE for a
 * tag that is not the queue's (the queue's tags have bit 61 set). */
gboolean zk_queue_on_result(SimNode *node, ZkQueue *q, uint64_t tag, const ZkResult *res);
void zk_queue_on_watch(SimNode *node, ZkQueue *q, int event, ZkPath path);
/* (Re)connected: a contender waiting on a watch reads again and sets its
 * watch again (the new server has none of ours); one that entered while
 * disconnected starts now. Requests in flight need nothing: the session
 * library sends them again on the new connection. */
void zk_queue_on_connected(SimNode *node, ZkQueue *q);
/* The session expired: our child is gone with it. The queue becomes OUT
 * without sending anything; the owner decides whether to enter again. */
void zk_queue_on_expired(ZkQueue *q);
