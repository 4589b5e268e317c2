/* SLO parsing, the capacity search and its statistics (capacity_search.h). */
#include "sim/cli/capacity_search.h"
#include "sim/kernel/time.h"
#include <math.h>
#include <string.h>

const char *const cap_latency_names[CAP_LATENCY_FIGURES] = { "p50", "p90", "p99", "p999", "mean", "max" };

G_DEFINE_QUARK(cap-search-error-quark, cap_search_error)

static const char *const op_texts[] = { ">=", "<=", ">", "<" };

const char *cap_slo_op_text(CapSloOp op)
{
  return op_texts[op];
}

static gboolean valid_name(const char *s)
{
  if (!(g_ascii_isalpha(*s) || *s == '_'))
    return FALSE;
  for (; *s; s++)
    if (!(g_ascii_isalnum(*s) || *s == '_' || *s == '.' || *s == '-'))
      return FALSE;
  return TRUE;
}

/* A finite number filling all of `text`. */
static gboolean parse_number(const char *text, double *out)
{
  char *end = NULL;
  double v = g_ascii_strtod(text, &end);
  if (!*text || *end || !isfinite(v))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean cap_slo_parse(const char *text, CapSlo *out, GError **error)
{
  const char *op_at = strpbrk(text, "<>");
  if (!op_at) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--slo '%s': expected NAME OP VALUE with OP one of >= <= > < (e.g. 'p99<=200ms')", text);
    return FALSE;
  }
  CapSloOp op = op_at[0] == '>' ? (op_at[1] == '=' ? CAP_OP_GE : CAP_OP_GT) : (op_at[1] == '=' ? CAP_OP_LE : CAP_OP_LT);
  const char *rest = op_at + strlen(op_texts[op]);
  g_autofree char *name = g_strstrip(g_strndup(text, (gsize) (op_at - text)));
  g_autofree char *value_text = g_strstrip(g_strdup(rest));
  if (!*name || !valid_name(name)) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--slo '%s': '%s' is not a name (availability, p50, p90, p99, p999, mean, max or a metric)", text,
                name);
    return FALSE;
  }
  if (!*value_text || strpbrk(value_text, "<>=")) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--slo '%s': expected a value after '%s'", text,
                op_texts[op]);
    return FALSE;
  }
  CapSlo slo = { .op = op, .kind = CAP_SLO_METRIC };
  if (strcmp(name, "availability") == 0) {
    slo.kind = CAP_SLO_AVAILABILITY;
    if (!parse_number(value_text, &slo.value) || slo.value < 0 || slo.value > 1) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "--slo '%s': availability is a number from 0 to 1, not '%s'", text, value_text);
      return FALSE;
    }
  } else {
    for (guint i = 0; i < CAP_LATENCY_FIGURES; i++)
      if (strcmp(name, cap_latency_names[i]) == 0) {
        slo.kind = CAP_SLO_LATENCY;
        slo.figure = i;
      }
    if (slo.kind == CAP_SLO_LATENCY) {
      SimTime t = 0;
      size_t len = strlen(value_text);
      if (!g_ascii_isalpha(value_text[len - 1]) || !sim_time_parse(value_text, &t, NULL)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--slo '%s': %s is a latency: give a duration with a unit (us, ms or s), not '%s'", text, name,
                    value_text);
        return FALSE;
      }
      slo.value = (double) t / 1e6;
    } else if (!parse_number(value_text, &slo.value)) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "--slo '%s': metric %s takes a number, not '%s'", text, name, value_text);
      return FALSE;
    }
  }
  slo.text = g_strdup(text);
  slo.name = g_steal_pointer(&name);
  *out = slo;
  return TRUE;
}

void cap_slo_clear(CapSlo *slo)
{
  g_clear_pointer(&slo->text, g_free);
  g_clear_pointer(&slo->name, g_free);
}

gboolean cap_slo_holds(const CapSlo *slo, double measured)
{
  if (isnan(measured))
    return FALSE;
  switch (slo->op) {
  case CAP_OP_GE: return measured >= slo->value;
  case CAP_OP_LE: return measured <= slo->value;
  case CAP_OP_GT: return measured > slo->value;
  case CAP_OP_LT: return measured < slo->value;
  }
  return FALSE;
}

double cap_rate_round(double rate, gboolean integer)
{
  if (integer)
    return round(rate);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_ascii_strtod(g_ascii_formatd(buf, sizeof buf, "%.6g", rate), NULL);
}

char *cap_rate_text(double rate, gboolean integer)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (integer)
    return g_strdup_printf("%" G_GINT64_FORMAT, (gint64) rate);
  return g_strdup(g_ascii_formatd(buf, sizeof buf, "%.6g", rate));
}

typedef struct {
  const CapSearchSpec *spec;
  CapProbe probe;
  CapProgress progress;
  void *data;
  CapSearchResult *out;
} Search;

