/* `faultsim capacity`: the highest value of an open-loop rate parameter at
 * which every service-level objective (SLO) holds. Each seed searches on
 * its own (capacity_search.h: bracketing, then bisection), on -j threads;
 * the capacity is the mean over seeds with a Student-t 95% interval, and
 * everything is reported in seed order, so the output is the same for
 * any -j. */
#include "sim/cli/capacity_search.h"
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/histogram.h"
#include "sim/kernel/internal.h"
#include "sim/lua/scenario_output.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Doublings or halvings from --from before a seed's search gives up:
 * a factor of about 10^6 either way. */
#define CAP_MAX_STEPS 20

/* What one scenario run measured. */
typedef struct {
  double rate;
  gboolean pass;
  double availability;
  double latency[CAP_LATENCY_FIGURES]; /* ms; NAN without ok operations */
  double *slo;                         /* per SLO, the measured value */
  GPtrArray *theory_names;             /* the run's theory_* metrics, sorted */
  double *theory;
  char *digest;                        /* the run's trace digest */
} Probe;

typedef struct {
  GArray *probes; /* Probe, in the order probed */
  CapSearchResult result;
  GError *error;  /* why the search stopped, if it did */
} SeedSearch;

typedef struct {
  const char *path;
  GHashTable *sets;    /* the --set overrides, read-only while threads run */
  const char *param;
  gboolean integer;
  const CapSlo *slos;
  guint nslos;
  const ScenarioOptions *options;
  CapSearchSpec spec;
  guint64 first;
  SeedSearch *seeds;
  gint stop_index;     /* atomic: the lowest seed index that failed, or G_MAXINT */
  gboolean progress;
  gint probes_done;    /* atomic */
  GMutex progress_lock;
} Capacity;

typedef struct {
  Capacity *cap;
  guint index;
} SeedTask;

/* Error codes of a probe, beside those of the scenario (SIM_ERROR). */
#define CAP_PROBE_CANCELLED 1000

static void probe_clear(Probe *p)
{
  g_free(p->digest);
  g_free(p->slo);
  g_free(p->theory);
  if (p->theory_names)
    g_ptr_array_unref(p->theory_names);
}

/* Latency figures over every ok operation of the run (any operation name):
 * the quantiles as the run's report computes them (sim/report), the mean
 * exactly. */
static void measure_latency(Sim *sim, double out[CAP_LATENCY_FIGURES])
{
  g_autoptr(GHashTable) started = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(SimHistogram) ms = sim_histogram_new();
  const GArray *h = sim_history(sim);
  double sum = 0;
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (e->type == SIM_OP_INVOKE) {
      g_hash_table_insert(started, g_memdup2(&e->op, sizeof(gint64)), GINT_TO_POINTER((gint) i + 1));
      continue;
    }
    gpointer at = g_hash_table_lookup(started, &e->op);
    if (!at || e->type != SIM_OP_OK)
      continue;
    const SimHistoryEntry *inv = &g_array_index(h, SimHistoryEntry, GPOINTER_TO_INT(at) - 1);
    double v = (double) (e->time - inv->time) / 1e6;
    sim_histogram_add(ms, v);
    sum += v;
  }
  guint64 n = sim_histogram_count(ms);
  static const double q[] = { 0.5, 0.9, 0.99, 0.999 };
  for (guint k = 0; k < G_N_ELEMENTS(q); k++)
    out[k] = sim_histogram_quantile(ms, q[k]);
  out[4] = n ? sum / (double) n : NAN;
  out[5] = sim_histogram_max(ms);
}

/* The run's metric names in name order, joined by ", ". */
static char *metric_list(Sim *sim)
{
  g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(sim->metrics), (GCompareFunc) strcmp);
  g_autoptr(GString) s = g_string_new(NULL);
  for (GList *k = names; k; k = k->next)
    g_string_append_printf(s, "%s%s", s->len ? ", " : "", (const char *) k->data);
  return g_string_free(g_steal_pointer(&s), FALSE);
}

/* Fills `p` from the finished run; FALSE with `error` when an SLO names a
 * metric the run does not report. */
