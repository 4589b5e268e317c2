/* Lock clients: one state machine, four algorithms (a registered model each).
 *
 * A cycle: acquire (history op `acquire`: ok when granted, fail/info when
 * its deadline passes), then the critical section — emit "cs_enter", check
 * the lock is still believed valid, do `work`, send a write to the resource
 * (op `write`: ok accepted, fail rejected), repeat for `writes` writes —
 * release after `hold` (emit "cs_exit"), think, repeat. The believed
 * critical section ends at the release or when the client's own clock says
 * the lock ran out, whichever comes first.
 *
 *   lock.naive.client   SET NX on the servers in turn, the first success is
 *                       the lock, believed held until released; release is
 *                       DEL on every server (no owner check). Broken.
 *   lock.lease.client   SET NX with a random owner and TTL on one server;
 *                       believed until start + TTL - margin by the local
 *                       clock; release = owner-checked UNLOCK; optional
 *                       renewal with EXTEND.
 *   lock.fenced.client  as lease, and the grant's fencing token goes with
 *                       every write.
 *   lock.redlock.client Redlock: SET NX on all N servers with a short
 *                       per-server timeout; granted if a majority said yes
 *                       and validity = TTL - elapsed - drift > 0, drift =
 *                       TTL * drift_factor + 2 ms; otherwise UNLOCK
 *                       everywhere and retry after a random delay.
 *
 * A workload may drive the client instead of its own loop (`loop = false`):
 * each `acquire` operation runs one cycle; one that arrives mid-cycle waits
 * for the cycle to end. */
#include "models/lock/lock.h"

typedef enum { LOCK_NAIVE, LOCK_LEASE, LOCK_FENCED, LOCK_REDLOCK } LockAlgo;
typedef enum { PH_IDLE, PH_ACQUIRING, PH_HELD } LockPhase;

/* Timer tags; attempt-scoped ones carry the attempt number above 8 bits. */
enum { T_CYCLE = 1, T_DEADLINE, T_ATTEMPT, T_RETRY, T_WRITE, T_RELEASE, T_EXPIRY, T_RENEW, T_WRITE_LOST };

#define NEVER G_MAXINT64

typedef struct {
  LockAlgo algo;
  LockPhase phase;
  const int *servers;
  guint nservers;
  LockCycle lc;             /* the cycle, the grant and the writes (lock.h) */
  /* the acquisition */
  uint64_t attempt;         /* number of the current attempt */
  int64_t owner;            /* random value identifying this attempt */
  SimTime attempt_start;    /* local clock */
  guint next_server, replies, acks;
  guint8 *answered;         /* per server: 0 no answer yet in this attempt, 1 refused, 2 granted */
  gboolean unanswered;      /* some request of the attempt got no answer */
  SimTimerId t_deadline, t_attempt, t_retry;
  /* the critical section */
  SimTime believed_end;     /* local clock; NEVER for naive */
  SimTime renew_sent;
  gboolean renew_pending;   /* an EXTEND is out and its answer not yet taken */
  SimTimerId t_write, t_release, t_expiry, t_renew;
} LockClient;

static LockClient *client(SimNode *node) { return sim_node_data(node); }

static void client_free(gpointer p)
{
  LockClient *c = p;
  g_free(c->answered);
  g_free(c);
}

static void cancel(SimNode *node, SimTimerId *t)
{
  sim_timer_cancel(node, *t);
  *t = 0;
}

static uint64_t attempt_tag(const LockClient *c, int kind) { return (c->attempt << 8) | (uint64_t) kind; }

static void send_req(SimNode *node, const LockClient *c, int dst, const char *type, int64_t req)
{
  SimMsg *m = sim_msg_new(node, type);
  sim_msg_set(m, "req", req);
  sim_msg_set(m, "owner", c->owner);
  if (strcmp(type, LOCK_SET_NX) == 0 || strcmp(type, LOCK_EXTEND) == 0)
    sim_msg_set(m, "ttl", sim_node_param_duration(node, "ttl"));
  sim_send(node, dst, m);
}

