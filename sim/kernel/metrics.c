/* Invariant violation counts (with the first few examples; the convention
 * is in sim/check/check.h) and named metrics (series in sim/kernel/histogram.h).
 * Reported in name order, never in hash order. */
#include "sim/kernel/internal.h"
#include <stdarg.h>

static void invariant_free(gpointer p)
{
  SimInvariant *inv = p;
  g_ptr_array_unref(inv->examples);
  g_free(inv);
}

static void metric_free(gpointer p)
{
  SimMetric *m = p;
  sim_histogram_free(m->hist);
  g_free(m);
}

void sim_metrics_init(Sim *sim)
{
  sim->invariants = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, invariant_free);
  sim->metrics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, metric_free);
  sim->notes = g_ptr_array_new_with_free_func(g_free);
}

void sim_metrics_free(Sim *sim)
{
  g_hash_table_unref(sim->invariants);
  g_hash_table_unref(sim->metrics);
  g_ptr_array_unref(sim->notes);
}

void sim_note(Sim *sim, const char *fmt, ...)
{
  if (sim->notes->len >= SIM_MAX_NOTES)
    return;
  va_list ap;
  va_start(ap, fmt);
  char *text = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_ptr_array_add(sim->notes, text);
  sim_mem_charge(sim, SIM_MEM_METRICS, (gssize) (strlen(text) + 1 + sizeof(gpointer)));
}

const GPtrArray *sim_notes(Sim *sim) { return sim->notes; }

static SimInvariant *invariant(Sim *sim, const char *name)
{
  SimInvariant *inv = g_hash_table_lookup(sim->invariants, name);
  if (!inv) {
    inv = g_new0(SimInvariant, 1);
    inv->examples = g_ptr_array_new_with_free_func(g_free);
    g_hash_table_insert(sim->invariants, g_strdup(name), inv);
    sim_mem_charge(sim, SIM_MEM_METRICS, (gssize) (strlen(name) + 1 + sizeof *inv + 32 + SIM_HASH_ENTRY_BYTES));
  }
  return inv;
}

void sim_invariant_declare(Sim *sim, const char *name) { invariant(sim, name); }

static void violation(Sim *sim, const char *name, SimTime at, const char *fmt, va_list ap)
{
  SimInvariant *inv = invariant(sim, name);
  inv->count++;
  if (inv->examples->len < SIM_CHECK_MAX_EXAMPLES) {
    g_autofree char *text = g_strdup_vprintf(fmt, ap);
    char *example = g_strdup_printf("t=%.6fs: %s", sim_time_to_seconds(at), text);
    g_ptr_array_add(inv->examples, example);
    sim_mem_charge(sim, SIM_MEM_METRICS, (gssize) (strlen(example) + 1 + sizeof(gpointer)));
  }
}

void sim_violation(Sim *sim, const char *name, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  violation(sim, name, sim->now, fmt, ap);
  va_end(ap);
}

void sim_violation_at(Sim *sim, const char *name, SimTime at, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  violation(sim, name, at, fmt, ap);
  va_end(ap);
}

guint64 sim_violations(Sim *sim, const char *name)
{
  SimInvariant *inv = g_hash_table_lookup(sim->invariants, name);
  return inv ? inv->count : 0;
}

static SimMetric *metric(Sim *sim, const char *name)
{
  SimMetric *m = g_hash_table_lookup(sim->metrics, name);
  if (!m) {
    m = g_new0(SimMetric, 1);
    g_hash_table_insert(sim->metrics, g_strdup(name), m);
    sim_mem_charge(sim, SIM_MEM_METRICS, (gssize) (strlen(name) + 1 + sizeof *m + SIM_HASH_ENTRY_BYTES));
  }
  return m;
}

void sim_metric_set(Sim *sim, const char *name, double value) { metric(sim, name)->value = value; }
void sim_metric_add(Sim *sim, const char *name, double delta) { metric(sim, name)->value += delta; }

void sim_metric_sample(Sim *sim, const char *name, double value)
{
  SimMetric *m = metric(sim, name);
  if (!m->hist) {
    m->hist = sim_histogram_new();
    sim_mem_charge(sim, SIM_MEM_METRICS, (gssize) sim_histogram_bytes(m->hist));
  }
  gsize before = sim_histogram_bytes(m->hist);
  sim_histogram_add(m->hist, value);
  gsize after = sim_histogram_bytes(m->hist);
  if (after != before)
    sim_mem_charge(sim, SIM_MEM_METRICS, (gssize) after - (gssize) before);
}

gboolean sim_metric_get(Sim *sim, const char *name, double *value)
{
  SimMetric *m = g_hash_table_lookup(sim->metrics, name);
  if (!m)
    return FALSE;
  *value = m->hist ? (double) sim_histogram_count(m->hist) : m->value;
  return TRUE;
}
