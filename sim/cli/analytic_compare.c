/* Measured means against analytic{} formulas (analytic_compare.h). */
#include "sim/cli/analytic_compare.h"
#include "sim/lua/scenario_analytic.h"
#include <math.h>

GHashTable *analytic_at(const char *path, GHashTable *point, GError **error)
{
  return scenario_analytic_load(path, point, error);
}

AnalyticCompare analytic_compare(double mean, double se, double value)
{
  AnalyticCompare c = { value, NAN, FALSE };
  if (se > 0 && isfinite(se) && isfinite(mean)) {
    c.z = (mean - value) / se;
    c.beyond = fabs(c.z) > ANALYTIC_FLAG_Z;
  }
  return c;
}

void analytic_describe(GString *out, AnalyticCompare c)
{
  if (isnan(c.z))
    g_string_append_printf(out, "analytic %.4f, z n/a", c.value);
  else
    g_string_append_printf(out, "analytic %.4f, z %.2f%s", c.value, c.z,
                           c.beyond ? "  beyond 3 standard errors" : "");
}
