/* Client workloads. One observer watches completions for every client, so
 * a closed-loop client starts its next operation when the last one ends. */
#include "sim/lua/workload.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include <math.h>
#include <string.h>

typedef struct Workload {
  WorkloadSet *set;
  int node;
  WorkloadSpec spec;
  double total_weight;
  SimRng rng;
  uint64_t in_flight; /* closed loop */
  struct Workload *next_on_node; /* the node's next closed-loop client */
} Workload;

struct WorkloadSet {
  Sim *sim;
  GPtrArray *workloads;
  /* node id → its first closed-loop client (NULL: none): a closed-loop
   * client has one op at a time and completions name their client node,
   * so a node's few clients are searched instead of hashing every op id */
  GPtrArray *by_node;
  int64_t next_value;
};

void workload_spec_clear(WorkloadSpec *spec)
{
  if (spec->ops) {
    for (guint i = 0; i < spec->ops->len; i++)
      g_free(g_array_index(spec->ops, WorkloadOp, i).f);
    g_array_unref(spec->ops);
  }
  spec->ops = NULL;
}

static void workload_free(gpointer p)
{
  Workload *w = p;
  workload_spec_clear(&w->spec);
  g_free(w);
}

static void schedule_next(Workload *w, SimTime delay);

static void on_op(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) sim;
  WorkloadSet *set = data;
  if (ev->kind != SIM_TR_OP || ev->entry->type == SIM_OP_INVOKE)
    return;
  int node = ev->entry->process;
  if (node < 0 || (guint) node >= set->by_node->len)
    return;
  Workload *w = g_ptr_array_index(set->by_node, node);
  while (w && w->in_flight != ev->entry->op)
    w = w->next_on_node;
  if (!w)
    return;
  w->in_flight = 0;
  schedule_next(w, w->spec.think);
}

WorkloadSet *workload_set_new(Sim *sim)
{
  WorkloadSet *set = g_new0(WorkloadSet, 1);
  set->sim = sim;
  set->workloads = g_ptr_array_new_with_free_func(workload_free);
  set->by_node = g_ptr_array_new();
  sim_add_observer_kinds(sim, on_op, set, SIM_TRACE_KIND_BIT(SIM_TR_OP));
  return set;
}

void workload_set_free(WorkloadSet *set)
{
  if (!set)
    return;
  g_ptr_array_unref(set->workloads);
  g_ptr_array_unref(set->by_node);
  g_free(set);
}

static const char *pick_op(Workload *w)
{
  double x = sim_rng_double(&w->rng) * w->total_weight;
  GArray *ops = w->spec.ops;
  for (guint i = 0; i < ops->len; i++) {
    x -= g_array_index(ops, WorkloadOp, i).weight;
    if (x < 0)
      return g_array_index(ops, WorkloadOp, i).f;
  }
  return g_array_index(ops, WorkloadOp, ops->len - 1).f;
}

static void invoke(Sim *sim, void *data)
{
  Workload *w = data;
  if (sim->now >= w->spec.stop)
    return;
  SimNode *node = sim_node(sim, w->node);
  if (node->state != SIM_NODE_UP) {
    /* A down or frozen client issues nothing; it tries again later. */
    schedule_next(w, w->spec.think > 0 ? w->spec.think : 10 * SIM_MS);
    return;
  }
  const char *f = sim_intern(sim, pick_op(w));
  SimValue key = w->spec.keys > 0 ? sim_value_int(sim_rng_range(&w->rng, 0, w->spec.keys - 1)) : sim_value_nil();
  SimValue value = sim_value_nil();
  if (g_str_equal(f, "write") || g_str_equal(f, "put") || g_str_equal(f, "add") || g_str_equal(f, "append"))
    value = sim_value_int(++w->set->next_value);
  else if (g_str_equal(f, "cas"))
    value = sim_value_pair(sim_rng_range(&w->rng, 0, w->spec.cas_values - 1),
                           sim_rng_range(&w->rng, 0, w->spec.cas_values - 1));
  uint64_t op = sim_op_invoke(node, f, w->spec.keys > 0 ? &key : NULL, &value, w->spec.timeout);
  if (!w->spec.open_loop)
    w->in_flight = op;
  node->model->on_invoke(node, op, f, w->spec.keys > 0 ? &key : NULL, &value);
  if (w->spec.open_loop)
    schedule_next(w, 0);
}