static gboolean measure(const Capacity *cap, Scenario *sc, Probe *p, GError **error)
{
  p->availability = scenario_availability(sc);
  measure_latency(sc->sim, p->latency);
  p->slo = g_new(double, cap->nslos);
  p->pass = TRUE;
  for (guint i = 0; i < cap->nslos; i++) {
    const CapSlo *slo = &cap->slos[i];
    double v = NAN;
    if (slo->kind == CAP_SLO_AVAILABILITY)
      v = p->availability;
    else if (slo->kind == CAP_SLO_LATENCY)
      v = p->latency[slo->figure];
    else if (!sim_metric_get(sc->sim, slo->name, &v)) {
      g_autofree char *list = metric_list(sc->sim);
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "--slo '%s': the run reports no metric '%s' (it reports availability, p50, p90, p99, p999, "
                  "mean, max%s%s)", slo->text, slo->name, *list ? " and the metrics " : "", list);
      return FALSE;
    }
    p->slo[i] = v;
    p->pass = p->pass && cap_slo_holds(slo, v);
  }
  g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(sc->sim->metrics), (GCompareFunc) strcmp);
  p->theory_names = g_ptr_array_new_with_free_func(g_free);
  GArray *values = g_array_new(FALSE, FALSE, sizeof(double));
  for (GList *k = names; k; k = k->next) {
    const char *name = k->data;
    double v;
    /* A name that CSV would have to quote is left out of the columns. */
    if (!g_str_has_prefix(name, "theory_") || strpbrk(name, ",\"\r\n") || !sim_metric_get(sc->sim, name, &v))
      continue;
    g_ptr_array_add(p->theory_names, g_strdup(name));
    g_array_append_val(values, v);
  }
  p->theory = (double *) (void *) g_array_free(values, FALSE);
  p->digest = sim_trace_digest(sc->sim);
  return TRUE;
}

static gboolean run_probe(double rate, gboolean *pass, void *data, GError **error)
{
  SeedTask *t = data;
  Capacity *cap = t->cap;
  guint64 seed = cap->first + t->index;
  g_autofree char *rate_text = cap_rate_text(rate, cap->integer);
  if (g_atomic_int_get(&cap->stop_index) < (gint) t->index) {
    /* A lower seed failed: the command will report that one. */
    g_set_error(error, SIM_ERROR, CAP_PROBE_CANCELLED, "cancelled");
    return FALSE;
  }
  g_autoptr(GHashTable) overrides = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, cap->sets);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_hash_table_insert(overrides, g_strdup(k), g_strdup(v));
  g_hash_table_insert(overrides, g_strdup(cap->param), g_strdup(rate_text));
  GError *run_error = NULL;
  g_autoptr(Scenario) sc = scenario_run(cap->path, seed, overrides, cap->options, &run_error);
  Probe p = { .rate = rate };
  if (!sc || !measure(cap, sc, &p, &run_error)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "seed %" G_GUINT64_FORMAT ", %s=%s: %s", seed, cap->param,
                rate_text, run_error->message);
    g_error_free(run_error);
    probe_clear(&p);
    return FALSE;
  }
  /* Two rates giving the same run: the scenario declares the parameter
   * but nothing it does depends on it, so no rate can be found. */
  GArray *earlier = cap->seeds[t->index].probes;
  for (guint i = 0; i < earlier->len; i++) {
    const Probe *e = &g_array_index(earlier, Probe, i);
    if (strcmp(e->digest, p.digest) != 0)
      continue;
    g_autofree char *other = cap_rate_text(e->rate, cap->integer);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "--param %s: the runs at %s=%s and %s=%s (seed %" G_GUINT64_FORMAT ") are identical (trace digest %s): "
                "%s declares %s but its run does not depend on it", cap->param, cap->param, other, cap->param,
                rate_text, seed, p.digest, cap->path, cap->param);
    probe_clear(&p);
    return FALSE;
  }
  g_array_append_val(cap->seeds[t->index].probes, p);
  *pass = p.pass;
  g_atomic_int_inc(&cap->probes_done);
  return TRUE;
}