/* Probes `rate` (already rounded), or returns the earlier answer for it. */
static gboolean probe_at(Search *s, double rate, double lo, double hi, gboolean *pass, GError **error)
{
  GArray *probes = s->out->probes;
  for (guint i = 0; i < probes->len; i++)
    if (g_array_index(probes, CapProbeResult, i).rate == rate) {
      *pass = g_array_index(probes, CapProbeResult, i).pass;
      return TRUE;
    }
  GError *inner = NULL;
  if (!s->probe(rate, pass, s->data, &inner)) {
    g_set_error(error, CAP_SEARCH_ERROR, CAP_SEARCH_PROBE, "%s", inner ? inner->message : "the probe failed");
    g_clear_error(&inner);
    return FALSE;
  }
  CapProbeResult r = { rate, *pass };
  g_array_append_val(probes, r);
  if (*pass && (isnan(lo) || rate > lo))
    lo = rate;
  if (!*pass && (isnan(hi) || rate < hi))
    hi = rate;
  if (s->progress)
    s->progress(lo, hi, probes->len, s->data);
  return TRUE;
}

static gboolean narrow_enough(const CapSearchSpec *spec, double lo, double hi)
{
  return hi - lo <= spec->tolerance * lo || (spec->integer && hi - lo <= 1);
}

gboolean cap_search(const CapSearchSpec *spec, CapProbe probe, CapProgress progress, void *data,
                    CapSearchResult *out, GError **error)
{
  out->probes = g_array_new(FALSE, FALSE, sizeof(CapProbeResult));
  out->capacity = out->lo = out->hi = NAN;
  Search s = { spec, probe, progress, data, out };
  double lo = NAN, hi = NAN, r = cap_rate_round(spec->from, spec->integer);
  gboolean pass = FALSE;
  if (!(r > 0) || !isfinite(r)) {
    g_set_error(error, CAP_SEARCH_ERROR, CAP_SEARCH_NO_PASS, "the first rate %g is not a positive number", spec->from);
    return FALSE;
  }
  if (!probe_at(&s, r, lo, hi, &pass, error))
    return FALSE;
  if (pass) {
    lo = r;
    for (guint step = 0; step < spec->max_steps && isnan(hi); step++) {
      r = cap_rate_round(lo * 2, spec->integer);
      if (!isfinite(r))
        break;
      if (!probe_at(&s, r, lo, hi, &pass, error))
        return FALSE;
      if (pass)
        lo = r;
      else
        hi = r;
    }
    if (isnan(hi)) {
      g_set_error(error, CAP_SEARCH_ERROR, CAP_SEARCH_UNBOUNDED,
                  "every SLO still held at %g after %u doublings from %g", lo, spec->max_steps, spec->from);
      return FALSE;
    }
  } else {
    hi = r;
    for (guint step = 0; step < spec->max_steps && isnan(lo); step++) {
      r = cap_rate_round(hi / 2, spec->integer);
      if (!(r > 0) || r >= hi)
        break;
      if (!probe_at(&s, r, lo, hi, &pass, error))
        return FALSE;
      if (pass)
        lo = r;
      else
        hi = r;
    }
    if (isnan(lo)) {
      g_set_error(error, CAP_SEARCH_ERROR, CAP_SEARCH_NO_PASS, "no rate from %g down to %g met every SLO", spec->from,
                  hi);
      return FALSE;
    }
  }
  /* Each step halves the bracket; the bound only guards against a
   * tolerance too fine for the rounding, where mid stops moving anyway. */
  for (guint step = 0; step < 64 && !narrow_enough(spec, lo, hi); step++) {
    double mid = cap_rate_round((lo + hi) / 2, spec->integer);
    if (mid <= lo || mid >= hi)
      break;
    if (!probe_at(&s, mid, lo, hi, &pass, error))
      return FALSE;
    if (pass)
      lo = mid;
    else
      hi = mid;
  }
  out->lo = lo;
  out->hi = hi;
  for (guint i = 0; i < out->probes->len; i++) {
    const CapProbeResult *p = &g_array_index(out->probes, CapProbeResult, i);
    if (p->pass && (isnan(out->capacity) || p->rate > out->capacity))
      out->capacity = p->rate;
  }
  return TRUE;
}

void cap_search_result_clear(CapSearchResult *r)
{
  if (r->probes)
    g_array_unref(r->probes);
  r->probes = NULL;
}

double cap_t975(guint df)
{
  static const double table[] = {
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010,  2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796,  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
  };
  if (df >= 1 && df <= G_N_ELEMENTS(table))
    return table[df - 1];
  /* Cornish-Fisher expansion around the normal quantile: within 1e-4 of
   * the exact value from df = 30 on (it gives 2.0423 there). */
  double z = 1.959963984540054, v = df, z2 = z * z;
  return z + z * (z2 + 1) / (4 * v) + z * ((5 * z2 + 16) * z2 + 3) / (96 * v * v) +
         z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * v * v * v);
}

void cap_mean_ci(const double *x, guint n, double *mean, double *half, double *min, double *max)
{
  double sum = 0, lo = x[0], hi = x[0];
  for (guint i = 0; i < n; i++) {
    sum += x[i];
    lo = MIN(lo, x[i]);
    hi = MAX(hi, x[i]);
  }
  double m = sum / n, ss = 0;
  for (guint i = 0; i < n; i++)
    ss += (x[i] - m) * (x[i] - m);
  *mean = m;
  *half = n > 1 ? cap_t975(n - 1) * sqrt(ss / (n - 1)) / sqrt((double) n) : NAN;
  *min = lo;
  *max = hi;
}
