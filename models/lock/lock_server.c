/* Lock servers: one key with an owner and an expiry, as a Redis instance
 * holds it for `SET key value NX PX ttl`. Keys expire by the server's own
 * local clock, so a clock jump on the server ends a lease early.
 *
 * Four registered names share this code:
 *   lock.naive.server, lock.lease.server, lock.redlock.server — the plain
 *     key server (the naive client uses only SET_NX and DEL);
 *   lock.fenced.server — also hands out a fencing token, one more than the
 *     last, with each grant; the counter is durable and survives restarts.
 * Parameters: `persist` keeps the key in durable state (Redis with an fsync'd
 * append-only file), so a restart remembers it; `restart_delay` makes a
 * restarted server refuse every request for that long (the Redlock
 * "delayed restart" remedy: use at least the TTL). */
#include "models/lock/lock.h"

typedef struct {
  gboolean fencing;
  int64_t owner;        /* 0 = no key */
  SimTime expires;      /* local clock */
  SimTime refuse_until; /* local clock; requests before it are refused */
} LockServer;

/* Writes the key to durable state if the server persists it. */
static void server_save(SimNode *node, const LockServer *s)
{
  if (!sim_node_param_bool(node, "persist"))
    return;
  sim_durable_set(node, "owner", s->owner);
  sim_durable_set(node, "expires", s->expires);
}

/* Drops the key if its expiry has passed on the local clock. */
static void server_expire(SimNode *node, LockServer *s)
{
  if (s->owner != 0 && sim_node_clock(node) >= s->expires) {
    s->owner = 0;
    server_save(node, s);
  }
}

static void server_start(SimNode *node, gboolean fencing, gboolean restarted)
{
  LockServer *s = g_new0(LockServer, 1);
  s->fencing = fencing;
  if (sim_node_param_bool(node, "persist")) {
    sim_durable_get(node, "owner", &s->owner);
    sim_durable_get(node, "expires", &s->expires);
  }
  if (restarted)
    s->refuse_until = sim_time_add_sat(sim_node_clock(node), sim_node_param_duration(node, "restart_delay"));
  sim_node_set_data(node, s, g_free);
}

static void plain_init(SimNode *node) { server_start(node, FALSE, FALSE); }
static void plain_restart(SimNode *node) { server_start(node, FALSE, TRUE); }
static void fenced_init(SimNode *node) { server_start(node, TRUE, FALSE); }
static void fenced_restart(SimNode *node) { server_start(node, TRUE, TRUE); }

static void reply(SimNode *node, const SimMsg *req, int op, int ok, int64_t token)
{
  SimMsg *r = sim_msg_new(node, LOCK_REPLY);
  sim_msg_set(r, "req", sim_msg_get(req, "req", 0));
  sim_msg_set(r, "op", op);
  sim_msg_set(r, "ok", ok);
  sim_msg_set(r, "token", token);
  sim_send(node, req->src, r);
}

/* Applies one request to the key and answers it. */
static void server_on_message(SimNode *node, const SimMsg *msg)
{
  LockServer *s = sim_node_data(node);
  Sim *sim = sim_node_sim(node);
  int op = lock_is(msg, LOCK_SET_NX) ? LOCK_OP_SET : lock_is(msg, LOCK_DEL) ? LOCK_OP_DEL
         : lock_is(msg, LOCK_UNLOCK) ? LOCK_OP_UNLOCK : lock_is(msg, LOCK_EXTEND) ? LOCK_OP_EXTEND : 0;
  if (!op)
    return;
  if (sim_node_clock(node) < s->refuse_until) {
    sim_metric_add(sim, "server_requests_refused", 1);
    reply(node, msg, op, -1, 0);
    return;
  }
  server_expire(node, s);
  int64_t owner = sim_msg_get(msg, "owner", 0);
  int ok = 0;
  int64_t token = 0;
  switch (op) {
  case LOCK_OP_SET:
    if (s->owner == 0) {
      s->owner = owner;
      s->expires = sim_time_add_sat(sim_node_clock(node), sim_msg_get(msg, "ttl", 0));
      if (s->fencing) {
        int64_t last = 0;
        sim_durable_get(node, "fence", &last);
        token = last + 1;
        sim_durable_set(node, "fence", token);
      }
      ok = 1;
    }
    break;
  case LOCK_OP_DEL:
    if (s->owner != 0 && s->owner != owner)
      sim_metric_add(sim, "locks_deleted_by_non_owner", 1);
    ok = s->owner != 0;
    s->owner = 0;
    break;
  case LOCK_OP_UNLOCK:
    ok = s->owner != 0 && s->owner == owner;
    if (ok)
      s->owner = 0;
    break;
  case LOCK_OP_EXTEND:
    ok = s->owner != 0 && s->owner == owner;
    if (ok)
      s->expires = sim_time_add_sat(sim_node_clock(node), sim_msg_get(msg, "ttl", 0));
    break;
  }
  if (ok)
    server_save(node, s);
  reply(node, msg, op, ok, token);
}

static const SimParamSpec server_params[] = {
  { "persist", SIM_PARAM_BOOL, "false", "keep the key in durable state, so a restart remembers it", 0, 0 },
  { "restart_delay", SIM_PARAM_DURATION, "0", "after a restart, refuse every request for this long (Redlock's delayed restart; use >= the TTL)", 0, 0 },
  { NULL },
};

const SimModel model_lock_naive_server = {
  .name = "lock.naive.server",
  .summary = "lock key server for lock.naive: SET NX with TTL, unconditional DEL",
  .params = server_params,
  .init = plain_init,
  .on_restart = plain_restart,
  .on_message = server_on_message,
};

const SimModel model_lock_lease_server = {
  .name = "lock.lease.server",
  .summary = "lease lock server: set-if-absent with owner and TTL, owner-checked unlock and extend",
  .params = server_params,
  .init = plain_init,
  .on_restart = plain_restart,
  .on_message = server_on_message,
};

const SimModel model_lock_redlock_server = {
  .name = "lock.redlock.server",
  .summary = "one independent Redis-like instance of Redlock (same key semantics as lock.lease.server)",
  .params = server_params,
  .init = plain_init,
  .on_restart = plain_restart,
  .on_message = server_on_message,
};

const SimModel model_lock_fenced_server = {
  .name = "lock.fenced.server",
  .summary = "lease lock server that hands out a durable, increasing fencing token with each grant",
  .params = server_params,
  .init = fenced_init,
  .on_restart = fenced_restart,
  .on_message = server_on_message,
};