static void show_progress(double lo, double hi, guint probes, void *data)
{
  SeedTask *t = data;
  Capacity *cap = t->cap;
  if (!cap->progress)
    return;
  /* A bound not found yet shows as "?". */
  char a[G_ASCII_DTOSTR_BUF_SIZE] = "?", b[G_ASCII_DTOSTR_BUF_SIZE] = "?";
  if (!isnan(lo))
    g_ascii_formatd(a, sizeof a, "%g", lo);
  if (!isnan(hi))
    g_ascii_formatd(b, sizeof b, "%g", hi);
  g_mutex_lock(&cap->progress_lock);
  fprintf(stderr, "\r\033[K  %d runs; seed %" G_GUINT64_FORMAT ": %u probes, bracket [%s, %s]",
          g_atomic_int_get(&cap->probes_done), cap->first + t->index, probes, a, b);
  g_mutex_unlock(&cap->progress_lock);
}

static void search_seed(gpointer item, gpointer user_data)
{
  Capacity *cap = user_data;
  SeedTask t = { cap, GPOINTER_TO_UINT(item) - 1 };
  SeedSearch *s = &cap->seeds[t.index];
  if (!cap_search(&cap->spec, run_probe, show_progress, &t, &s->result, &s->error)) {
    /* Lower the stop index to ours unless a lower seed already failed. */
    gint old = g_atomic_int_get(&cap->stop_index);
    while (old > (gint) t.index && !g_atomic_int_compare_and_exchange(&cap->stop_index, old, (gint) t.index))
      old = g_atomic_int_get(&cap->stop_index);
  }
}

static void csv_number(GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (!isnan(v))
    g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.6g", v));
}

/* The measured value of `slo` as people read it. */
static char *slo_value_text(const CapSlo *slo, double v)
{
  if (isnan(v))
    return g_strdup(slo->kind == CAP_SLO_AVAILABILITY ? "n/a (no operations)" : "n/a (nothing measured)");
  if (slo->kind == CAP_SLO_AVAILABILITY)
    return g_strdup_printf("%.4f", v);
  if (slo->kind == CAP_SLO_LATENCY)
    return g_strdup_printf("%.3f ms", v);
  return g_strdup_printf("%g", v);
}


static gboolean add_key(gpointer key, gpointer value, gpointer names)
{
  (void) value;
  g_ptr_array_add(names, key);
  return FALSE;
}

/* The probe table as CSV, a row per probe in seed order, then probe order:
 * seed, rate, pass (1 or 0), failed (the names of the SLOs that failed,
 * joined by ';'), availability, the latency figures in ms, each metric an
 * SLO names, then every theory_* metric any run reported, in name order.
 * An empty field is a figure the run did not measure. */
static GString *csv_table(const Capacity *cap, guint nseeds)
{
  GString *s = g_string_new("seed,rate,pass,failed,availability");
  for (guint k = 0; k < CAP_LATENCY_FIGURES; k++)
    g_string_append_printf(s, ",%s_ms", cap_latency_names[k]);
  g_autoptr(GArray) metric_slos = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < cap->nslos; i++) {
    gboolean dup = FALSE;
    for (guint j = 0; j < metric_slos->len; j++)
      dup = dup || strcmp(cap->slos[g_array_index(metric_slos, guint, j)].name, cap->slos[i].name) == 0;
    if (cap->slos[i].kind == CAP_SLO_METRIC && !dup && !g_str_has_prefix(cap->slos[i].name, "theory_")) {
      g_array_append_val(metric_slos, i);
      g_string_append_printf(s, ",%s", cap->slos[i].name);
    }
  }
  g_autoptr(GTree) theory = g_tree_new((GCompareFunc) strcmp);
  for (guint n = 0; n < nseeds; n++)
    for (guint i = 0; i < cap->seeds[n].probes->len; i++) {
      const Probe *p = &g_array_index(cap->seeds[n].probes, Probe, i);
      for (guint k = 0; k < p->theory_names->len; k++)
        g_tree_insert(theory, p->theory_names->pdata[k], NULL);
    }
  g_autoptr(GPtrArray) theory_names = g_ptr_array_new();
  g_tree_foreach(theory, add_key, theory_names);
  for (guint k = 0; k < theory_names->len; k++)
    g_string_append_printf(s, ",%s", (const char *) theory_names->pdata[k]);
  g_string_append_c(s, '\n');
  for (guint n = 0; n < nseeds; n++)
    for (guint i = 0; i < cap->seeds[n].probes->len; i++) {
      const Probe *p = &g_array_index(cap->seeds[n].probes, Probe, i);
      g_autofree char *rate = cap_rate_text(p->rate, cap->integer);
      g_string_append_printf(s, "%" G_GUINT64_FORMAT ",%s,%d,", cap->first + n, rate, p->pass ? 1 : 0);
      gboolean first = TRUE;
      for (guint k = 0; k < cap->nslos; k++)
        if (!cap_slo_holds(&cap->slos[k], p->slo[k])) {
          g_string_append_printf(s, "%s%s", first ? "" : ";", cap->slos[k].name);
          first = FALSE;
        }
      g_string_append_c(s, ',');
      csv_number(s, p->availability);
      for (guint k = 0; k < CAP_LATENCY_FIGURES; k++) {
        g_string_append_c(s, ',');
        csv_number(s, p->latency[k]);
      }
      for (guint j = 0; j < metric_slos->len; j++) {
        g_string_append_c(s, ',');
        csv_number(s, p->slo[g_array_index(metric_slos, guint, j)]);
      }
      for (guint k = 0; k < theory_names->len; k++) {
        g_string_append_c(s, ',');
        for (guint m = 0; m < p->theory_names->len; m++)
          if (strcmp(p->theory_names->pdata[m], theory_names->pdata[k]) == 0)
            csv_number(s, p->theory[m]);
      }
      g_string_append_c(s, '\n');
    }
  return s;
}