/* Redlock's clock drift allowance for a lock of `ttl`: ttl * drift_factor
 * plus 2 ms, as the Redlock description adds for the granularity of
 * expiry. Saturates rather than overflow for absurd TTLs or factors. */
static SimTime redlock_drift(SimNode *node, SimTime ttl)
{
  double ns = (double) ttl * sim_node_param_double(node, "drift_factor");
  SimTime share = !(ns > 0) ? 0 : ns >= 9223372036854775808.0 /* 2^63 */ ? SIM_TIME_MAX : (SimTime) ns;
  return sim_time_add_sat(share, 2 * SIM_MS);
}

/* The global time at which the local clock reads `local` (assuming no clock
 * change in between): only for the checker's records, never for decisions. */
static SimTime to_global(SimNode *node, SimTime local)
{
  if (local == NEVER)
    return NEVER;
  return sim_time_add_sat(sim_now(sim_node_sim(node)), sim_time_sub_sat(local, sim_node_clock(node)));
}

/* ---- cycle ---- */

static void start_cycle(SimNode *node, LockClient *c, uint64_t op);
static void try_attempt(SimNode *node, LockClient *c);

/* Schedules the next cycle of the client's own loop, if it has one. */
static void next_cycle(SimNode *node, LockClient *c)
{
  c->phase = PH_IDLE;
  uint64_t op = lock_cycle_next(node, &c->lc, T_CYCLE);
  if (op)
    start_cycle(node, c, op);
}

static void start_cycle(SimNode *node, LockClient *c, uint64_t op)
{
  lock_cycle_begin(node, &c->lc, op);
  c->phase = PH_ACQUIRING;
  c->t_deadline = sim_timer_after(node, sim_node_param_duration(node, "acquire_timeout"), T_DEADLINE);
  try_attempt(node, c);
}

/* Naive: SET NX on the next server in turn; FALSE when none is left. */
static gboolean naive_next(SimNode *node, LockClient *c)
{
  if (c->next_server >= c->nservers)
    return FALSE;
  send_req(node, c, c->servers[c->next_server++], LOCK_SET_NX, (int64_t) c->attempt);
  cancel(node, &c->t_attempt);
  c->t_attempt = sim_timer_after(node, sim_node_param_duration(node, "server_timeout"), attempt_tag(c, T_ATTEMPT));
  return TRUE;
}

static void try_attempt(SimNode *node, LockClient *c)
{
  c->attempt++;
  c->owner = (int64_t) (sim_rng_u64(sim_node_rng(node)) >> 1) | 1;
  c->attempt_start = sim_node_clock(node);
  c->next_server = c->replies = c->acks = 0;
  memset(c->answered, 0, c->nservers);
  c->unanswered = FALSE;
  SimTime timeout = sim_node_param_duration(node, "server_timeout");
  switch (c->algo) {
  case LOCK_NAIVE:
    naive_next(node, c);
    break;
  case LOCK_LEASE:
  case LOCK_FENCED:
    send_req(node, c, c->servers[0], LOCK_SET_NX, (int64_t) c->attempt);
    c->t_attempt = sim_timer_after(node, timeout, attempt_tag(c, T_ATTEMPT));
    break;
  case LOCK_REDLOCK:
    for (guint i = 0; i < c->nservers; i++)
      send_req(node, c, c->servers[i], LOCK_SET_NX, (int64_t) c->attempt);
    c->t_attempt = sim_timer_after(node, timeout, attempt_tag(c, T_ATTEMPT));
    break;
  }
}

/* The attempt failed: Redlock unlocks everywhere; everyone retries after a
 * random delay unless the deadline has passed. */
static void attempt_failed(SimNode *node, LockClient *c)
{
  cancel(node, &c->t_attempt);
  if (c->algo == LOCK_REDLOCK)
    for (guint i = 0; i < c->nservers; i++)
      send_req(node, c, c->servers[i], LOCK_UNLOCK, 0);
  c->attempt++; /* late replies of the failed attempt are ignored */
  SimTime delay = sim_rng_range(sim_node_rng(node), 0, sim_node_param_duration(node, "retry_delay"));
  c->t_retry = sim_timer_after(node, delay, T_RETRY);
}

