#include "sim/cli/sweep_summary.h"
#include "sim/cli/analytic_compare.h"
#include "sim/cli/cli.h"
#include "sim/cli/sweep_stats.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <string.h>

typedef struct {
  guint64 point;
  GPtrArray *values;   /* of char*, one per parameter */
  guint64 runs, violated, errors;
  SweepStat availability;
  GHashTable *metrics; /* name → SweepStat* */
  GPtrArray *failing;  /* of char*: the first SWEEP_FAILING_SHOWN failing seeds */
} SweepPointAgg;

struct SweepSummary {
  char *scenario;
  GPtrArray *names;    /* of char*: the swept parameters */
  GPtrArray *sets;     /* name/value pairs */
  GArray *points;      /* of SweepPointAgg, in sweep order */
  GHashTable *metric_names; /* set of every metric name seen */
  guint64 runs, errors, violated, seed_min, seed_max, last_seed;
  char *first_error;
  SweepAnalyticFn analytic;
  void *analytic_data;
};

void sweep_summary_set_analytic(SweepSummary *s, SweepAnalyticFn fn, void *data)
{
  s->analytic = fn;
  s->analytic_data = data;
}

/* The point's parameters as name/value pairs (borrowed strings). */
static GPtrArray *point_pairs(const SweepSummary *s, const SweepPointAgg *p)
{
  GPtrArray *pairs = g_ptr_array_new();
  for (guint a = 0; a < s->names->len; a++) {
    g_ptr_array_add(pairs, s->names->pdata[a]);
    g_ptr_array_add(pairs, p->values->pdata[a]);
  }
  return pairs;
}

/* TRUE if the analytic{} predicts `measure` at some point. */
static gboolean predicts(const SweepSummary *s, const char *measure)
{
  for (guint i = 0; s->analytic && i < s->points->len; i++) {
    g_autoptr(GPtrArray) pairs = point_pairs(s, &g_array_index(s->points, SweepPointAgg, i));
    double v;
    if (s->analytic(s->analytic_data, pairs, measure, &v))
      return TRUE;
  }
  return FALSE;
}

/* "+1.3 se", "-4.2 se !" (beyond 3), or "n/a" without a prediction or a
 * standard error; a zero standard error with a difference is "inf se !". */
static char *deviation_cell(const SweepSummary *s, const SweepPointAgg *p, const char *measure, const SweepStat *st)
{
  g_autoptr(GPtrArray) pairs = point_pairs(s, p);
  double predicted, se = sweep_stat_se(st);
  if (!s->analytic(s->analytic_data, pairs, measure, &predicted) || isnan(se))
    return g_strdup("n/a");
  double mean = sweep_stat_mean(st);
  if (se == 0)
    return g_strdup(mean == predicted ? "+0.0 se" : "inf se !");
  AnalyticCompare c = analytic_compare(mean, se, predicted);
  return g_strdup_printf("%+.1f se%s", c.z, c.beyond ? " !" : "");
}

SweepSummary *sweep_summary_new(void)
{
  SweepSummary *s = g_new0(SweepSummary, 1);
  s->points = g_array_new(FALSE, TRUE, sizeof(SweepPointAgg));
  s->metric_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  return s;
}

void sweep_summary_free(SweepSummary *s)
{
  if (!s)
    return;
  for (guint i = 0; i < s->points->len; i++) {
    SweepPointAgg *p = &g_array_index(s->points, SweepPointAgg, i);
    g_ptr_array_unref(p->values);
    g_hash_table_unref(p->metrics);
    g_ptr_array_unref(p->failing);
  }
  g_array_unref(s->points);
  g_hash_table_unref(s->metric_names);
  g_free(s->scenario);
  if (s->names)
    g_ptr_array_unref(s->names);
  if (s->sets)
    g_ptr_array_unref(s->sets);
  g_free(s->first_error);
  g_free(s);
}

static gboolean same_strings(const GPtrArray *a, const GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (strcmp(a->pdata[i], b->pdata[i]) != 0)
      return FALSE;
  return TRUE;
}

/* "a=1 b=x" for the run's swept parameters. */
static char *point_text(const GPtrArray *params)
{
  g_autoptr(GString) s = g_string_new(NULL);
  for (guint i = 0; i + 1 < params->len; i += 2)
    g_string_append_printf(s, "%s%s=%s", s->len ? " " : "", (char *) params->pdata[i], (char *) params->pdata[i + 1]);
  return g_string_free(g_steal_pointer(&s), FALSE);
}

