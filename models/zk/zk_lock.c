/* ZooKeeper lock recipes as lock clients (recipes page, "Locks"; the queue
 * is zk_queue.c):
 *   lock.zk         ephemeral sequential child, wait on the predecessor
 *                   only: a release wakes one waiter;
 *   lock.zk.herd    the naive recipe: every waiter watches the directory's
 *                   children and re-reads them on every change;
 *   lock.zk.fenced  lock.zk whose writes carry the lock node's czxid (the
 *                   zxid that created it, increasing along the log) as the
 *                   fencing token the `resource` checks (Kleppmann, "How to
 *                   do distributed locking", 2016).
 *
 * A cycle, as for the other lock clients (models/lock/lock_client.c):
 * acquire (history op `acquire`: ok with the czxid when the child is
 * first, fail when `acquire_timeout` passes first: the client leaves the
 * queue), hold for `hold` writing to the resource (each write checked to
 * be still believed `work` before it goes out, with no second look),
 * release by deleting the child, think, repeat.
 *
 * What the client believes: it holds the lock from the moment its child is
 * first until it deletes it, learns that its session expired, or finds the
 * session disconnected when it checks before a write (Apache Curator's
 * rule: after losing its connection a client cannot be sure it still holds
 * the lock; the programmer's guide: the ensemble expires a session on its
 * own, and the client hears of it only once it reconnects). What it cannot
 * see is a pause: a client frozen longer than its session timeout loses
 * its node while it still believes.
 * The "cs"/"cs_end" and the resource's "write" records feed the lock
 * family's checker (lock_check_finish), so mutual_exclusion and
 * resource_safety mean what they mean for the other locks. */
#include "models/lock/lock.h"
#include "models/zk/zk_queue.h"

typedef enum { ZL_IDLE, ZL_ACQUIRING, ZL_HELD } ZkLockPhase;

/* Timer tags (below bit 61; the session library's have bit 62). */
enum { T_CYCLE = 1, T_DEADLINE, T_WRITE, T_RELEASE, T_WRITE_LOST };

typedef struct {
  ZkSession *session;
  ZkQueue q;
  gboolean fenced;
  ZkLockPhase phase;
  LockCycle lc;      /* the cycle, the grant and the writes (models/lock/lock.h) */
  SimTimerId t_deadline, t_write, t_release;
} ZkLock;

static ZkLock *zl(SimNode *node) { return sim_node_data(node); }

static void zl_free(gpointer p)
{
  ZkLock *c = p;
  zk_session_free(c->session);
  g_free(c);
}

static void cancel(SimNode *node, SimTimerId *t)
{
  sim_timer_cancel(node, *t);
  *t = 0;
}

/* Events carry the recipe's message count so far: zk_herd.lua divides it
 * by acquisitions. */
static void emit(SimNode *node, const ZkLock *c, const char *type, const char *field, int64_t value)
{
  SimMsg ev = sim_record(type);
  sim_msg_set(&ev, "seq", c->lc.seq);
  sim_msg_set(&ev, field, value);
  sim_msg_set(&ev, "zk_msgs", (int64_t) c->q.msgs);
  sim_emit(node, &ev);
}

static void start_cycle(SimNode *node, ZkLock *c, uint64_t op);

static void next_cycle(SimNode *node, ZkLock *c)
{
  c->phase = ZL_IDLE;
  uint64_t op = lock_cycle_next(node, &c->lc, T_CYCLE);
  if (op)
    start_cycle(node, c, op);
}

static void start_cycle(SimNode *node, ZkLock *c, uint64_t op)
{
  lock_cycle_begin(node, &c->lc, op);
  c->phase = ZL_ACQUIRING;
  c->t_deadline = sim_timer_after(node, sim_node_param_duration(node, "acquire_timeout"), T_DEADLINE);
  zk_queue_enter(node, &c->q);
}

/* Ends the believed critical section now. */
static void end_cs(SimNode *node, ZkLock *c, gboolean lost)
{
  cancel(node, &c->t_write);
  cancel(node, &c->t_release);
  lock_cycle_record_end(node, &c->lc, sim_now(sim_node_sim(node)));
  emit(node, c, "cs_exit", "expired", lost);
  next_cycle(node, c);
}

/* Release: delete the child (the unlock protocol); the belief ends now. */
static void release(SimNode *node, ZkLock *c, gboolean lost)
{
  zk_queue_leave(node, &c->q);
  end_cs(node, c, lost);
}

