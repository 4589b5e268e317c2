/* Duration parsing for scenarios and flags. */
#include "sim/kernel/time.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <string.h>

gboolean sim_time_from_seconds(double seconds, SimTime *out, GError **error)
{
  if (isnan(seconds) || isinf(seconds)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "duration is not a finite number");
    return FALSE;
  }
  if (seconds < 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "duration %g is negative", seconds);
    return FALSE;
  }
  if (seconds > SIM_DURATION_MAX_S) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "duration %g s is too large", seconds);
    return FALSE;
  }
  *out = (SimTime) llround(seconds * 1e9);
  return TRUE;
}

gboolean sim_time_parse(const char *text, SimTime *out, GError **error)
{
  static const struct { const char *suffix; double scale; } units[] = {
    { "ns", 1e-9 }, { "us", 1e-6 }, { "ms", 1e-3 }, { "s", 1.0 },
    { "m", 60.0 }, { "h", 3600.0 },
  };
  char *end = NULL;
  double v = g_ascii_strtod(text, &end);
  if (end == text) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s' is not a duration (try \"150ms\" or \"2s\")", text);
    return FALSE;
  }
  double scale = 1.0;
  if (*end != '\0') {
    gboolean found = FALSE;
    for (size_t i = 0; i < G_N_ELEMENTS(units); i++)
      if (strcmp(end, units[i].suffix) == 0) {
        scale = units[i].scale;
        found = TRUE;
        break;
      }
    if (!found) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "'%s' has an unknown unit (use ns, us, ms, s, m or h)", text);
      return FALSE;
    }
  }
  if (!sim_time_from_seconds(v * scale, out, error)) {
    g_prefix_error(error, "'%s': ", text);
    return FALSE;
  }
  return TRUE;
}

SimTime sim_time_from_ns_double(double ns)
{
  if (!(ns > 0))
    return 0;
  if (ns >= 9223372036854775808.0) /* 2^63 */
    return SIM_TIME_MAX;
  return (SimTime) llround(ns);
}
