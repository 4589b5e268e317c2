/* Client retries (see retry.h): the policy, the backoff with jitter, the
 * token bucket, the EV_RETRY event and the per-client counters. history.c
 * calls in at every invoke, outcome, timeout and model-reported fail;
 * kernel.c dispatches EV_RETRY here. */
#include "sim/kernel/retry.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A client node's record, made at its first invoke (or when it gets a
 * policy). Counted in the memory budget as node state. */
typedef struct SimClient {
  SimClientStats counts; /* the counters only; rates are computed on demand */
  gboolean has_policy;
  SimRetryPolicy policy;
  gint64 tokens_milli;   /* the bucket, in thousandths of a token */
  SimRng rng;            /* "retry" indexed by node id: jitter draws */
} SimClient;

void sim_retry_policy_init(SimRetryPolicy *policy)
{
  memset(policy, 0, sizeof *policy);
  policy->max = 3;
  policy->factor = 1.0;
  policy->jitter = SIM_JITTER_NONE;
  policy->ratio_milli = 100;
  policy->burst = 10;
}

gboolean sim_retry_parse_backoff(const char *text, SimRetryPolicy *policy, GError **error)
{
  if (!g_str_has_prefix(text, "exp:")) {
    SimTime d;
    if (!sim_time_parse(text, &d, error))
      return FALSE;
    policy->base = policy->cap = d;
    policy->factor = 1.0;
    return TRUE;
  }
  g_auto(GStrv) parts = g_strsplit(text + 4, ",", -1);
  if (g_strv_length(parts) != 3) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "'%s' must be \"exp:BASE,FACTOR,CAP\", such as \"exp:10ms,2,1s\"", text);
    return FALSE;
  }
  SimTime base, cap;
  if (!sim_time_parse(g_strstrip(parts[0]), &base, error) || !sim_time_parse(g_strstrip(parts[2]), &cap, error))
    return FALSE;
  char *end = NULL;
  const char *f = g_strstrip(parts[1]);
  double factor = g_ascii_strtod(f, &end);
  if (!*f || *end || !(factor >= 1.0 && factor <= SIM_RETRY_MAX_FACTOR)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': FACTOR must be a number in [1, %g], not '%s'", text,
                SIM_RETRY_MAX_FACTOR, f);
    return FALSE;
  }
  if (cap < base) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': CAP must not be less than BASE", text);
    return FALSE;
  }
  policy->base = base;
  policy->factor = factor;
  policy->cap = cap;
  return TRUE;
}

SimTime sim_retry_backoff(const SimRetryPolicy *policy, guint k)
{
  SimTime base = policy->base > 0 ? policy->base : 0;
  SimTime cap = policy->cap > base ? policy->cap : base;
  /* Multiplied out step by step (no pow(), whose last bit may differ
   * between C libraries), stopping at the cap: at most SIM_RETRY_MAX
   * steps, each a product of two finite doubles. */
  double d = (double) base;
  for (guint i = 1; i < k && d < (double) cap; i++)
    d *= policy->factor;
  if (d >= (double) cap)
    return cap;
  return sim_time_from_ns_double(d);
}

SimTime sim_retry_jitter(const SimRetryPolicy *policy, SimTime delay, SimRng *rng)
{
  if (delay <= 0)
    return 0;
  switch (policy->jitter) {
  case SIM_JITTER_FULL:
    return sim_rng_range(rng, 0, delay);
  case SIM_JITTER_EQUAL: {
    SimTime half = delay / 2;
    return half + sim_rng_range(rng, 0, delay - half);
  }
  case SIM_JITTER_NONE:
    break;
  }
  return delay;
}

static SimClient *client_of(SimNode *node)
{
  SimNodeCold *cold = sim_node_cold(node);
  if (G_LIKELY(cold->client != NULL))
    return cold->client;
  SimClient *c = g_new0(SimClient, 1);
  sim_rng_init_indexed(&c->rng, node->sim->seed, "retry", (uint64_t) node->id);
  cold->client = c;
  sim_mem_charge(node->sim, SIM_MEM_NODES, (gssize) sizeof *c);
  return c;
}

void sim_client_free(SimClient *client) { g_free(client); }

gboolean sim_node_set_retry(Sim *sim, int id, const SimRetryPolicy *policy, GError **error)
{
  SimNode *node = sim_node(sim, id);
  if (!node->model->on_retry) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "retry: model '%s' of node '%s' has no on_retry handler, so it cannot retry", node->model->name,
                node->name);
    return FALSE;
  }
  if (policy->max > SIM_RETRY_MAX || !(policy->factor >= 1.0 && policy->factor <= SIM_RETRY_MAX_FACTOR) ||
      policy->base < 0 || policy->cap < policy->base ||
      policy->ratio_milli > (guint32) (SIM_RETRY_MAX_RATIO * 1000) || policy->burst > SIM_RETRY_MAX_BURST) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "retry: policy of node '%s' out of range", node->name);
    return FALSE;
  }
  SimClient *c = client_of(node);
  c->policy = *policy;
  c->has_policy = TRUE;
  c->tokens_milli = (gint64) policy->burst * 1000;
  return TRUE;
}

gboolean sim_node_has_retry(Sim *sim, int id)
{
  SimNode *node = sim_node(sim, id);
  SimClient *c = sim_node_client(node);
  return c && c->has_policy;
}