/* Arms the next write if one is due: the check (still held, session still
 * connected) happens now, the write goes out `work` later. A client that
 * finds itself disconnected gives the lock up. */
static void plan_write(SimNode *node, ZkLock *c)
{
  if (c->lc.resource < 0 || c->lc.writes_done >= (guint) sim_node_param_int(node, "writes") || c->phase != ZL_HELD)
    return;
  if (!zk_session_connected(c->session)) {
    release(node, c, TRUE);
    return;
  }
  c->t_write = sim_timer_after(node, sim_node_param_duration(node, "work"), T_WRITE);
}

/* The queue's callback: our child is the smallest, the lock is ours. */
static void granted(SimNode *node, ZkQueue *q, void *ud)
{
  ZkLock *c = ud;
  if (c->phase != ZL_ACQUIRING) {
    zk_queue_leave(node, q);
    return;
  }
  cancel(node, &c->t_deadline);
  c->phase = ZL_HELD;
  /* Believed until further notice: the end comes with a cs_end record. */
  lock_cycle_granted(node, &c->lc, q->czxid, SIM_TIME_MAX);
  c->t_release = sim_timer_after(node, sim_node_param_duration(node, "hold"), T_RELEASE);
  emit(node, c, "cs_enter", "token", c->lc.token);
  plan_write(node, c);
}

static void deadline_passed(SimNode *node, ZkLock *c)
{
  zk_queue_leave(node, &c->q);
  sim_op_complete(node, c->lc.op, SIM_OP_FAIL, NULL);
  sim_metric_add(sim_node_sim(node), "acquire_timeouts", 1);
  next_cycle(node, c);
}

/* The write in flight is over (answered, or given up: SIM_OP_INFO, already
 * recorded by the kernel); release if it is due, else the next write. */
static void write_done(SimNode *node, ZkLock *c, int outcome)
{
  lock_cycle_write_done(node, &c->lc, outcome);
  if (c->phase != ZL_HELD)
    return;
  if (c->lc.release_due)
    release(node, c, FALSE);
  else
    plan_write(node, c);
}

/* ---- session callbacks ---- */

static void on_connected(SimNode *node, ZkSession *s, void *ud)
{
  (void) s;
  zk_queue_on_connected(node, &((ZkLock *) ud)->q);
}

/* The session is gone and our child with it: a holder's belief ends now
 * (it learned late); a waiter starts again in a new session. */
static void on_expired(SimNode *node, ZkSession *s, void *ud)
{
  ZkLock *c = ud;
  zk_queue_on_expired(&c->q);
  zk_session_restart(s);
  if (c->phase == ZL_HELD)
    end_cs(node, c, TRUE);
  else if (c->phase == ZL_ACQUIRING)
    zk_queue_enter(node, &c->q);
}

static void on_result(SimNode *node, ZkSession *s, uint64_t tag, const ZkResult *res, void *ud)
{
  (void) s;
  zk_queue_on_result(node, &((ZkLock *) ud)->q, tag, res);
}

static void on_watch(SimNode *node, ZkSession *s, int event, ZkPath path, void *ud)
{
  (void) s;
  zk_queue_on_watch(node, &((ZkLock *) ud)->q, event, path);
}

static const ZkSessionCallbacks callbacks = { on_connected, on_expired, on_result, on_watch };

/* ---- the model ---- */

static void zl_on_message(SimNode *node, const SimMsg *msg)
{
  ZkLock *c = zl(node);
  if (!c || zk_session_on_message(c->session, msg))
    return;
  int outcome = lock_is(msg, LOCK_WRITE_REPLY) ? lock_cycle_write_reply(&c->lc, msg) : -1;
  if (outcome >= 0)
    write_done(node, c, outcome);
}

static void zl_on_timer(SimNode *node, uint64_t tag)
{
  ZkLock *c = zl(node);
  if (!c || zk_session_on_timer(c->session, tag))
    return;
  switch ((int) (tag & 0xff)) {
  case T_CYCLE:
    if (c->phase == ZL_IDLE)
      start_cycle(node, c, 0);
    break;
  case T_DEADLINE:
    c->t_deadline = 0;
    if (c->phase == ZL_ACQUIRING)
      deadline_passed(node, c);
    break;
  case T_WRITE:
    c->t_write = 0;
    if (c->phase == ZL_HELD)
      lock_cycle_send_write(node, &c->lc, c->fenced ? c->lc.token : 0, T_WRITE_LOST); /* no second look: it was checked */
    break;
  case T_RELEASE:
    c->t_release = 0;
    if (c->phase != ZL_HELD)
      break;
    if (c->lc.write_in_flight)
      c->lc.release_due = TRUE;
    else
      release(node, c, FALSE);
    break;
  case T_WRITE_LOST:
    if (lock_cycle_write_lost(&c->lc, tag))
      write_done(node, c, SIM_OP_INFO);
    break;
  }
}