/* The command that repeats one probe: the --set overrides as given, then
 * the parameter at `rate`. */
static char *rerun_command(const Capacity *cap, char **sets, guint64 seed, double rate)
{
  g_autoptr(GString) s = g_string_new(cli_program());
  g_autofree char *path = cli_shell_word(cap->path);
  g_string_append_printf(s, " run %s --seed %" G_GUINT64_FORMAT, path, seed);
  for (guint i = 0; sets && sets[i]; i++) {
    g_autofree char *w = cli_shell_word(sets[i]);
    g_string_append_printf(s, " --set %s", w);
  }
  g_autofree char *rate_text = cap_rate_text(rate, cap->integer);
  g_autofree char *assign = g_strdup_printf("%s=%s", cap->param, rate_text);
  g_autofree char *w = cli_shell_word(assign);
  g_string_append_printf(s, " --set %s", w);
  return g_string_free(g_steal_pointer(&s), FALSE);
}

/* The summary on stdout: capacity with its interval, per seed, runs, and
 * per SLO the lowest rate that broke it (lowest seed on a tie). */
static GString *summary(const Capacity *cap, guint nseeds, char **sets)
{
  GString *s = g_string_new(NULL);
  g_autoptr(GString) slo_list = g_string_new(NULL);
  for (guint i = 0; i < cap->nslos; i++)
    g_string_append_printf(slo_list, "%s%s", i ? ", " : "", cap->slos[i].text);
  g_string_append_printf(s, "# faultsim capacity %s: the highest %s meeting %s; seeds %" G_GUINT64_FORMAT
                         "-%" G_GUINT64_FORMAT ", tolerance %g\n", cap->path, cap->param, slo_list->str, cap->first,
                         cap->first + nseeds - 1, cap->spec.tolerance);
  g_autofree double *caps = g_new(double, nseeds);
  guint runs = 0;
  for (guint n = 0; n < nseeds; n++) {
    caps[n] = cap->seeds[n].result.capacity;
    runs += cap->seeds[n].probes->len;
  }
  double mean, half, min, max;
  cap_mean_ci(caps, nseeds, &mean, &half, &min, &max);
  if (nseeds > 1)
    g_string_append_printf(s, "capacity %s = %.6g ± %.3g (95%% interval, Student t over %u seeds; min %g, max %g)\n",
                           cap->param, mean, half, nseeds, min, max);
  else
    g_string_append_printf(s, "capacity %s = %.6g (one seed: no interval)\n", cap->param, mean);
  g_string_append_printf(s, "%6s  %-10s  %-24s  %s\n", "seed", "capacity", "bracket (held, broke)", "runs");
  for (guint n = 0; n < nseeds; n++) {
    const SeedSearch *ss = &cap->seeds[n];
    g_autofree char *bracket = g_strdup_printf("[%g, %g]", ss->result.lo, ss->result.hi);
    g_string_append_printf(s, "%6" G_GUINT64_FORMAT "  %-10g  %-24s  %u\n", cap->first + n, ss->result.capacity,
                           bracket, ss->probes->len);
  }
  g_string_append_printf(s, "runs: %u\n", runs);
  for (guint k = 0; k < cap->nslos; k++) {
    const CapSlo *slo = &cap->slos[k];
    const Probe *worst = NULL;
    guint worst_seed = 0;
    double top = -INFINITY;
    for (guint n = 0; n < nseeds; n++)
      for (guint i = 0; i < cap->seeds[n].probes->len; i++) {
        const Probe *p = &g_array_index(cap->seeds[n].probes, Probe, i);
        top = MAX(top, p->rate);
        if (!cap_slo_holds(slo, p->slo[k]) && (!worst || p->rate < worst->rate)) {
          worst = p;
          worst_seed = n;
        }
      }
    if (!worst) {
      g_string_append_printf(s, "%s: held at every rate probed (up to %g)\n", slo->text, top);
      continue;
    }
    g_autofree char *value = slo_value_text(slo, worst->slo[k]);
    g_autofree char *rate = cap_rate_text(worst->rate, cap->integer);
    g_autofree char *cmd = rerun_command(cap, sets, cap->first + worst_seed, worst->rate);
    g_string_append_printf(s, "%s: first broken at %s=%s (seed %" G_GUINT64_FORMAT ", %s %s)\n  rerun: %s\n",
                           slo->text, cap->param, rate, cap->first + worst_seed, slo->name, value, cmd);
  }
  return s;
}