static void deadline_passed(SimNode *node, LockClient *c)
{
  Sim *sim = sim_node_sim(node);
  cancel(node, &c->t_attempt);
  cancel(node, &c->t_retry);
  c->attempt++;
  sim_op_complete(node, c->lc.op, c->unanswered ? SIM_OP_INFO : SIM_OP_FAIL, NULL);
  sim_metric_add(sim, "acquire_timeouts", 1);
  next_cycle(node, c);
}

/* ---- critical section ---- */

static void arm_expiry(SimNode *node, LockClient *c)
{
  cancel(node, &c->t_expiry);
  if (c->believed_end != NEVER)
    c->t_expiry = sim_timer_after(node, MAX(0, sim_time_sub_sat(c->believed_end, sim_node_clock(node))), T_EXPIRY);
}

static gboolean believed_valid(SimNode *node, const LockClient *c)
{
  return c->phase == PH_HELD && sim_node_clock(node) < c->believed_end;
}

/* Arms the next write if one is due and the lock is still believed valid:
 * the check happens now, the write goes out `work` later (a pause in
 * between is the dangerous window). */
static void plan_write(SimNode *node, LockClient *c)
{
  if (c->lc.resource < 0 || c->lc.writes_done >= (guint) sim_node_param_int(node, "writes") || !believed_valid(node, c))
    return;
  c->t_write = sim_timer_after(node, sim_node_param_duration(node, "work"), T_WRITE);
}

static void granted(SimNode *node, LockClient *c, int64_t token)
{
  SimTime ttl = sim_node_param_duration(node, "ttl");
  SimTime now_local = sim_node_clock(node);
  cancel(node, &c->t_attempt);
  cancel(node, &c->t_deadline);
  switch (c->algo) {
  case LOCK_NAIVE:
    c->believed_end = NEVER;
    break;
  case LOCK_LEASE:
  case LOCK_FENCED:
    c->believed_end = sim_time_sub_sat(sim_time_add_sat(c->attempt_start, ttl), sim_node_param_duration(node, "margin"));
    break;
  case LOCK_REDLOCK: {
    SimTime validity = sim_time_sub_sat(sim_time_sub_sat(ttl, sim_time_sub_sat(now_local, c->attempt_start)),
                                        redlock_drift(node, ttl));
    c->believed_end = sim_time_add_sat(now_local, validity);
    break;
  }
  }
  c->phase = PH_HELD;
  c->renew_pending = FALSE;
  lock_cycle_granted(node, &c->lc, token, to_global(node, c->believed_end));
  c->t_release = sim_timer_after(node, sim_node_param_duration(node, "hold"), T_RELEASE);
  arm_expiry(node, c);
  if (sim_node_param_bool(node, "renew") && (c->algo == LOCK_LEASE || c->algo == LOCK_FENCED))
    c->t_renew = sim_timer_after(node, (ttl - sim_node_param_duration(node, "margin")) / 2, T_RENEW);
  plan_write(node, c);
  SimMsg ev = sim_record("cs_enter");
  sim_msg_set(&ev, "seq", c->lc.seq);
  sim_msg_set(&ev, "token", token);
  sim_emit(node, &ev);
}

/* Ends the believed critical section at global time min(now, believed end). */
static void end_cs(SimNode *node, LockClient *c, gboolean expired)
{
  SimTime end = MIN(sim_now(sim_node_sim(node)), to_global(node, c->believed_end));
  cancel(node, &c->t_write);
  cancel(node, &c->t_release);
  cancel(node, &c->t_expiry);
  cancel(node, &c->t_renew);
  lock_cycle_record_end(node, &c->lc, end);
  SimMsg ev = sim_record("cs_exit");
  sim_msg_set(&ev, "seq", c->lc.seq);
  sim_msg_set(&ev, "expired", expired);
  sim_emit(node, &ev);
  next_cycle(node, c);
}

