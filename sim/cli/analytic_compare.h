/* A measured mean beside the formula a scenario declares for it with
 * analytic{} (sim/lua/scenario_analytic.h): how far apart they are in
 * standard errors. `faultsim plot curve` prints it per point; the sweep
 * summary calls the same functions per parameter point and measure:
 *
 *   g_autoptr(GHashTable) f = analytic_at(path, point, &error);  // once per point
 *   double *a = g_hash_table_lookup(f, "availability");          // NULL: no formula
 *   if (a) analytic_describe(cell, analytic_compare(mean, se, *a));
 */
#pragma once
#include <glib.h>

/* Beyond this many standard errors a point is flagged. */
#define ANALYTIC_FLAG_Z 3.0

typedef struct {
  double value;     /* the formula's value */
  double z;         /* (mean - value) / se; NAN when se is not above 0 */
  gboolean beyond;  /* |z| > ANALYTIC_FLAG_Z */
} AnalyticCompare;

/* The formulas of the scenario at `path` at one parameter point: `point`
 * maps every parameter the sweep set (its --set values and the point's
 * --param values) to its text. Returns measure → double* (empty when the
 * scenario declares none; unref when done), or NULL with `error`
 * ("file:line: ...") for a script that does not load with them or a
 * formula that fails. */
GHashTable *analytic_at(const char *path, GHashTable *point, GError **error);

AnalyticCompare analytic_compare(double mean, double se, double value);

/* Appends "analytic 0.7407, z -0.36" to `out`, and "  beyond 3 standard
 * errors" when flagged ("z n/a" without a standard error). */
void analytic_describe(GString *out, AnalyticCompare c);
