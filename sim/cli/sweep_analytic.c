/* The sweep's side of analytic{}: each parameter point's formulas are run
 * once, on a fresh load of the script with that point's parameters (the
 * summary asks for every measure of every point, twice). */
#include "sim/cli/sweep_analytic.h"
#include "sim/cli/analytic_compare.h"
#include <stdio.h>

struct SweepAnalytic {
  char *path;
  GHashTable *fixed;
  GHashTable *points; /* "name=value\n..." → predictions (measure → double*) */
  gboolean warned;
};

SweepAnalytic *sweep_analytic_new(const char *path, GHashTable *fixed)
{
  SweepAnalytic *a = g_new0(SweepAnalytic, 1);
  a->path = g_strdup(path);
  a->fixed = fixed;
  a->points = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  return a;
}

void sweep_analytic_free(SweepAnalytic *a)
{
  if (!a)
    return;
  g_free(a->path);
  g_hash_table_unref(a->points);
  g_free(a);
}

/* The predictions at `pairs`, computed on first use; an empty table when
 * the formulas failed there. */
static GHashTable *point_predictions(SweepAnalytic *a, const GPtrArray *pairs)
{
  g_autoptr(GString) key = g_string_new(NULL);
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    g_string_append_printf(key, "%s=%s\n", (const char *) pairs->pdata[i], (const char *) pairs->pdata[i + 1]);
  GHashTable *found = g_hash_table_lookup(a->points, key->str);
  if (found)
    return found;
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  if (a->fixed) {
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, a->fixed);
    while (g_hash_table_iter_next(&it, &k, &v))
      g_hash_table_insert(params, k, v);
  }
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    g_hash_table_insert(params, pairs->pdata[i], pairs->pdata[i + 1]);
  g_autoptr(GError) error = NULL;
  GHashTable *predicted = analytic_at(a->path, params, &error);
  if (!predicted) {
    if (!a->warned)
      fprintf(stderr, "faultsim: analytic{}: %s (no prediction beside the measured values)\n", error->message);
    a->warned = TRUE;
    predicted = g_hash_table_new(g_str_hash, g_str_equal);
  }
  g_hash_table_insert(a->points, g_string_free(g_steal_pointer(&key), FALSE), predicted);
  return predicted;
}

gboolean sweep_analytic_predict(void *data, const GPtrArray *pairs, const char *measure, double *value)
{
  const double *v = g_hash_table_lookup(point_predictions(data, pairs), measure);
  if (v)
    *value = *v;
  return v != NULL;
}