static int usage_error(const char *message)
{
  fprintf(stderr, "faultsim capacity: %s\n", message);
  return SIM_EXIT_USAGE;
}

static int gerror_exit(GError *error)
{
  int rc = usage_error(error->message);
  g_error_free(error);
  return rc;
}

/* Reads the parameter's default (or --from) as the first rate, and whether
 * the parameter takes integers (its default is a Lua integer, whose text
 * has no '.' or exponent). */
static gboolean first_rate(const char *path, GHashTable *sets, const char *param, const char *from_text,
                           double *from, gboolean *integer, GError **error)
{
  g_autoptr(GHashTable) params = scenario_peek_params(path, sets, error);
  if (!params)
    return FALSE;
  const char *value = g_hash_table_lookup(params, param);
  if (!value) {
    g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(params), (GCompareFunc) strcmp);
    g_autoptr(GString) list = g_string_new(NULL);
    for (GList *k = names; k; k = k->next)
      g_string_append_printf(list, "%s%s", list->len ? ", " : "", (const char *) k->data);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--param %s: %s declares no parameter '%s' in params{} "
                "(it declares: %s)", param, path, param, list->len ? list->str : "none");
    return FALSE;
  }
  char *end = NULL;
  double v = g_ascii_strtod(value, &end);
  if (!*value || *end || !isfinite(v)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--param %s: the parameter is '%s' in %s, not a number",
                param, value, path);
    return FALSE;
  }
  g_ascii_strtoll(value, &end, 10);
  *integer = *end == '\0';
  if (from_text) {
    v = g_ascii_strtod(from_text, &end);
    if (!*from_text || *end || !isfinite(v) || v <= 0 || v > 1e15) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--from %s: expected a positive number", from_text);
      return FALSE;
    }
  } else if (!(v > 0)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--param %s: its default in %s is %s; give a positive "
                "starting rate with --from", param, path, value);
    return FALSE;
  }
  if (cap_rate_round(v, *integer) <= 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--from %g: %s takes integers; start at 1 or more", v, param);
    return FALSE;
  }
  *from = v;
  return TRUE;
}

