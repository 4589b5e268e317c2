/* The operations history: every client operation as invoke → ok | fail |
 * info, with times, the process (client node) and values. Checkers and
 * availability read it; `--history` writes it as JSON lines. */
#include "sim/kernel/internal.h"
#include <string.h>

static void entry_clear(gpointer p)
{
  SimHistoryEntry *e = p;
  sim_value_clear(&e->key);
  sim_value_clear(&e->value);
}

static void pending_free(gpointer p)
{
  SimPendingOp *op = p;
  sim_value_clear(&op->key);
  sim_value_clear(&op->value);
  g_free(op);
}

void sim_history_init(Sim *sim)
{
  sim->history = g_array_new(FALSE, TRUE, sizeof(SimHistoryEntry));
  g_array_set_clear_func(sim->history, entry_clear);
  sim->pending.lo = 1;
}

void sim_history_free(Sim *sim)
{
  g_array_unref(sim->history);
  SimPendingOps *t = &sim->pending;
  for (uint64_t op = t->lo; op <= sim->next_op; op++)
    if (t->slot[op & (t->cap - 1)])
      pending_free(t->slot[op & (t->cap - 1)]);
  g_free(t->slot);
  while (t->spare) {
    SimPendingOp *p = t->spare;
    t->spare = p->next_spare;
    g_free(p);
  }
}

const char *sim_op_type_name(SimOpType type)
{
  static const char *const names[] = { "invoke", "ok", "fail", "info" };
  return type <= SIM_OP_INFO ? names[type] : "?";
}

const GArray *sim_history(Sim *sim) { return sim->history; }

/* sim_value_copy, without the call for the values that own nothing. */
static inline SimValue value_copy(const SimValue *v)
{
  return v->kind == SIM_V_LIST ? sim_value_copy(v) : *v;
}

/* Bytes a value holds beyond its struct. */
static gssize value_bytes(const SimValue *v)
{
  return v->kind == SIM_V_LIST ? (gssize) (32 + v->list->len * sizeof(int64_t)) : 0;
}

/* What a pending operation holds while it waits for its outcome. */
static gssize pending_bytes(const SimPendingOp *p)
{
  return (gssize) sizeof *p + value_bytes(&p->key) + value_bytes(&p->value);
}

/* Makes room in the ring for op `op` (= next_op) and puts `p` there. The
 * window [lo, op] must fit the ring: it doubles when it does not. */
static void pending_put(Sim *sim, uint64_t op, SimPendingOp *p)
{
  SimPendingOps *t = &sim->pending;
  if (G_UNLIKELY(op - t->lo >= t->cap)) {
    uint64_t cap = t->cap ? t->cap : 16;
    while (op - t->lo >= cap)
      cap *= 2;
    SimPendingOp **slot = g_new0(SimPendingOp *, cap);
    for (uint64_t id = t->lo; id < op; id++)
      slot[id & (cap - 1)] = t->slot[id & (t->cap - 1)];
    sim_mem_charge(sim, SIM_MEM_HISTORY, (gssize) ((cap - t->cap) * sizeof *slot));
    g_free(t->slot);
    t->slot = slot;
    t->cap = cap;
  }
  t->slot[op & (t->cap - 1)] = p;
}

/* Forgets pending op `op` and keeps its record for the next op. */
static void pending_remove(Sim *sim, uint64_t op, SimPendingOp *p)
{
  SimPendingOps *t = &sim->pending;
  t->slot[op & (t->cap - 1)] = NULL;
  while (t->lo <= sim->next_op && t->slot[t->lo & (t->cap - 1)] == NULL)
    t->lo++;
  sim_value_clear(&p->key);
  sim_value_clear(&p->value);
  p->next_spare = t->spare;
  t->spare = p;
}

/* `f` in the Sim's string pool. A name that is the pool's own copy (as
 * the workload passes) is found in a small cache by address, without
 * hashing its text; only the pool's copies go in the cache, so an address
 * that now holds other text can never hit. */
static const char *op_name(Sim *sim, const char *f)
{
  guintptr a = (guintptr) f;
  guint slot = (guint) ((a >> 4 ^ a >> 9) % SIM_OP_NAME_SLOTS);
  if (G_LIKELY(sim->op_names[slot] == f))
    return f;
  const char *interned = sim_intern(sim, f);
  a = (guintptr) interned;
  sim->op_names[(guint) ((a >> 4 ^ a >> 9) % SIM_OP_NAME_SLOTS)] = interned;
  return interned;
}