static void release(SimNode *node, LockClient *c)
{
  const char *type = c->algo == LOCK_NAIVE ? LOCK_DEL : LOCK_UNLOCK;
  guint n = c->algo == LOCK_LEASE || c->algo == LOCK_FENCED ? 1 : c->nservers;
  for (guint i = 0; i < n; i++)
    send_req(node, c, c->servers[i], type, 0);
  end_cs(node, c, FALSE);
}

/* ---- handlers ---- */

/* Redlock's verdict once every server answered or the per-server timeout
 * passed: a majority of acks and time left on the lease. */
static void redlock_decide(SimNode *node, LockClient *c)
{
  SimTime ttl = sim_node_param_duration(node, "ttl");
  SimTime elapsed = sim_time_sub_sat(sim_node_clock(node), c->attempt_start);
  if (c->acks >= c->nservers / 2 + 1 && sim_time_sub_sat(sim_time_sub_sat(ttl, elapsed), redlock_drift(node, ttl)) > 0)
    granted(node, c, 0);
  else
    attempt_failed(node, c);
}

/* The index of node `id` in the client's server list, or -1. */
static int server_index(const LockClient *c, int id)
{
  for (guint i = 0; i < c->nservers; i++)
    if (c->servers[i] == id)
      return (int) i;
  return -1;
}

/* A REPLY. Each server's answer counts once per attempt: the network may
 * deliver a message twice, and a second OK from one server is not a second
 * server agreeing. Answers to an earlier attempt or renewal are ignored. */
static void on_reply(SimNode *node, LockClient *c, const SimMsg *msg)
{
  int64_t op = sim_msg_get(msg, "op", 0);
  int64_t ok = sim_msg_get(msg, "ok", 0);
  int from = server_index(c, msg->src);
  if (op == LOCK_OP_EXTEND) {
    if (c->phase == PH_HELD && c->renew_pending && from == 0 && sim_msg_get(msg, "req", -1) == c->lc.seq) {
      c->renew_pending = FALSE;
      if (ok != 1)
        return;
      c->believed_end = sim_time_sub_sat(sim_time_add_sat(c->renew_sent, sim_node_param_duration(node, "ttl")),
                                         sim_node_param_duration(node, "margin"));
      arm_expiry(node, c);
      cancel(node, &c->t_renew);
      c->t_renew = sim_timer_after(node, sim_time_sub_sat(c->believed_end, sim_node_clock(node)) / 2, T_RENEW);
    }
    return;
  }
  if (op != LOCK_OP_SET || c->phase != PH_ACQUIRING || sim_msg_get(msg, "req", -1) != (int64_t) c->attempt || from < 0 ||
      c->answered[from])
    return;
  c->answered[from] = ok == 1 ? 2 : 1;
  switch (c->algo) {
  case LOCK_NAIVE:
    if (from != (int) c->next_server - 1)
      return; /* a late answer from a server it has given up on */
    if (ok == 1)
      granted(node, c, 0);
    else if (!naive_next(node, c))
      attempt_failed(node, c);
    break;
  case LOCK_LEASE:
  case LOCK_FENCED:
    if (from != 0)
      return;
    if (ok == 1)
      granted(node, c, sim_msg_get(msg, "token", 0));
    else
      attempt_failed(node, c);
    break;
  case LOCK_REDLOCK:
    c->replies++;
    c->acks += ok == 1;
    if (c->replies == c->nservers)
      redlock_decide(node, c);
    break;
  }
}

/* The write in flight is over: answered (`outcome` ok or fail) or given up
 * after write_timeout (SIM_OP_INFO: the kernel has recorded it). Then the
 * critical section goes on: release if it is due, else the next write. */
static void write_done(SimNode *node, LockClient *c, int outcome)
{
  lock_cycle_write_done(node, &c->lc, outcome);
  if (c->phase != PH_HELD)
    return;
  if (c->lc.release_due)
    release(node, c);
  else
    plan_write(node, c);
}

