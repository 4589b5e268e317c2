/* The summary CSV of `faultsim sweep --csv`, as `faultsim plot curve`
 * reads it: one point per row. */
#pragma once
#include <glib.h>

typedef struct {
  GHashTable *params; /* parameter name → value as swept (text) */
  double mean, se;    /* of the measure over the point's runs; NAN if none */
  double lo, hi;      /* its 95% confidence interval; NAN if none */
  double analytic;    /* a MEASURE_analytic column's value, else NAN */
  guint n;            /* runs that gave the measure */
} PlotPoint;

void plot_point_free(gpointer p);

/* Reads the CSV at `path` for `measure` ("availability" or a metric):
 * columns param_NAME... and MEASURE_mean, _se, _ci95_lo, _ci95_hi, _n (and
 * MEASURE_analytic if present); or the older layout PARAM,runs,MEASURE,
 * MEASURE_se,..., whose interval is mean ± 1.96 se. Appends the parameter
 * names in column order to `param_names` (g_free'd strings) and returns
 * the points (PlotPoint*) in file order, or NULL with `error`
 * ("file:line: ...") for a file that is not such a CSV, a measure it does
 * not have (naming those it has) or a field that is not a number. */
GPtrArray *plot_csv_read(const char *path, const char *measure, GPtrArray *param_names, GError **error);