static void record(Sim *sim, uint64_t op, int process, SimOpType type, const char *f,
                   gboolean has_key, const SimValue *key, const SimValue *value)
{
  /* Filled in place (the new entry is zeroed, and a zeroed value is nil):
   * building it on the stack and appending a copy cost a third more. */
  GArray *h = sim->history;
  guint index = h->len;
  g_array_set_size(h, index + 1);
  SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, index);
  e->index = index;
  e->time = sim->now;
  e->process = process;
  e->type = type;
  e->f = f;
  e->op = op;
  e->has_key = has_key;
  if (has_key)
    e->key = value_copy(key);
  if (value)
    e->value = value_copy(value);
  sim_mem_charge(sim, SIM_MEM_HISTORY, (gssize) sizeof *e + value_bytes(&e->key) + value_bytes(&e->value));
  SimTraceEvent ev = { SIM_TR_OP, sim->now, process, -1, NULL, NULL, 0, 0, e };
  sim_trace(sim, &ev);
}

void sim_op_arm_timeout(Sim *sim, uint64_t op, SimPendingOp *p)
{
  if (p->attempt_timeout <= 0)
    return;
  uint32_t ev = sim_event_alloc(sim, EV_OP_TIMEOUT, -1);
  sim_ev(sim, ev)->u.op = op;
  sim_event_push(sim, sim_time_after(sim->now, p->attempt_timeout), ev);
  p->timeout = sim_event_id(sim, ev);
}

uint64_t sim_op_invoke(SimNode *client, const char *f, const SimValue *key,
                       const SimValue *value, SimTime timeout)
{
  Sim *sim = client->sim;
  uint64_t op = ++sim->next_op;
  SimPendingOp *p = sim->pending.spare;
  if (p)
    sim->pending.spare = p->next_spare;
  else
    p = g_new(SimPendingOp, 1);
  memset(p, 0, sizeof *p);
  pending_put(sim, op, p);
  p->process = client->id;
  p->f = op_name(sim, f);
  p->has_key = key != NULL && key->kind != SIM_V_NIL;
  p->key = p->has_key ? value_copy(key) : sim_value_nil();
  p->attempt_timeout = timeout;
  sim_op_arm_timeout(sim, op, p);
  sim_client_invoked(client, p, value);
  sim_mem_charge(sim, SIM_MEM_HISTORY, pending_bytes(p));
  sim->stats.invoked++;
  record(sim, op, client->id, SIM_OP_INVOKE, p->f, p->has_key, &p->key, value);
  return op;
}

/* Records the outcome of pending op `p` and forgets it. */
static void finish(Sim *sim, uint64_t op, SimPendingOp *p, SimOpType type, const SimValue *value)
{
  /* Also for info: a model reporting info before the deadline must not
   * leave a live timeout event behind (at the deadline itself the event
   * is already released, so its stale id is ignored). Likewise a retry
   * waiting out its backoff. */
  if (p->timeout)
    sim_cancel(sim, p->timeout);
  if (G_UNLIKELY(p->retry != 0))
    sim_cancel(sim, p->retry);
  switch (type) {
  case SIM_OP_OK: sim->stats.ok++; break;
  case SIM_OP_FAIL: sim->stats.fail++; break;
  default: sim->stats.info++; break;
  }
  sim_client_outcome(sim, p->process, type);
  record(sim, op, p->process, type, p->f, p->has_key, &p->key, value);
  sim_mem_charge(sim, SIM_MEM_HISTORY, -pending_bytes(p));
  pending_remove(sim, op, p);
}

void sim_op_finish(Sim *sim, uint64_t op, SimOpType type, const SimValue *value)
{
  SimPendingOp *p = sim_pending_op(sim, op);
  if (p)
    finish(sim, op, p, type, value);
}

gboolean sim_op_complete(SimNode *client, uint64_t op, int type, const SimValue *value)
{
  g_return_val_if_fail(type == SIM_OP_OK || type == SIM_OP_FAIL || type == SIM_OP_INFO, FALSE);
  Sim *sim = client->sim;
  SimPendingOp *p = sim_pending_op(sim, op);
  if (!p)
    return FALSE;
  /* With on_fail, a fail is one attempt's failure: the op may go on. */
  if (type == SIM_OP_FAIL && G_UNLIKELY(p->attempt > 0) && sim_retry_after_failure(sim, op, p, FALSE))
    return FALSE;
  finish(sim, op, p, (SimOpType) type, value);
  return TRUE;
}

void sim_op_timed_out(Sim *sim, uint64_t op)
{
  SimPendingOp *p = sim_pending_op(sim, op);
  if (!p)
    return;
  p->timeout = 0; /* its event is released */
  if (G_UNLIKELY(p->attempt > 0) && sim_retry_after_failure(sim, op, p, TRUE))
    return;
  finish(sim, op, p, SIM_OP_INFO, NULL);
}

gboolean sim_op_pending(Sim *sim, uint64_t op)
{
  return sim_pending_op(sim, op) != NULL;
}
