/* Budgets of one run: the bytes the kernel holds (checked against the
 * memory limit together with a shared count, the Lua heap), the events
 * taken from the queue (per run and per simulated instant), and the Sim's
 * own string pool, whose names count against the same memory limit.
 *
 * Charges are made where the kernel grows a table, in deterministic sizes
 * (element sizes plus a fixed overhead per hash entry), so the same run
 * stops at the same point in every process. */
#include "sim/kernel/internal.h"
#include <stdlib.h>
#include <string.h>

static const char *const mem_names[SIM_MEM_KINDS] = {
  [SIM_MEM_EVENTS] = "event records",
  [SIM_MEM_MESSAGES] = "queued messages",
  [SIM_MEM_HISTORY] = "the history",
  [SIM_MEM_NODES] = "nodes, logs and durable state",
  [SIM_MEM_NETWORK] = "link tables",
  [SIM_MEM_NAMES] = "names",
  [SIM_MEM_METRICS] = "metrics and invariants",
  [SIM_MEM_TRACE] = "trace buffers",
  [SIM_MEM_SCRIPT] = "scenario hooks and callbacks",
};

void sim_budget_init(Sim *sim)
{
  SimLimits none = { 0 };
  sim_set_limits(sim, &none);
  sim->instant = SIM_TIME_MIN;
  sim->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

void sim_budget_free(Sim *sim)
{
  g_hash_table_unref(sim->names);
}

void sim_set_limits(Sim *sim, const SimLimits *limits)
{
  sim->limits = *limits;
  /* No limit is the largest one, so the run loop compares without a test. */
  if (!sim->limits.max_events)
    sim->limits.max_events = G_MAXUINT64;
  if (!sim->limits.max_instant_events)
    sim->limits.max_instant_events = G_MAXUINT64;
}

void sim_share_memory(Sim *sim, const size_t *external, const char *what)
{
  sim->mem_external = external;
  sim->mem_external_what = what;
}

const size_t *sim_memory_counter(const Sim *sim) { return &sim->mem_total; }
SimBudget sim_over_budget(const Sim *sim) { return sim->over_budget; }

void sim_set_describer(Sim *sim, SimDescribeFn fn, void *ctx)
{
  sim->describe = fn;
  sim->describe_ctx = ctx;
}

/* Ends the run for budget `which` with `message` (taken), unless it has
 * already failed. */
static void budget_fail(Sim *sim, SimBudget which, char *message)
{
  if (!sim->failure) {
    sim->failure = message;
    sim->over_budget = which;
  } else {
    g_free(message);
  }
  sim->stopped = TRUE;
}

static size_t external_bytes(const Sim *sim)
{
  return sim->mem_external ? *sim->mem_external : 0;
}

void sim_mem_charge(Sim *sim, SimMemKind kind, gssize delta)
{
  sim->mem[kind] += delta;
  sim->mem_total = (size_t) ((gint64) sim->mem_total + delta);
  if (delta > 0 && sim->limits.mem_limit && sim->mem_total + external_bytes(sim) > sim->limits.mem_limit &&
      !sim->failure)
    budget_fail(sim, SIM_BUDGET_MEMORY, sim_memory_report(sim));
}

typedef struct {
  const char *what;
  double mib;
  guint order;
} Holder;

/* Largest first; equal sizes in the order of mem_names. */
static int by_size(const void *a, const void *b)
{
  const Holder *x = a, *y = b;
  if (x->mib != y->mib)
    return x->mib < y->mib ? 1 : -1;
  return x->order < y->order ? -1 : 1;
}

char *sim_memory_report(const Sim *sim)
{
  Holder holders[SIM_MEM_KINDS + 1];
  guint n = 0;
  for (guint k = 0; k < SIM_MEM_KINDS; k++, n++)
    holders[n] = (Holder) { mem_names[k], (double) sim->mem[k] / (1 << 20), n };
  if (sim->mem_external) {
    holders[n] = (Holder) { sim->mem_external_what, (double) external_bytes(sim) / (1 << 20), n };
    n++;
  }
  qsort(holders, n, sizeof holders[0], by_size);
  GString *s = g_string_new(NULL);
  size_t limit = sim->limits.mem_limit;
  if (limit % (1 << 20) == 0)
    g_string_append_printf(s, "memory limit of %zu MiB exceeded:", limit >> 20);
  else
    g_string_append_printf(s, "memory limit of %zu bytes exceeded:", limit);
  for (guint i = 0; i < n; i++) {
    if (i > 0 && holders[i].mib < 0.05)
      break;
    g_string_append_printf(s, "%s %.1f MiB in %s", i ? "," : "", holders[i].mib, holders[i].what);
  }
  return g_string_free(s, FALSE);
}

/* ---- events ---- */

/* Who an event came from: a script position (or NULL) and a description,
 * `*what` owned by `*owned` when it had to be built. */
static void describe_event(Sim *sim, const SimEvent *ev, const char **where, const char **what, char **owned)
{
  *where = NULL;
  *owned = NULL;
  SimNode *node = ev->node >= 0 ? sim_node(sim, ev->node) : NULL;
  switch ((SimEventKind) ev->kind) {
  case EV_CALL:
    if (!sim->describe || !sim->describe(ev->u.call->fn, ev->u.call->data, sim->describe_ctx, where, what)) {
      *where = NULL;
      *what = "a kernel callback";
    }
    return;
  case EV_DELIVER:
    *owned = g_strdup_printf("message %s to node '%s' (model %s)", ev->u.msg->type, node->name, node->model->name);
    break;
  case EV_TIMER:
    *owned = g_strdup_printf("a timer of node '%s' (model %s)", node->name, node->model->name);
    break;
  case EV_NODE_START:
    *owned = g_strdup_printf("the start of node '%s' (model %s)", node->name, node->model->name);
    break;
  case EV_OP_TIMEOUT:
    *what = "an operation timeout";
    return;
  case EV_RETRY:
    *owned = g_strdup_printf("a retry of client '%s' (model %s)", node->name, node->model->name);
    break;
  case EV_FREE:
    *what = "a released event";
    return;
  }
  *what = *owned;
}

gboolean sim_budget_exceeded(Sim *sim, SimTime at, uint32_t idx)
{
  SimBudget which = sim->instant_popped > sim->limits.max_instant_events ? SIM_BUDGET_INSTANT_EVENTS
                                                                          : SIM_BUDGET_EVENTS;
  const char *where, *what;
  g_autofree char *owned = NULL;
  describe_event(sim, sim_ev(sim, idx), &where, &what, &owned);
  char *message;
  if (which == SIM_BUDGET_INSTANT_EVENTS)
    message = g_strdup_printf("%s%s%s keeps scheduling events at t=%.9f s: more than %" G_GUINT64_FORMAT
                              " events at one simulated instant (time is not advancing)",
                              where ? where : "", where ? ": " : "", what, sim_time_to_seconds(at),
                              sim->limits.max_instant_events);
  else
    message = g_strdup_printf("%s%s%s: more than %" G_GUINT64_FORMAT " events in the run (the last one at t=%.9f s)",
                              where ? where : "", where ? ": " : "", what, sim->limits.max_events,
                              sim_time_to_seconds(at));
  budget_fail(sim, which, message);
  return FALSE;
}

/* ---- the string pool ---- */

const char *sim_intern(Sim *sim, const char *s)
{
  gpointer key;
  if (g_hash_table_lookup_extended(sim->names, s, &key, NULL))
    return key;
  char *copy = g_strdup(s);
  g_hash_table_add(sim->names, copy);
  sim_mem_charge(sim, SIM_MEM_NAMES, (gssize) (strlen(s) + 1 + SIM_HASH_ENTRY_BYTES));
  return copy;
}