/* The command that reruns `run`: its seed and every parameter as --set. */
static char *rerun_command(const SweepRun *run)
{
  g_autofree char *path = cli_shell_word(run->scenario);
  g_autoptr(GString) s = g_string_new(NULL);
  g_string_append_printf(s, "%s run %s --seed %" G_GUINT64_FORMAT, cli_program(), path, run->seed);
  const GPtrArray *lists[] = { run->params, run->sets };
  for (guint l = 0; l < 2; l++)
    for (guint i = 0; i + 1 < lists[l]->len; i += 2) {
      g_autofree char *pair = g_strdup_printf("%s=%s", (char *) lists[l]->pdata[i], (char *) lists[l]->pdata[i + 1]);
      g_autofree char *word = cli_shell_word(pair);
      g_string_append_printf(s, " --set %s", word);
    }
  return g_string_free(g_steal_pointer(&s), FALSE);
}

gboolean sweep_summary_add(SweepSummary *s, const SweepRun *run, const char *where, GError **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i + 1 < run->params->len; i += 2) {
    g_ptr_array_add(names, run->params->pdata[i]);
    g_ptr_array_add(values, g_strdup(run->params->pdata[i + 1]));
  }
  if (!s->scenario) {
    s->scenario = g_strdup(run->scenario);
    s->names = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < names->len; i++)
      g_ptr_array_add(s->names, g_strdup(names->pdata[i]));
    s->sets = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < run->sets->len; i++)
      g_ptr_array_add(s->sets, g_strdup(run->sets->pdata[i]));
    s->seed_min = s->seed_max = run->seed;
  } else if (strcmp(s->scenario, run->scenario) != 0 || !same_strings(s->names, names) ||
             !same_strings(s->sets, run->sets)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: a run of another sweep (scenario, --param names or --set values differ from %s's)", where,
                s->scenario);
    return FALSE;
  }
  SweepPointAgg *last = s->points->len ? &g_array_index(s->points, SweepPointAgg, s->points->len - 1) : NULL;
  if (last && (run->point < last->point || (run->point == last->point && run->seed <= s->last_seed))) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: point %" G_GUINT64_FORMAT " seed %" G_GUINT64_FORMAT
                " comes twice or out of sweep order", where, run->point, run->seed);
    return FALSE;
  }
  if (last && run->point == last->point && !same_strings(last->values, values)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: point %" G_GUINT64_FORMAT " has other parameter values "
                "than an earlier run of that point", where, run->point);
    return FALSE;
  }
  if (!last || run->point != last->point) {
    SweepPointAgg p = { 0 };
    p.point = run->point;
    p.values = g_steal_pointer(&values);
    p.metrics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    p.failing = g_ptr_array_new_with_free_func(g_free);
    g_array_append_val(s->points, p);
    last = &g_array_index(s->points, SweepPointAgg, s->points->len - 1);
  }
  s->last_seed = run->seed;
  s->seed_min = MIN(s->seed_min, run->seed);
  s->seed_max = MAX(s->seed_max, run->seed);
  s->runs++;
  last->runs++;
  if (run->status == SWEEP_ERROR) {
    s->errors++;
    last->errors++;
    if (!s->first_error) {
      g_autofree char *pt = point_text(run->params);
      s->first_error = g_strdup_printf("%s, seed %" G_GUINT64_FORMAT ": %s", pt, run->seed, run->error);
    }
  } else if (run->status == SWEEP_VIOLATED) {
    s->violated++;
    last->violated++;
  }
  if (run->status != SWEEP_HELD && last->failing->len < SWEEP_FAILING_SHOWN) {
    const char *why = run->status == SWEEP_ERROR ? run->error : run->first_violation;
    g_autofree char *cmd = rerun_command(run);
    g_ptr_array_add(last->failing, g_strdup_printf("seed %" G_GUINT64_FORMAT " %s%s%s\n      rerun: %s", run->seed,
                                                   sweep_status_name(run->status), why ? ": " : "", why ? why : "",
                                                   cmd));
  }
  sweep_stat_add(&last->availability, run->availability);
  for (guint i = 0; i < run->metrics->len; i++) {
    const SweepNumber *n = &g_array_index(run->metrics, SweepNumber, i);
    SweepStat *st = g_hash_table_lookup(last->metrics, n->name);
    if (!st) {
      st = g_new0(SweepStat, 1);
      g_hash_table_insert(last->metrics, g_strdup(n->name), st);
    }
    sweep_stat_add(st, n->value);
    if (!g_hash_table_contains(s->metric_names, n->name))
      g_hash_table_add(s->metric_names, g_strdup(n->name));
  }
  return TRUE;
}

guint64 sweep_summary_runs(const SweepSummary *s)
{
  return s->runs;
}

guint64 sweep_summary_errors(const SweepSummary *s)
{
  return s->errors;
}