static void on_write_reply(SimNode *node, LockClient *c, const SimMsg *msg)
{
  int outcome = lock_cycle_write_reply(&c->lc, msg);
  if (outcome >= 0)
    write_done(node, c, outcome);
}

static void client_on_message(SimNode *node, const SimMsg *msg)
{
  LockClient *c = client(node);
  if (lock_is(msg, LOCK_REPLY))
    on_reply(node, c, msg);
  else if (lock_is(msg, LOCK_WRITE_REPLY))
    on_write_reply(node, c, msg);
}

static void client_on_timer(SimNode *node, uint64_t tag)
{
  LockClient *c = client(node);
  int kind = (int) (tag & 0xff);
  switch (kind) {
  case T_CYCLE:
    if (c->phase == PH_IDLE)
      start_cycle(node, c, 0);
    break;
  case T_DEADLINE:
    c->t_deadline = 0;
    if (c->phase == PH_ACQUIRING)
      deadline_passed(node, c);
    break;
  case T_ATTEMPT:
    if (c->phase != PH_ACQUIRING || (tag >> 8) != c->attempt)
      break;
    c->t_attempt = 0;
    c->unanswered = TRUE;
    if (c->algo == LOCK_NAIVE) {
      if (!naive_next(node, c))
        attempt_failed(node, c);
    } else if (c->algo == LOCK_REDLOCK) {
      redlock_decide(node, c);
    } else {
      attempt_failed(node, c);
    }
    break;
  case T_RETRY:
    c->t_retry = 0;
    if (c->phase == PH_ACQUIRING)
      try_attempt(node, c);
    break;
  case T_WRITE:
    c->t_write = 0;
    if (c->phase == PH_HELD)
      lock_cycle_send_write(node, &c->lc, c->lc.token, T_WRITE_LOST); /* no second look at the clock: it was checked */
    break;
  case T_RELEASE:
    c->t_release = 0;
    if (c->phase != PH_HELD)
      break;
    if (c->lc.write_in_flight)
      c->lc.release_due = TRUE;
    else
      release(node, c);
    break;
  case T_EXPIRY:
    c->t_expiry = 0;
    if (c->phase == PH_HELD)
      end_cs(node, c, TRUE);
    break;
  case T_WRITE_LOST:
    if (lock_cycle_write_lost(&c->lc, tag))
      write_done(node, c, SIM_OP_INFO);
    break;
  case T_RENEW:
    c->t_renew = 0;
    if (believed_valid(node, c)) {
      c->renew_sent = sim_node_clock(node);
      c->renew_pending = TRUE;
      send_req(node, c, c->servers[0], LOCK_EXTEND, c->lc.seq);
    }
    break;
  }
}

static void client_start(SimNode *node, LockAlgo algo)
{
  LockClient *c = g_new0(LockClient, 1);
  c->algo = algo;
  c->servers = sim_node_param_nodes(node, "servers", &c->nservers);
  lock_cycle_init(node, &c->lc);
  c->answered = g_new0(guint8, c->nservers ? c->nservers : 1);
  sim_node_set_data(node, c, client_free);
  sim_metric_add(sim_node_sim(node), "acquisitions", 0);
  if (c->nservers == 0) {
    sim_fail(sim_node_sim(node), "node '%s' (%s): parameter 'servers' names no lock server", sim_node_name(node),
             sim_node_model(node)->name);
    return;
  }
  if (sim_node_param_bool(node, "loop"))
    sim_timer_after(node, sim_node_param_duration(node, "start"), T_CYCLE);
}

static void naive_init(SimNode *node) { client_start(node, LOCK_NAIVE); }
static void lease_init(SimNode *node) { client_start(node, LOCK_LEASE); }
static void fenced_init(SimNode *node) { client_start(node, LOCK_FENCED); }
static void redlock_init(SimNode *node) { client_start(node, LOCK_REDLOCK); }

/* A crash ends the client's belief at once: record the end of its critical
 * section before its volatile state goes. */
