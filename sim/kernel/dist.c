/* Latency distributions. Own implementations so draws are reproducible. */
#include "sim/kernel/dist.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <string.h>

SimTime sim_dist_draw(const SimDist *d, SimRng *rng)
{
  switch (d->kind) {
  case SIM_DIST_CONSTANT:
    return d->a;
  case SIM_DIST_UNIFORM:
    return sim_rng_range(rng, d->a, d->b);
  case SIM_DIST_EXPONENTIAL:
    return sim_time_add_sat(d->b, sim_time_from_ns_double(sim_rng_exponential(rng, (double) (d->a - d->b))));
  case SIM_DIST_NORMAL:
    return sim_time_from_ns_double((double) d->a + (double) d->b * sim_rng_normal(rng));
  case SIM_DIST_LOGNORMAL:
    return sim_time_from_ns_double((double) d->a * exp(d->sigma * sim_rng_normal(rng)));
  }
  return d->a;
}

static gboolean parse_two(const char *args, const char *text, SimTime *x, char **rest, GError **error)
{
  g_auto(GStrv) parts = g_strsplit(args, ",", 2);
  if (!parts[0] || !sim_time_parse(g_strstrip(parts[0]), x, error)) {
    if (error && !*error)
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': missing duration", text);
    return FALSE;
  }
  *rest = parts[1] ? g_strdup(g_strstrip(parts[1])) : NULL;
  return TRUE;
}

gboolean sim_dist_parse(const char *text, SimDist *out, GError **error)
{
  const char *colon = strchr(text, ':');
  SimDist d = { 0 };
  g_autofree char *rest = NULL;
  if (!colon) {
    d.kind = SIM_DIST_CONSTANT;
    if (!sim_time_parse(text, &d.a, error))
      return FALSE;
    *out = d;
    return TRUE;
  }
  g_autofree char *name = g_strndup(text, (gsize) (colon - text));
  if (!parse_two(colon + 1, text, &d.a, &rest, error))
    return FALSE;
  if (strcmp(name, "const") == 0 || strcmp(name, "constant") == 0) {
    d.kind = SIM_DIST_CONSTANT;
  } else if (strcmp(name, "uniform") == 0) {
    d.kind = SIM_DIST_UNIFORM;
    if (!rest || !sim_time_parse(rest, &d.b, error) || d.b < d.a) {
      if (error && !*error)
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': uniform needs low,high with low <= high", text);
      return FALSE;
    }
  } else if (strcmp(name, "exp") == 0 || strcmp(name, "exponential") == 0) {
    d.kind = SIM_DIST_EXPONENTIAL;
    if (rest && !sim_time_parse(rest, &d.b, error))
      return FALSE;
    if (d.b > d.a) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': the floor exceeds the mean", text);
      return FALSE;
    }
  } else if (strcmp(name, "normal") == 0) {
    d.kind = SIM_DIST_NORMAL;
    if (!rest || !sim_time_parse(rest, &d.b, error)) {
      if (error && !*error)
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': normal needs mean,stddev", text);
      return FALSE;
    }
  } else if (strcmp(name, "lognormal") == 0) {
    d.kind = SIM_DIST_LOGNORMAL;
    char *end = NULL;
    d.sigma = rest ? g_ascii_strtod(rest, &end) : NAN;
    if (!rest || *end != '\0' || !(d.sigma >= 0) || d.sigma > 10) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': lognormal needs median,sigma with 0 <= sigma <= 10", text);
      return FALSE;
    }
  } else {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "'%s': unknown distribution '%s' (constant, uniform, exp, normal, lognormal)", text, name);
    return FALSE;
  }
  *out = d;
  return TRUE;
}

static char *fmt(SimTime t)
{
  if (t % SIM_S == 0) return g_strdup_printf("%llds", (long long) (t / SIM_S));
  if (t % SIM_MS == 0) return g_strdup_printf("%lldms", (long long) (t / SIM_MS));
  if (t % SIM_US == 0) return g_strdup_printf("%lldus", (long long) (t / SIM_US));
  return g_strdup_printf("%lldns", (long long) t);
}

char *sim_dist_to_string(const SimDist *d)
{
  g_autofree char *a = fmt(d->a);
  g_autofree char *b = fmt(d->b);
  char sigma[G_ASCII_DTOSTR_BUF_SIZE];
  switch (d->kind) {
  case SIM_DIST_CONSTANT: return g_strdup(a);
  case SIM_DIST_UNIFORM: return g_strdup_printf("uniform:%s,%s", a, b);
  case SIM_DIST_EXPONENTIAL: return d->b ? g_strdup_printf("exp:%s,%s", a, b) : g_strdup_printf("exp:%s", a);
  case SIM_DIST_NORMAL: return g_strdup_printf("normal:%s,%s", a, b);
  case SIM_DIST_LOGNORMAL:
    return g_strdup_printf("lognormal:%s,%s", a, g_ascii_dtostr(sigma, sizeof sigma, d->sigma));
  }
  return g_strdup(a);
}