guint64 sweep_summary_violated(const SweepSummary *s)
{
  return s->violated;
}

const char *sweep_summary_first_error(const SweepSummary *s)
{
  return s->first_error;
}

gboolean sweep_summary_has_metric(const SweepSummary *s, const char *name)
{
  return g_hash_table_contains(s->metric_names, name);
}

static GList *sorted_metric_names(const SweepSummary *s)
{
  return g_list_sort(g_hash_table_get_keys(s->metric_names), (GCompareFunc) strcmp);
}

char *sweep_summary_metric_names(const SweepSummary *s)
{
  g_autoptr(GList) names = sorted_metric_names(s);
  g_autoptr(GString) out = g_string_new(NULL);
  for (GList *k = names; k; k = k->next)
    g_string_append_printf(out, "%s%s", out->len ? ", " : "", (const char *) k->data);
  return g_string_free(g_steal_pointer(&out), FALSE);
}

static const SweepStat *point_metric(const SweepPointAgg *p, const char *name)
{
  static const SweepStat none = { 0 };
  const SweepStat *st = g_hash_table_lookup(p->metrics, name);
  return st ? st : &none;
}

/* "mean ± se [lo, hi]", or less when there are fewer values; "n/a" for none. */
static char *stat_cell(const SweepStat *st)
{
  if (st->n == 0)
    return g_strdup("n/a");
  if (st->n == 1)
    return g_strdup_printf("%.4f", sweep_stat_mean(st));
  double lo, hi;
  sweep_stat_ci95(st, &lo, &hi);
  return g_strdup_printf("%.4f ± %.4f [%.4f, %.4f]", sweep_stat_mean(st), sweep_stat_se(st), lo, hi);
}

/* Pads `cell` to `width` characters (UTF-8 aware: "±" is one). */
static void append_cell(GString *out, const char *cell, guint width, gboolean last)
{
  g_string_append(out, cell);
  if (last)
    return;
  for (glong n = g_utf8_strlen(cell, -1); n < (glong) width + 2; n++)
    g_string_append_c(out, ' ');
}

char *sweep_summary_table(const SweepSummary *s, char *const *metrics)
{
  g_autoptr(GString) out = g_string_new(NULL);
  if (!s->scenario)
    return g_strdup("# faultsim sweep: no runs\n");
  /* The distinct values of each parameter, for the header. */
  g_string_append_printf(out, "# faultsim sweep %s:", s->scenario);
  for (guint a = 0; a < s->names->len; a++) {
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < s->points->len; i++)
      g_hash_table_add(seen, g_array_index(s->points, SweepPointAgg, i).values->pdata[a]);
    guint n = g_hash_table_size(seen);
    g_string_append_printf(out, "%s %s (%u value%s)", a ? " ×" : "", (char *) s->names->pdata[a], n, n == 1 ? "" : "s");
  }
  g_string_append_printf(out, ", seeds %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT " runs\n",
                         s->seed_min, s->seed_max, s->runs);
  for (guint i = 0; i + 1 < s->sets->len; i += 2)
    g_string_append_printf(out, "# --set %s=%s\n", (char *) s->sets->pdata[i], (char *) s->sets->pdata[i + 1]);
  g_string_append(out, "# mean ± standard error [95% confidence interval] over the runs of each point\n");

  /* The measures shown: availability, then each --metric; each followed
   * by its deviation from the analytic{} prediction when there is one. */
  g_autoptr(GPtrArray) measures = g_ptr_array_new();
  g_ptr_array_add(measures, "availability");
  for (guint k = 0; metrics && metrics[k]; k++)
    g_ptr_array_add(measures, metrics[k]);
  g_autofree gboolean *predicted = g_new0(gboolean, measures->len);
  guint ncols = s->names->len + 1 + measures->len + 2;
  for (guint m = 0; m < measures->len; m++)
    ncols += (predicted[m] = predicts(s, measures->pdata[m]));
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free); /* row-major, header first */
  for (guint a = 0; a < s->names->len; a++)
    g_ptr_array_add(cells, g_strdup(s->names->pdata[a]));
  g_ptr_array_add(cells, g_strdup("runs"));
  for (guint m = 0; m < measures->len; m++) {
    g_ptr_array_add(cells, g_strdup(measures->pdata[m]));
    if (predicted[m])
      g_ptr_array_add(cells, g_strdup("vs analytic"));
  }
  g_ptr_array_add(cells, g_strdup("violated"));
  g_ptr_array_add(cells, g_strdup("errors"));
  for (guint i = 0; i < s->points->len; i++) {
    const SweepPointAgg *p = &g_array_index(s->points, SweepPointAgg, i);
    for (guint a = 0; a < p->values->len; a++)
      g_ptr_array_add(cells, g_strdup(p->values->pdata[a]));
    g_ptr_array_add(cells, g_strdup_printf("%" G_GUINT64_FORMAT, p->runs));
    for (guint m = 0; m < measures->len; m++) {
      const SweepStat *st = m == 0 ? &p->availability : point_metric(p, measures->pdata[m]);
      g_ptr_array_add(cells, stat_cell(st));
      if (predicted[m])
        g_ptr_array_add(cells, deviation_cell(s, p, measures->pdata[m], st));
    }
    g_ptr_array_add(cells, g_strdup_printf("%" G_GUINT64_FORMAT, p->violated));
    g_ptr_array_add(cells, g_strdup_printf("%" G_GUINT64_FORMAT, p->errors));
  }
  g_autofree guint *width = g_new0(guint, ncols);
  for (guint c = 0; c < cells->len; c++)
    width[c % ncols] = MAX(width[c % ncols], (guint) g_utf8_strlen(cells->pdata[c], -1));
  for (guint c = 0; c < cells->len; c++) {
    append_cell(out, cells->pdata[c], width[c % ncols], c % ncols == ncols - 1);
    if (c % ncols == ncols - 1)
      g_string_append_c(out, '\n');
  }
  gboolean any = FALSE;
  for (guint i = 0; i < s->points->len; i++) {
    const SweepPointAgg *p = &g_array_index(s->points, SweepPointAgg, i);
    if (!p->failing->len)
      continue;
    if (!any)
      g_string_append_printf(out, "failing seeds (the first %d of each point):\n", SWEEP_FAILING_SHOWN);
    any = TRUE;
    g_autoptr(GPtrArray) pairs = point_pairs(s, p);
    g_autofree char *pt = point_text(pairs);
    for (guint f = 0; f < p->failing->len; f++)
      g_string_append_printf(out, "  %s: %s\n", pt, (char *) p->failing->pdata[f]);
  }
  return g_string_free(g_steal_pointer(&out), FALSE);
}

