/* Hands the run's in-memory history to the linearizability checker
 * (sim/check/lincheck.h) without a file: each SimHistoryEntry becomes a HistoryOp. */
#include "models/kv/kv.h"
#include "sim/check/lincheck.h"

static HistoryValue *to_history(const SimValue *v)
{
  HistoryValue *h;
  switch (v->kind) {
  case SIM_V_INT:
    h = history_value_new(HISTORY_INT);
    h->i = v->a;
    return h;
  case SIM_V_PAIR:
    h = history_value_new(HISTORY_LIST);
    for (int i = 0; i < 2; i++) {
      HistoryValue *x = history_value_new(HISTORY_INT);
      x->i = i ? v->b : v->a;
      g_ptr_array_add(h->items, x);
    }
    return h;
  case SIM_V_LIST:
    h = history_value_new(HISTORY_LIST);
    for (guint i = 0; v->list && i < v->list->len; i++) {
      HistoryValue *x = history_value_new(HISTORY_INT);
      x->i = g_array_index(v->list, int64_t, i);
      g_ptr_array_add(h->items, x);
    }
    return h;
  default:
    return history_value_new(HISTORY_NIL);
  }
}

void kv_lincheck_history(Sim *sim, SimNode *const *clients, guint n, guint64 max_steps,
                         const char *name, const char *prefix)
{
  sim_invariant_declare(sim, name);
  g_autoptr(GHashTable) mine = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (guint i = 0; i < n; i++)
    g_hash_table_add(mine, GINT_TO_POINTER(sim_node_id(clients[i]) + 1));
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func((GDestroyNotify) history_op_free);
  const GArray *h = sim_history(sim);
  gboolean with_cas = FALSE;
  const char *source = g_intern_static_string("history");
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (!g_hash_table_contains(mine, GINT_TO_POINTER(e->process + 1)))
      continue;
    HistoryOp *op = g_new0(HistoryOp, 1);
    op->source = source;
    op->line = i + 1;
    op->index = (gint64) e->index;
    op->time = e->time;
    op->process = e->process;
    /* The op id pairs an invocation with its completion even when the
     * client has several operations pending (an open-loop workload). */
    op->has_op_id = TRUE;
    op->op_id = (gint64) e->op;
    op->type = e->type == SIM_OP_INVOKE ? HISTORY_INVOKE : e->type == SIM_OP_OK ? HISTORY_OK
             : e->type == SIM_OP_FAIL ? HISTORY_FAIL : HISTORY_INFO;
    op->f = g_strdup(e->f);
    with_cas = with_cas || g_str_equal(e->f, "cas");
    op->key = e->has_key ? to_history(&e->key) : NULL;
    op->value = to_history(&e->value);
    g_ptr_array_add(ops, op);
  }
  /* No memory cap: it would depend on the machine, and max_steps already
   * bounds the memory (each step stores at most one memo entry). */
  LincheckLimits limits = { max_steps, 0, 0 };
  LincheckResult result = { 0 };
  GError *error = NULL;
  g_autofree char *metric = g_strdup_printf("%s_lincheck", prefix);
  if (!lincheck_check(lincheck_model_lookup(with_cas ? "cas-register" : "register"), ops, &limits, &result, &error)) {
    /* A history the checker cannot read (an op the register model does not
     * know) is undecided, not a violation: nothing was shown wrong. */
    sim_metric_set(sim, metric, -1);
    sim_note(sim, "%s: the history was not checked for linearizability: %s", name, error->message);
    g_error_free(error);
    return;
  }
  if (result.verdict == LINCHECK_VIOLATION) {
    sim_violation(sim, name, "key %s: cannot place %s", result.key ? result.key : "?",
                  result.bad ? result.bad : "?");
    sim_metric_set(sim, metric, 0);
  } else {
    sim_metric_set(sim, metric, result.verdict == LINCHECK_OK ? 1 : -1);
    if (result.verdict != LINCHECK_OK)
      sim_note(sim, "%s: undecided after %" G_GUINT64_FORMAT " steps of the linearizability search "
               "(lincheck_max_steps); %s = -1", name, result.steps, metric);
  }
  lincheck_result_clear(&result);
}