static void zl_start(SimNode *node, ZkQueueWatch how, gboolean fenced)
{
  ZkLock *c = g_new0(ZkLock, 1);
  c->fenced = fenced;
  lock_cycle_init(node, &c->lc);
  guint nservers = 0;
  const int *servers = sim_node_param_nodes(node, "servers", &nservers);
  Sim *sim = sim_node_sim(node);
  sim_metric_add(sim, "acquisitions", 0);
  sim_metric_add(sim, ZK_METRIC_RECIPE_MESSAGES, 0);
  if (nservers == 0) {
    g_free(c);
    sim_fail(sim, "node '%s' (%s): parameter 'servers' names no zk.server", sim_node_name(node),
             sim_node_model(node)->name);
    return;
  }
  c->session = zk_session_new(node, servers, nservers, sim_node_param_duration(node, "session_timeout"), &callbacks, c);
  zk_queue_init(&c->q, c->session, sim_node_param_int(node, "dir"), how, granted, c);
  sim_node_set_data(node, c, zl_free);
  if (sim_node_param_bool(node, "loop"))
    sim_timer_after(node, sim_node_param_duration(node, "start"), T_CYCLE);
}

static void lock_zk_init(SimNode *node) { zl_start(node, ZK_QUEUE_PREDECESSOR, FALSE); }
static void lock_zk_herd_init(SimNode *node) { zl_start(node, ZK_QUEUE_HERD, FALSE); }
static void lock_zk_fenced_init(SimNode *node) { zl_start(node, ZK_QUEUE_PREDECESSOR, TRUE); }

/* A crash ends the belief at once; the child stays until the session
 * expires at the server. */
static void zl_on_crash(SimNode *node)
{
  ZkLock *c = zl(node);
  if (c && c->phase == ZL_HELD)
    lock_cycle_record_end(node, &c->lc, sim_now(sim_node_sim(node)));
}

static void zl_on_invoke(SimNode *node, uint64_t op, const char *f, const SimValue *key, const SimValue *value)
{
  (void) key; (void) value;
  ZkLock *c = zl(node);
  if (!c) {
    sim_op_complete(node, op, SIM_OP_FAIL, NULL);
    return;
  }
  if (lock_cycle_invoke(node, &c->lc, op, f, TRUE, c->phase == ZL_IDLE))
    start_cycle(node, c, op);
}

static const SimParamSpec zl_params[] = {
  { "servers", SIM_PARAM_NODES, "", "the zk.server ensemble", 0, 0 },
  { "resource", SIM_PARAM_NODES, "", "the protected resource to write to; empty = no writes", 0, 0 },
  { "session_timeout", SIM_PARAM_DURATION, "1s", "the session timeout asked of the servers", 0, 0 },
  { "dir", SIM_PARAM_INT, "1", "the lock node: /dir (its children are the queue)", 1, 2147483647 },
  { "acquire_timeout", SIM_PARAM_DURATION, "10s", "give up (delete the child) if not first by then", 0, 0 },
  LOCK_CYCLE_PARAMS,
  { NULL },
};

static const char *const zl_ops[] = { "acquire", NULL };

/* The three recipes differ only in name, summary and init. */
#define ZK_LOCK_MODEL(ident, model_name, model_summary, model_init) \
  const SimModel ident = { .name = model_name, .summary = model_summary, .params = zl_params, \
                           .init = model_init, .on_message = zl_on_message, .on_timer = zl_on_timer, \
                           .on_crash = zl_on_crash, .on_invoke = zl_on_invoke, .finish = lock_check_finish, \
                           .ops = zl_ops }

ZK_LOCK_MODEL(model_lock_zk, "lock.zk",
              "ZooKeeper lock recipe: ephemeral sequential child, watch the predecessor (no herd)", lock_zk_init);
ZK_LOCK_MODEL(model_lock_zk_herd, "lock.zk.herd",
              "naive ZooKeeper lock: every waiter watches the children and re-reads on each change (herd effect)",
              lock_zk_herd_init);
ZK_LOCK_MODEL(model_lock_zk_fenced, "lock.zk.fenced",
              "lock.zk whose writes carry the lock node's czxid as the fencing token", lock_zk_fenced_init);