int handle_capacity(int argc, char **argv)
{
  g_autofree char *param = NULL, *seeds_text = NULL, *csv = NULL, *from_text = NULL;
  g_auto(GStrv) slo_texts = NULL, sets = NULL;
  gint jobs = 1;
  double tolerance = 0.01;
  gboolean quiet = FALSE;
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  GOptionEntry entries[] = {
    { "param", 'p', 0, G_OPTION_ARG_STRING, &param, "The rate parameter to search over (declared in params{})", "NAME" },
    { "slo", 0, 0, G_OPTION_ARG_STRING_ARRAY, &slo_texts, "An objective every run must meet (repeatable)", "NAME OP VALUE" },
    { "seeds", 0, 0, G_OPTION_ARG_STRING, &seeds_text, "Seeds: N (1..N) or FIRST-LAST (default: the scenario's)", "N|A-B" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Search N seeds at once (default 1); same output for any N", "N" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, "First rate to probe (default: the parameter's value)", "RATE" },
    { "tolerance", 0, 0, G_OPTION_ARG_DOUBLE, &tolerance, "Stop bisecting when the bracket is this narrow, relative (default 0.01)", "T" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Fix another parameter (repeatable)", "KEY=VALUE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Write every probe as CSV to FILE", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress on standard error", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO.lua - the highest rate at which every SLO holds");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_add_group(ctx, cli_limits_group(&options.limits));
  g_option_context_set_summary(ctx,
      "Searches, for every seed on its own, the highest value of an open-loop rate\n"
      "parameter at which every --slo holds: starting at --from, it doubles the rate\n"
      "while every SLO holds (or halves it while one fails), at most 20 times, then\n"
      "bisects until the bracket is within --tolerance. A seed's capacity is the\n"
      "highest rate it probed that met every SLO; the capacity is their mean with a\n"
      "Student-t 95% interval.");
  g_option_context_set_description(ctx,
      "An SLO is NAME OP VALUE with OP one of >= <= > <. NAME is availability (ok /\n"
      "invoked, 0..1), a latency figure of the run's ok operations, all operation\n"
      "names together (p50, p90, p99, p999, mean, max; VALUE with a unit: 200ms,\n"
      "1.5s, 800us), or a metric the scenario sets with metric(). A figure the run\n"
      "could not measure (no operations) fails its SLO. The scenario's invariants\n"
      "and expect{} are not SLOs: they do not count. A --param the scenario does not\n"
      "declare, or whose runs do not depend on it (two rates, one trace digest), is\n"
      "an error.\n\n"
      "The summary names, for every SLO, the lowest rate that broke it and the\n"
      "command that reruns that probe. --csv FILE gets a row per probe (seed, rate,\n"
      "pass, failed SLOs, availability, latency figures, SLO metrics and every\n"
      "theory_* metric, the analytic curve a scenario may declare); it is written\n"
      "only when the search succeeded. tools/plot-capacity.sh plots it.\n\n"
      "Example: faultsim capacity scenarios/capacity_search_mm1.lua --param rate \\\n"
      "           --slo 'availability>=0.99' --slo 'p99<=20ms' --seeds 8 -j 2\n"
      "Exit status: 0 found; 2 bad usage, a run that failed (naming its seed and\n"
      "rate), an SLO naming nothing the run reports, or an output that could not be\n"
      "written; 3 a seed's search could not bracket the capacity (every SLO still\n"
      "held after 20 doublings, or none held after 20 halvings).");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return gerror_exit(error);
  if (argc != 2 || !param || !slo_texts || !*slo_texts || jobs < 1 || jobs > 256)
    return usage_error("give one scenario, --param NAME, at least one --slo and --jobs 1..256 (see --help)");
  if (!(tolerance >= 1e-6 && tolerance <= 0.5))
    return usage_error("--tolerance: give a relative width from 0.000001 to 0.5");
  const char *path = argv[1];
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    fprintf(stderr, "faultsim capacity: %s: %s\n", path,
            g_file_test(path, G_FILE_TEST_IS_DIR) ? "is a folder, not a scenario file" : "no such file");
    return SIM_EXIT_USAGE;
  }
  guint nslos = g_strv_length(slo_texts);
  g_autofree CapSlo *slos = g_new0(CapSlo, nslos);
  int rc = SIM_EXIT_OK;
  for (guint i = 0; i < nslos && rc == SIM_EXIT_OK; i++)
    if (!cap_slo_parse(slo_texts[i], &slos[i], &error))
      rc = gerror_exit(g_steal_pointer(&error));
  g_autoptr(OutputSet) outputs = output_set_new();
  FILE *csv_file = NULL;
  output_set_protect(outputs, path);
  g_autoptr(GHashTable) overrides = NULL;
  guint64 first = 1, last = 1;
  double from = 0;
  gboolean integer = FALSE;
  if (rc == SIM_EXIT_OK) {
    overrides = cli_parse_sets(sets, &error);
    if (!overrides || (!seeds_text && !scenario_peek_seeds(path, &first, &last, &error)) ||
        !cli_parse_seeds(seeds_text, &first, &last, &error))
      rc = gerror_exit(g_steal_pointer(&error));
    else if (g_hash_table_contains(overrides, param))
      rc = usage_error("--set gives the parameter --param searches over; start it with --from instead");
    else if (!first_rate(path, overrides, param, from_text, &from, &integer, &error) ||
             !output_set_add(outputs, "--csv", csv, &csv_file, &error))
      rc = gerror_exit(g_steal_pointer(&error));
  }
  guint nseeds = (guint) (last - first + 1);
  Capacity cap = {
    .path = path, .sets = overrides, .param = param, .integer = integer, .slos = slos, .nslos = nslos,
    .options = &options, .spec = { from, tolerance, CAP_MAX_STEPS, integer }, .first = first,
    .stop_index = G_MAXINT, .progress = !quiet && isatty(fileno(stderr)),
  };
  if (rc == SIM_EXIT_OK) {
    cap.seeds = g_new0(SeedSearch, nseeds);
    for (guint n = 0; n < nseeds; n++)
      cap.seeds[n].probes = g_array_new(FALSE, FALSE, sizeof(Probe));
    g_mutex_init(&cap.progress_lock);
    GThreadPool *pool = g_thread_pool_new(search_seed, &cap, jobs, TRUE, NULL);
    for (guint n = 0; n < nseeds; n++)
      g_thread_pool_push(pool, GUINT_TO_POINTER(n + 1), NULL);
    g_thread_pool_free(pool, FALSE, TRUE);
    g_mutex_clear(&cap.progress_lock);
    if (cap.progress)
      fprintf(stderr, "\r\033[K");
    if (cap.stop_index != G_MAXINT) {
      /* The lowest seed that failed: no seed below it was stopped, so it
       * is the same for any -j. */
      const GError *e = cap.seeds[cap.stop_index].error;
      guint64 seed = first + (guint) cap.stop_index;
      if (g_error_matches(e, CAP_SEARCH_ERROR, CAP_SEARCH_PROBE))
        rc = usage_error(e->message);
      else {
        fprintf(stderr, "faultsim capacity: seed %" G_GUINT64_FORMAT ": %s; %s\n", seed, e->message,
                e->code == CAP_SEARCH_UNBOUNDED ? "start higher with --from, or load the scenario harder"
                                                : "start lower with --from, or relax the SLOs");
        rc = SIM_EXIT_UNKNOWN;
      }
    }
  }
  if (rc == SIM_EXIT_OK) {
    g_autoptr(GString) table = csv_table(&cap, nseeds);
    g_autoptr(GString) text = summary(&cap, nseeds, sets);
    if (csv_file)
      fwrite(table->str, 1, table->len, csv_file);
    if (!output_set_commit(outputs, &error))
      rc = gerror_exit(g_steal_pointer(&error));
    else
      fwrite(text->str, 1, text->len, stdout);
  }
  for (guint n = 0; cap.seeds && n < nseeds; n++) {
    for (guint i = 0; i < cap.seeds[n].probes->len; i++)
      probe_clear(&g_array_index(cap.seeds[n].probes, Probe, i));
    g_array_unref(cap.seeds[n].probes);
    cap_search_result_clear(&cap.seeds[n].result);
    g_clear_error(&cap.seeds[n].error);
  }
  g_free(cap.seeds);
  for (guint i = 0; i < nslos; i++)
    cap_slo_clear(&slos[i]);
  return rc;
}