void sim_client_invoked(SimNode *node, SimPendingOp *p, const SimValue *value)
{
  SimClient *c = client_of(node);
  c->counts.ops++;
  c->counts.attempts++;
  if (!c->has_policy)
    return; /* attempt stays 0: the op is never retried */
  p->attempt = 1;
  p->incarnation = node->incarnation;
  p->value = value ? sim_value_copy(value) : sim_value_nil();
  if (c->policy.budget) {
    gint64 full = (gint64) c->policy.burst * 1000;
    c->tokens_milli = MIN(full, c->tokens_milli + (gint64) c->policy.ratio_milli);
  }
}

void sim_client_outcome(Sim *sim, int process, SimOpType type)
{
  SimClient *c = sim_node_client(sim_node(sim, process));
  if (!c)
    return;
  switch (type) {
  case SIM_OP_OK: c->counts.ok++; break;
  case SIM_OP_FAIL: c->counts.fail++; break;
  default: c->counts.info++; break;
  }
}

gboolean sim_retry_after_failure(Sim *sim, uint64_t op, SimPendingOp *p, gboolean timed_out)
{
  SimNode *node = sim_node(sim, p->process);
  SimClient *c = sim_node_client(node);
  if (!c || !c->has_policy || (!timed_out && !c->policy.on_fail))
    return FALSE;
  if (p->retry != 0)
    return TRUE; /* a late fail of an earlier attempt: the retry goes ahead */
  if (p->attempt > c->policy.max || node->state == SIM_NODE_CRASHED || node->incarnation != p->incarnation)
    return FALSE;
  if (c->policy.budget) {
    if (c->tokens_milli < 1000) {
      c->counts.retries_denied++;
      sim_trace_simple(sim, SIM_TR_RETRY, node->id, -1, NULL, "denied", (int64_t) op, (int64_t) p->attempt + 1);
      return FALSE;
    }
    c->tokens_milli -= 1000;
  }
  if (p->timeout) {
    sim_cancel(sim, p->timeout); /* a fail before the deadline */
    p->timeout = 0;
  }
  SimTime delay = sim_retry_jitter(&c->policy, sim_retry_backoff(&c->policy, p->attempt), &c->rng);
  uint32_t ev = sim_event_alloc(sim, EV_RETRY, node->id);
  sim_ev(sim, ev)->u.op = op;
  sim_event_push(sim, sim_time_after(sim->now, delay), ev);
  p->retry = sim_event_id(sim, ev);
  return TRUE;
}

void sim_retry_lost(Sim *sim, uint32_t idx)
{
  SimEvent *ev = sim_ev(sim, idx);
  if (ev->cancelled)
    return;
  uint64_t op = ev->u.op;
  SimPendingOp *p = sim_pending_op(sim, op);
  if (p && p->retry == sim_event_id(sim, idx)) {
    p->retry = 0;
    sim_op_finish(sim, op, SIM_OP_INFO, NULL);
  }
}

void sim_retry_fire(Sim *sim, uint32_t idx)
{
  SimEvent *ev = sim_ev(sim, idx);
  uint64_t op = ev->u.op;
  SimTimerId id = sim_event_id(sim, idx);
  SimNode *node = sim_node(sim, ev->node);
  sim_event_release(sim, idx);
  SimPendingOp *p = sim_pending_op(sim, op);
  if (!p || p->retry != id)
    return;
  p->retry = 0;
  if (node->state != SIM_NODE_UP || node->incarnation != p->incarnation) {
    sim_op_finish(sim, op, SIM_OP_INFO, NULL); /* the client died meanwhile */
    return;
  }
  SimClient *c = sim_node_client(node);
  p->attempt++;
  c->counts.attempts++;
  c->counts.retries++;
  sim_trace_simple(sim, SIM_TR_RETRY, node->id, -1, NULL, NULL, (int64_t) op, (int64_t) p->attempt);
  /* An observer of that line may have crashed or paused the client: a
   * frozen or dead machine sends nothing, and the op's outcome is
   * unknown. */
  if (node->state != SIM_NODE_UP) {
    sim_op_finish(sim, op, SIM_OP_INFO, NULL);
    return;
  }
  sim_op_arm_timeout(sim, op, p);
  /* The handler may complete the op (and free `p`): pass copies. */
  const char *f = p->f;
  gboolean has_key = p->has_key;
  SimValue key = has_key ? sim_value_copy(&p->key) : sim_value_nil();
  SimValue value = sim_value_copy(&p->value);
  guint attempt = p->attempt;
  sim_node_enter(node);
  node->model->on_retry(node, op, f, has_key ? &key : NULL, &value, attempt);
  sim_node_leave(node);
  sim_value_clear(&key);
  sim_value_clear(&value);
}

gboolean sim_node_client_stats(Sim *sim, int id, SimTime end, SimClientStats *out)
{
  memset(out, 0, sizeof *out);
  SimNode *node = sim_node(sim, id);
  SimClient *c = sim_node_client(node);
  if (!c || c->counts.ops == 0)
    return FALSE;
  *out = c->counts;
  out->has_policy = c->has_policy;
  SimTime lived = end - sim_node_born(node);
  out->lived_s = lived > 0 ? sim_time_to_seconds(lived) : 0;
  out->offered_per_s = lived > 0 ? (double) out->attempts / out->lived_s : 0;
  out->goodput_per_s = lived > 0 ? (double) out->ok / out->lived_s : 0;
  return TRUE;
}