static void client_on_crash(SimNode *node)
{
  LockClient *c = client(node);
  if (c && c->phase == PH_HELD)
    lock_cycle_record_end(node, &c->lc, MIN(sim_now(sim_node_sim(node)), to_global(node, c->believed_end)));
}

static void client_on_invoke(SimNode *node, uint64_t op, const char *f, const SimValue *key, const SimValue *value)
{
  (void) key; (void) value;
  LockClient *c = client(node);
  if (lock_cycle_invoke(node, &c->lc, op, f, c->nservers > 0, c->phase == PH_IDLE))
    start_cycle(node, c, op);
}

static const SimParamSpec client_params[] = {
  { "servers", SIM_PARAM_NODES, "", "the lock servers (lease, fenced: the first one only)", 0, 0 },
  { "resource", SIM_PARAM_NODES, "", "the protected resource to write to; empty = no writes", 0, 0 },
  { "ttl", SIM_PARAM_DURATION, "1s", "lock time-to-live asked of the servers", 0, 0 },
  { "margin", SIM_PARAM_DURATION, "50ms", "lease, fenced: stop believing this long before the TTL ends", 0, 0 },
  { "drift_factor", SIM_PARAM_DOUBLE, "0.01", "redlock: clock drift allowance, drift = ttl * drift_factor + 2ms", 0, 1 },
  { "server_timeout", SIM_PARAM_DURATION, "50ms", "wait this long for a server's answer (naive: then try the next)", 0, 0 },
  { "retry_delay", SIM_PARAM_DURATION, "100ms", "after a failed attempt, retry after a random delay in [0, this]", 0, 0 },
  { "acquire_timeout", SIM_PARAM_DURATION, "2s", "deadline of one acquire operation (retries included)", 0, 0 },
  LOCK_CYCLE_PARAMS,
  { "renew", SIM_PARAM_BOOL, "false", "lease, fenced: extend the lease halfway through its validity", 0, 0 },
  { NULL },
};

static const char *const client_ops[] = { "acquire", NULL };

const SimModel model_lock_naive_client = {
  .name = "lock.naive.client",
  .summary = "BROKEN on purpose: first SET NX success is the lock, no expiry check, release = DEL everywhere",
  .params = client_params,
  .init = naive_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_crash = client_on_crash,
  .on_invoke = client_on_invoke,
  .finish = lock_check_finish,
  .ops = client_ops,
};

const SimModel model_lock_lease_client = {
  .name = "lock.lease.client",
  .summary = "TTL lease on one server: random owner, owner-checked release, believed until TTL - margin",
  .params = client_params,
  .init = lease_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_crash = client_on_crash,
  .on_invoke = client_on_invoke,
  .finish = lock_check_finish,
  .ops = client_ops,
};

const SimModel model_lock_fenced_client = {
  .name = "lock.fenced.client",
  .summary = "lease client that sends the grant's fencing token with every write",
  .params = client_params,
  .init = fenced_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_crash = client_on_crash,
  .on_invoke = client_on_invoke,
  .finish = lock_check_finish,
  .ops = client_ops,
};

const SimModel model_lock_redlock_client = {
  .name = "lock.redlock.client",
  .summary = "Redlock: majority of N servers within the TTL, validity = TTL - elapsed - drift",
  .params = client_params,
  .init = redlock_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_crash = client_on_crash,
  .on_invoke = client_on_invoke,
  .finish = lock_check_finish,
  .ops = client_ops,
};

/* The ZooKeeper recipes (models/zk/zk_lock.c) keep the same records. */
extern const SimModel model_lock_zk, model_lock_zk_herd, model_lock_zk_fenced;

gboolean lock_is_client_model(const SimModel *model)
{
  return model == &model_lock_naive_client || model == &model_lock_lease_client ||
         model == &model_lock_fenced_client || model == &model_lock_redlock_client || model == &model_lock_zk ||
         model == &model_lock_zk_herd || model == &model_lock_zk_fenced;
}