/* One CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_text(GString *out, const char *text)
{
  if (!strpbrk(text, ",\"\r\n")) {
    g_string_append(out, text);
    return;
  }
  g_string_append_c(out, '"');
  for (const char *c = text; *c; c++) {
    if (*c == '"')
      g_string_append_c(out, '"');
    g_string_append_c(out, *c);
  }
  g_string_append_c(out, '"');
}

static void csv_number(GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_c(out, ',');
  if (!isnan(v))
    g_string_append(out, g_ascii_formatd(buf, sizeof buf, "%.6g", v));
}

static void csv_stat(GString *out, const SweepStat *st)
{
  double lo, hi;
  sweep_stat_ci95(st, &lo, &hi);
  csv_number(out, sweep_stat_mean(st));
  csv_number(out, sweep_stat_se(st));
  csv_number(out, lo);
  csv_number(out, hi);
  g_string_append_printf(out, ",%" G_GUINT64_FORMAT, st->n);
}

char *sweep_summary_csv(const SweepSummary *s)
{
  g_autoptr(GString) out = g_string_new(NULL);
  g_autoptr(GList) names = sorted_metric_names(s);
  static const char *const parts[] = { "mean", "se", "ci95_lo", "ci95_hi", "n" };
  for (guint a = 0; s->names && a < s->names->len; a++) {
    g_autofree char *col = g_strdup_printf("param_%s", (char *) s->names->pdata[a]);
    if (a)
      g_string_append_c(out, ',');
    csv_text(out, col);
  }
  g_autoptr(GPtrArray) measures = g_ptr_array_new();
  g_ptr_array_add(measures, "availability");
  for (GList *k = names; k; k = k->next)
    g_ptr_array_add(measures, k->data);
  for (guint m = 0; m < measures->len; m++)
    for (guint i = 0; i < G_N_ELEMENTS(parts); i++) {
      g_autofree char *col = g_strdup_printf("%s_%s", (char *) measures->pdata[m], parts[i]);
      g_string_append_c(out, ',');
      csv_text(out, col);
    }
  g_string_append(out, ",violated,errors\n");
  for (guint i = 0; i < s->points->len; i++) {
    const SweepPointAgg *p = &g_array_index(s->points, SweepPointAgg, i);
    for (guint a = 0; a < p->values->len; a++) {
      if (a)
        g_string_append_c(out, ',');
      csv_text(out, p->values->pdata[a]);
    }
    csv_stat(out, &p->availability);
    for (GList *k = names; k; k = k->next)
      csv_stat(out, point_metric(p, k->data));
    g_string_append_printf(out, ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "\n", p->violated, p->errors);
  }
  return g_string_free(g_steal_pointer(&out), FALSE);
}
