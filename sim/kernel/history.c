/* The operations history: every client operation as invoke → ok | fail |
 * info, with times, the process (client node) and values. Checkers and
 * availability read it; `--history` writes it as JSON lines. */
#include "sim/kernel/internal.h"

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
  sim->pending_ops = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, pending_free);
}

void sim_history_free(Sim *sim)
{
  g_array_unref(sim->history);
  g_hash_table_unref(sim->pending_ops);
}

const char *sim_op_type_name(SimOpType type)
{
  static const char *const names[] = { "invoke", "ok", "fail", "info" };
  return type <= SIM_OP_INFO ? names[type] : "?";
}

const GArray *sim_history(Sim *sim) { return sim->history; }

/* Bytes a value holds beyond its struct. */
static gssize value_bytes(const SimValue *v)
{
  return v->kind == SIM_V_LIST ? (gssize) (32 + v->list->len * sizeof(int64_t)) : 0;
}

/* What a pending operation holds while it waits for its outcome. */
static gssize pending_bytes(const SimPendingOp *p)
{
  return (gssize) (sizeof *p + sizeof(gint64) + SIM_HASH_ENTRY_BYTES) + value_bytes(&p->key) +
         value_bytes(&p->value);
}

static void record(Sim *sim, uint64_t op, int process, SimOpType type, const char *f,
                   gboolean has_key, const SimValue *key, const SimValue *value)
{
  SimHistoryEntry e = { 0 };
  e.index = sim->history->len;
  e.time = sim->now;
  e.process = process;
  e.type = type;
  e.f = f;
  e.op = op;
  e.has_key = has_key;
  e.key = has_key ? sim_value_copy(key) : sim_value_nil();
  e.value = value ? sim_value_copy(value) : sim_value_nil();
  g_array_append_val(sim->history, e);
  sim_mem_charge(sim, SIM_MEM_HISTORY, (gssize) sizeof e + value_bytes(&e.key) + value_bytes(&e.value));
  SimTraceEvent ev = { SIM_TR_OP, sim->now, process, -1, NULL, NULL, 0, 0,
                       &g_array_index(sim->history, SimHistoryEntry, sim->history->len - 1) };
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
  SimPendingOp *p = g_new0(SimPendingOp, 1);
  p->process = client->id;
  p->f = sim_intern(sim, f);
  p->has_key = key != NULL && key->kind != SIM_V_NIL;
  p->key = p->has_key ? sim_value_copy(key) : sim_value_nil();
  p->attempt_timeout = timeout;
  sim_op_arm_timeout(sim, op, p);
  sim_client_invoked(client, p, value);
  gint64 *k = g_new(gint64, 1);
  *k = (gint64) op;
  g_hash_table_insert(sim->pending_ops, k, p);
  sim_mem_charge(sim, SIM_MEM_HISTORY, pending_bytes(p));
  sim->stats.invoked++;
  record(sim, op, client->id, SIM_OP_INVOKE, p->f, p->has_key, &p->key, value);
  return op;
}

static SimPendingOp *pending(Sim *sim, uint64_t op)
{
  gint64 k = (gint64) op;
  return g_hash_table_lookup(sim->pending_ops, &k);
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
  gint64 k = (gint64) op;
  g_hash_table_remove(sim->pending_ops, &k);
}

void sim_op_finish(Sim *sim, uint64_t op, SimOpType type, const SimValue *value)
{
  SimPendingOp *p = pending(sim, op);
  if (p)
    finish(sim, op, p, type, value);
}

gboolean sim_op_complete(SimNode *client, uint64_t op, int type, const SimValue *value)
{
  g_return_val_if_fail(type == SIM_OP_OK || type == SIM_OP_FAIL || type == SIM_OP_INFO, FALSE);
  Sim *sim = client->sim;
  SimPendingOp *p = pending(sim, op);
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
  SimPendingOp *p = pending(sim, op);
  if (!p)
    return;
  p->timeout = 0; /* its event is released */
  if (G_UNLIKELY(p->attempt > 0) && sim_retry_after_failure(sim, op, p, TRUE))
    return;
  finish(sim, op, p, SIM_OP_INFO, NULL);
}

gboolean sim_op_pending(Sim *sim, uint64_t op)
{
  gint64 k = (gint64) op;
  return g_hash_table_contains(sim->pending_ops, &k);
}