static void schedule_next(Workload *w, SimTime delay)
{
  Sim *sim = w->set->sim;
  if (w->spec.open_loop)
    delay = sim_time_from_ns_double(sim_rng_exponential(&w->rng, 1e9 / w->spec.rate));
  SimTime at = sim_time_after(sim->now, delay);
  if (at < w->spec.start)
    at = w->spec.start;
  if (at < w->spec.stop)
    sim_schedule(sim, at, invoke, w, NULL);
}

gboolean workload_describe(SimCallFn fn, void *data, const char **where, const char **what)
{
  if (fn != invoke)
    return FALSE;
  Workload *w = data;
  Sim *sim = w->set->sim;
  g_autofree char *text = g_strdup_printf("the workload of client '%s'", sim_node_name(sim_node(sim, w->node)));
  *where = NULL;
  *what = sim_intern(sim, text);
  return TRUE;
}

gboolean workload_attach(WorkloadSet *set, int node_id, const WorkloadSpec *spec, GError **error)
{
  SimNode *node = sim_node(set->sim, node_id);
  if (!node->model->on_invoke) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "model '%s' of node '%s' does not take workload operations", node->model->name, node->name);
    return FALSE;
  }
  if (!spec->ops || spec->ops->len == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "workload for '%s' has no operations", node->name);
    return FALSE;
  }
  for (guint i = 0; node->model->ops && i < spec->ops->len; i++) {
    const char *f = g_array_index(spec->ops, WorkloadOp, i).f;
    gboolean known = FALSE;
    for (const char *const *o = node->model->ops; *o && !known; o++)
      known = strcmp(*o, f) == 0;
    if (!known) {
      g_autofree char *valid = g_strjoinv(", ", (char **) node->model->ops);
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "workload for '%s': model '%s' has no operation '%s' "
                  "(its operations: %s)", node->name, node->model->name, f, valid);
      return FALSE;
    }
  }
  if (spec->open_loop && !(spec->rate > 0 && isfinite(spec->rate) && spec->rate <= 1e9)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "workload for '%s': rate must be in (0, 1e9] per second", node->name);
    return FALSE;
  }
  Workload *w = g_new0(Workload, 1);
  w->set = set;
  w->node = node_id;
  w->spec = *spec;
  w->spec.ops = g_array_new(FALSE, FALSE, sizeof(WorkloadOp));
  for (guint i = 0; i < spec->ops->len; i++) {
    WorkloadOp op = g_array_index(spec->ops, WorkloadOp, i);
    if (!(op.weight > 0) || !isfinite(op.weight)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "workload for '%s': operation '%s' needs a positive weight", node->name, op.f);
      workload_free(w);
      return FALSE;
    }
    op.f = g_strdup(op.f);
    w->total_weight += op.weight;
    g_array_append_val(w->spec.ops, op);
  }
  if (w->spec.cas_values <= 0)
    w->spec.cas_values = 5;
  sim_rng_init_indexed(&w->rng, sim_seed(set->sim), "workload", (uint64_t) node_id);
  g_ptr_array_add(set->workloads, w);
  gssize bytes = sizeof *w + sizeof(gpointer);
  if (!spec->open_loop) {
    /* appended, so a node's clients are searched in the order attached */
    if ((guint) node_id >= set->by_node->len) {
      bytes += (gssize) (((guint) node_id + 1 - set->by_node->len) * sizeof(gpointer));
      g_ptr_array_set_size(set->by_node, node_id + 1);
    }
    Workload **last = (Workload **) &g_ptr_array_index(set->by_node, node_id);
    while (*last)
      last = &(*last)->next_on_node;
    *last = w;
  }
  for (guint i = 0; i < w->spec.ops->len; i++)
    bytes += (gssize) (sizeof(WorkloadOp) + strlen(g_array_index(w->spec.ops, WorkloadOp, i).f) + 1);
  sim_mem_charge(set->sim, SIM_MEM_SCRIPT, bytes);
  if (spec->open_loop)
    schedule_next(w, 0);
  else
    sim_schedule(set->sim, MAX(spec->start, sim_now(set->sim)), invoke, w, NULL);
  return TRUE;
}
