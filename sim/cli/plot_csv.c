/* Reading the summary CSV of `faultsim sweep --csv` for `plot curve`. */
#include "sim/cli/plot_csv.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <string.h>

void plot_point_free(gpointer p)
{
  PlotPoint *pt = p;
  g_hash_table_unref(pt->params);
  g_free(pt);
}

/* Splits one CSV line into fields: commas separate, a field in double
 * quotes may hold commas and "" for a quote. */
static GPtrArray *split_csv(const char *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
  const char *p = line;
  for (;;) {
    GString *f = g_string_new(NULL);
    if (*p == '"') {
      for (p++; *p; p++) {
        if (*p == '"' && p[1] == '"')
          g_string_append_c(f, *p++);
        else if (*p == '"') {
          p++;
          break;
        } else
          g_string_append_c(f, *p);
      }
      while (*p && *p != ',')
        p++;
    } else {
      while (*p && *p != ',')
        g_string_append_c(f, *p++);
    }
    g_ptr_array_add(fields, g_string_free(f, FALSE));
    if (*p != ',')
      break;
    p++;
  }
  return fields;
}

static int column(GPtrArray *header, const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (strcmp(header->pdata[i], name) == 0)
      return (int) i;
  return -1;
}

/* The number in field `col` of `row`, NAN when empty or absent. */
static gboolean number_at(GPtrArray *row, int col, double *out)
{
  *out = NAN;
  if (col < 0 || (guint) col >= row->len || !*(char *) row->pdata[col])
    return TRUE;
  char *end = NULL;
  const char *text = row->pdata[col];
  double v = g_ascii_strtod(text, &end);
  if (*end)
    return FALSE;
  *out = v;
  return TRUE;
}

GPtrArray *plot_csv_read(const char *path, const char *measure, GPtrArray *param_names, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, error))
    return NULL;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  if (!lines[0] || !*lines[0]) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: empty; expected the CSV of faultsim sweep --csv", path);
    return NULL;
  }
  g_autoptr(GPtrArray) header = split_csv(g_strchomp(lines[0]));
  /* Today's format has param_NAME columns and MEASURE_mean, _se,
   * _ci95_lo, _ci95_hi, _n per measure; the older one the parameter first,
   * then runs and MEASURE, MEASURE_se (its CI is mean ± 1.96 se). */
  g_autoptr(GArray) param_cols = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint i = 0; i < header->len; i++)
    if (g_str_has_prefix(header->pdata[i], "param_") && ((char *) header->pdata[i])[6]) {
      g_ptr_array_add(param_names, g_strdup((char *) header->pdata[i] + 6));
      int c = (int) i;
      g_array_append_val(param_cols, c);
    }
  gboolean old = param_cols->len == 0;
  int mean_col, se_col, lo_col = -1, hi_col = -1, n_col;
  if (old) {
    if (column(header, "runs") != 1) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "%s:1: no param_NAME column: expected the CSV of faultsim sweep --csv", path);
      return NULL;
    }
    g_ptr_array_add(param_names, g_strdup(header->pdata[0]));
    int c = 0;
    g_array_append_val(param_cols, c);
    g_autofree char *se = g_strconcat(measure, "_se", NULL);
    mean_col = column(header, measure);
    se_col = column(header, se);
    n_col = column(header, "runs");
  } else {
    g_autofree char *m = g_strconcat(measure, "_mean", NULL), *se = g_strconcat(measure, "_se", NULL),
                    *lo = g_strconcat(measure, "_ci95_lo", NULL), *hi = g_strconcat(measure, "_ci95_hi", NULL),
                    *n = g_strconcat(measure, "_n", NULL);
    mean_col = column(header, m);
    se_col = column(header, se);
    lo_col = column(header, lo);
    hi_col = column(header, hi);
    n_col = column(header, n);
  }
  if (mean_col < 0) {
    g_autoptr(GString) have = g_string_new(NULL);
    for (guint i = 0; i < header->len; i++) {
      const char *h = header->pdata[i];
      if (old ? (i >= 2 && !g_str_has_suffix(h, "_se")) : g_str_has_suffix(h, "_mean"))
        g_string_append_printf(have, "%s%.*s", have->len ? ", " : "", (int) (strlen(h) - (old ? 0 : 5)), h);
    }
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:1: no measure '%s' (the file has: %s)", path, measure,
                have->len ? have->str : "none");
    return NULL;
  }
  g_autofree char *analytic_name = g_strconcat(measure, "_analytic", NULL);
  int analytic_col = column(header, analytic_name);
  GPtrArray *points = g_ptr_array_new_with_free_func(plot_point_free);
  for (guint l = 1; lines[l]; l++) {
    g_strchomp(lines[l]);
    if (!*lines[l])
      continue;
    g_autoptr(GPtrArray) row = split_csv(lines[l]);
    if (row->len != header->len) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:%u: %u fields where the header has %u", path, l + 1,
                  row->len, header->len);
      g_ptr_array_unref(points);
      return NULL;
    }
    PlotPoint *pt = g_new0(PlotPoint, 1);
    pt->params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_ptr_array_add(points, pt);
    for (guint k = 0; k < param_cols->len; k++)
      g_hash_table_replace(pt->params, g_strdup(param_names->pdata[k]),
                           g_strdup(row->pdata[g_array_index(param_cols, int, k)]));
    double n = NAN;
    if (!number_at(row, mean_col, &pt->mean) || !number_at(row, se_col, &pt->se) ||
        !number_at(row, lo_col, &pt->lo) || !number_at(row, hi_col, &pt->hi) || !number_at(row, n_col, &n) ||
        !number_at(row, analytic_col, &pt->analytic)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:%u: a field of %s that is not a number", path, l + 1,
                  measure);
      g_ptr_array_unref(points);
      return NULL;
    }
    pt->n = isnan(n) ? 0 : (guint) n;
    if (lo_col < 0 && !isnan(pt->se)) {
      pt->lo = pt->mean - 1.96 * pt->se;
      pt->hi = pt->mean + 1.96 * pt->se;
    }
  }
  if (points->len == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: no rows after the header", path);
    g_ptr_array_unref(points);
    return NULL;
  }
  return points;
}
