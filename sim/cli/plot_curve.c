/* `faultsim plot curve SWEEP.csv...`: a measure against a swept parameter,
 * one series per combination of the other swept parameters (and per
 * file, when several are given: one per scenario), each point its mean
 * with its 95% confidence interval, and beside it the scenario's analytic{}
 * formula for the measure when --scenario names the scenario: evaluated
 * at every point and, for a numeric parameter, at steps between them so
 * the formula is drawn as a curve. Prints each point's measured − analytic
 * in standard errors and flags those beyond 3.
 *
 * Data for plots/curve.gp: per series two blocks, the points
 *   x  mean  ci_lo  ci_hi  analytic  label
 * and the formula's curve "x value" (a "nan nan" line when none). */
#include "sim/cli/analytic_compare.h"
#include "sim/cli/plot.h"
#include "sim/cli/plot_csv.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Formula evaluations between two neighbouring points of a series. */
#define CURVE_STEPS 8

typedef struct {
  char *label;
  const char *scenario; /* for the formula, or NULL */
  GPtrArray *points;    /* PlotPoint*, borrowed, sorted by x */
} Series;

static void series_free(gpointer p)
{
  Series *s = p;
  g_free(s->label);
  g_ptr_array_unref(s->points);
  g_free(s);
}

typedef struct {
  const char *x;
  gboolean numeric; /* every x value reads as a number */
  GPtrArray *categories; /* x values in order of appearance (not numeric) */
} Axis;

static double x_of(const Axis *axis, const PlotPoint *pt)
{
  const char *text = g_hash_table_lookup(pt->params, axis->x);
  if (axis->numeric)
    return g_ascii_strtod(text, NULL);
  for (guint i = 0; i < axis->categories->len; i++)
    if (strcmp(axis->categories->pdata[i], text) == 0)
      return i;
  return NAN;
}

static gboolean is_number(const char *text)
{
  char *end = NULL;
  double v = g_ascii_strtod(text, &end);
  return *text && !*end && isfinite(v);
}

static gint by_x(gconstpointer a, gconstpointer b, gpointer axis)
{
  double xa = x_of(axis, *(PlotPoint *const *) a), xb = x_of(axis, *(PlotPoint *const *) b);
  return (xa > xb) - (xa < xb);
}

/* The series key of a point: the other parameters that vary in its file,
 * "name=value, ...", in column order. */
static char *series_key(const PlotPoint *pt, GPtrArray *names, const char *x, GHashTable *varies)
{
  g_autoptr(GString) key = g_string_new(NULL);
  for (guint i = 0; i < names->len; i++) {
    const char *n = names->pdata[i];
    if (strcmp(n, x) != 0 && g_hash_table_contains(varies, n))
      g_string_append_printf(key, "%s%s=%s", key->len ? ", " : "", n, (char *) g_hash_table_lookup(pt->params, n));
  }
  return g_string_free(g_steal_pointer(&key), FALSE);
}

/* The formula for `measure` at `params`; NAN with `error` when it fails,
 * and NAN without one when the scenario has no formula for it. */
static double formula(const char *scenario, GHashTable *params, const char *measure, GError **error)
{
  g_autoptr(GHashTable) values = analytic_at(scenario, params, error);
  if (!values)
    return NAN;
  double *v = g_hash_table_lookup(values, measure);
  return v ? *v : NAN;
}

/* Appends the formula's curve through the series' points to `data`: the
 * value at every point, and CURVE_STEPS between neighbours when x is a
 * number (geometric steps on a log axis). A step the scenario refuses (an
 * integer parameter) is left out. */
static void formula_curve(GString *data, const Series *s, const Axis *axis, const char *measure, gboolean logx)
{
  guint rows = 0;
  for (guint i = 0; i < s->points->len; i++) {
    PlotPoint *pt = s->points->pdata[i];
    double x0 = x_of(axis, pt);
    if (!isnan(pt->analytic)) {
      plot_number(data, x0);
      g_string_append_c(data, '\t');
      plot_number(data, pt->analytic);
      g_string_append_c(data, '\n');
      rows++;
    }
    if (!axis->numeric || i + 1 == s->points->len || isnan(pt->analytic))
      continue;
    double x1 = x_of(axis, s->points->pdata[i + 1]);
    g_autoptr(GHashTable) params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, pt->params);
    while (g_hash_table_iter_next(&it, &k, &v))
      g_hash_table_replace(params, g_strdup(k), g_strdup(v));
    for (guint step = 1; step < CURVE_STEPS; step++) {
      double f = (double) step / CURVE_STEPS;
      double x = logx && x0 > 0 && x1 > 0 ? x0 * pow(x1 / x0, f) : x0 + (x1 - x0) * f;
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_hash_table_replace(params, g_strdup(axis->x), g_strdup(g_ascii_formatd(buf, sizeof buf, "%.9g", x)));
      GError *error = NULL;
      double y = formula(s->scenario, params, measure, &error);
      g_clear_error(&error);
      if (isnan(y))
        continue;
      plot_number(data, x);
      g_string_append_c(data, '\t');
      plot_number(data, y);
      g_string_append_c(data, '\n');
      rows++;
    }
  }
  if (!rows)
    g_string_append(data, "nan\tnan\n");
}

typedef struct {
  char *x, *measure, *xlabel, *ylabel;
  char **scenarios, **labels, **sets;
  gboolean logx;
} CurveArgs;

/* The --set values for file `f` of `files`: each key given once holds for
 * every file, a key given once per file holds its k-th value for file k.
 * Adds them to `params`; FALSE with `error` for a malformed one or a key
 * given another number of times. */
static gboolean file_sets(char **sets, guint f, guint files, GHashTable *params, GError **error)
{
  for (guint i = 0; sets && sets[i]; i++) {
    const char *eq = strchr(sets[i], '=');
    if (!eq || eq == sets[i]) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--set %s: expected KEY=VALUE", sets[i]);
      return FALSE;
    }
    size_t klen = (size_t) (eq - sets[i]);
    guint count = 0, mine = 0;
    for (guint j = 0; sets[j]; j++)
      if (strncmp(sets[j], sets[i], klen + 1) == 0) {
        if (j < i)
          mine++;
        count++;
      }
    if (count != 1 && count != files) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--set %.*s: given %u times; give it once or once per file (%u)",
                  (int) klen, sets[i], count, files);
      return FALSE;
    }
    if (count == 1 || mine == f)
      g_hash_table_replace(params, g_strndup(sets[i], klen), g_strdup(eq + 1));
  }
  return TRUE;
}

static gboolean draw_curve(CurveArgs *a, PlotOptions *opts, int argc, char **argv, GError **error)
{
  g_autoptr(GPtrArray) all_points = g_ptr_array_new_with_free_func((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func(series_free);
  g_autoptr(GPtrArray) categories = g_ptr_array_new();
  g_autofree char *first_x = NULL; /* the first file's first parameter */
  const char *x = a->x;
  guint files = (guint) argc - 1;
  guint nscen = a->scenarios ? g_strv_length(a->scenarios) : 0, nlabels = a->labels ? g_strv_length(a->labels) : 0;
  if (files < 1 || (nscen > 1 && nscen != files) || (nlabels && nlabels != files)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "give one or more sweep CSVs, --scenario once or once per file, --label once per file (see --help)");
    return FALSE;
  }
  const char *measure = a->measure ? a->measure : "availability";
  Axis axis = { NULL, TRUE, categories };
  /* Read every file; pick the x parameter and the series. */
  for (guint f = 0; f < files; f++) {
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *points = plot_csv_read(argv[1 + f], measure, names, error);
    if (!points)
      return FALSE;
    g_ptr_array_add(all_points, points);
    for (guint i = 0; i < points->len; i++)
      if (!file_sets(a->sets, f, files, ((PlotPoint *) points->pdata[i])->params, error))
        return FALSE;
    if (!x)
      x = first_x = g_strdup(names->pdata[0]);
    gboolean found = FALSE;
    for (guint i = 0; i < names->len; i++)
      found = found || strcmp(names->pdata[i], x) == 0;
    if (!found) {
      g_autoptr(GString) have = g_string_new(NULL);
      for (guint i = 0; i < names->len; i++)
        g_string_append_printf(have, "%s%s", have->len ? ", " : "", (char *) names->pdata[i]);
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: --x %s: no such parameter (it has: %s)", argv[1 + f], x,
                  have->str);
      return FALSE;
    }
    g_autoptr(GHashTable) varies = g_hash_table_new(g_str_hash, g_str_equal);
    PlotPoint *first = points->pdata[0];
    for (guint i = 1; i < points->len; i++) {
      PlotPoint *pt = points->pdata[i];
      for (guint k = 0; k < names->len; k++)
        if (strcmp(g_hash_table_lookup(pt->params, names->pdata[k]), g_hash_table_lookup(first->params, names->pdata[k])))
          g_hash_table_add(varies, names->pdata[k]);
    }
    g_autofree char *file_label = NULL;
    if (nlabels)
      file_label = g_strdup(a->labels[f]);
    else if (files > 1) {
      file_label = g_path_get_basename(argv[1 + f]);
      char *dot = strrchr(file_label, '.');
      if (dot && dot != file_label)
        *dot = '\0';
    }
    g_autoptr(GHashTable) by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < points->len; i++) {
      PlotPoint *pt = points->pdata[i];
      const char *xv = g_hash_table_lookup(pt->params, x);
      if (!is_number(xv))
        axis.numeric = FALSE;
      gboolean seen = FALSE;
      for (guint c = 0; c < categories->len && !seen; c++)
        seen = strcmp(categories->pdata[c], xv) == 0;
      if (!seen)
        g_ptr_array_add(categories, (gpointer) xv);
      g_autofree char *key = series_key(pt, names, x, varies);
      Series *s = g_hash_table_lookup(by_key, key);
      if (!s) {
        s = g_new0(Series, 1);
        s->label = file_label && *key ? g_strdup_printf("%s, %s", file_label, key)
                                      : g_strdup(file_label ? file_label : *key ? key : measure);
        s->scenario = nscen ? a->scenarios[nscen == 1 ? 0 : f] : NULL;
        s->points = g_ptr_array_new();
        g_hash_table_insert(by_key, g_strdup(key), s);
        g_ptr_array_add(series, s);
      }
      g_ptr_array_add(s->points, pt);
    }
  }
  axis.x = x;
  if (a->logx && !axis.numeric) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--logx: the values of %s are not all numbers", x);
    return FALSE;
  }
  /* The formula at every point, and the points against it. */
  gboolean any_analytic = FALSE;
  g_autoptr(GString) table = g_string_new(NULL);
  int lw = 6; /* the series column's width */
  for (guint i = 0; i < series->len; i++)
    lw = MAX(lw, (int) g_utf8_strlen(((Series *) series->pdata[i])->label, -1));
  for (guint i = 0; i < series->len; i++) {
    Series *s = series->pdata[i];
    g_ptr_array_sort_with_data(s->points, by_x, &axis);
    for (guint k = 0; k < s->points->len; k++) {
      PlotPoint *pt = s->points->pdata[k];
      if (s->scenario) {
        pt->analytic = formula(s->scenario, pt->params, measure, error);
        if (*error)
          return FALSE;
        if (isnan(pt->analytic)) {
          g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s declares no analytic{} formula for %s", s->scenario,
                      measure);
          return FALSE;
        }
      }
      if (isnan(pt->analytic))
        continue;
      any_analytic = TRUE;
      if (!table->len)
        g_string_append_printf(table, "# %s against its analytic formula: z = (measured - analytic) / standard error\n"
                               "%-*s %-10s %10s %10s\n", measure, lw, "series", x, "measured", "se");
      g_string_append_printf(table, "%-*s %-10s %10.4f %10.4f  ", lw, s->label,
                             (char *) g_hash_table_lookup(pt->params, x), pt->mean, pt->se);
      analytic_describe(table, analytic_compare(pt->mean, pt->se, pt->analytic));
      g_string_append_c(table, '\n');
    }
  }
  g_autoptr(GString) data = g_string_new(NULL);
  g_autoptr(GString) titles = g_string_new(NULL);
  guint runs = 0;
  for (guint i = 0; i < series->len; i++) {
    Series *s = series->pdata[i];
    plot_word_append(titles, s->label);
    g_string_append_printf(data, "# %s\n", s->label);
    for (guint k = 0; k < s->points->len; k++) {
      PlotPoint *pt = s->points->pdata[k];
      runs = MAX(runs, pt->n);
      plot_number(data, x_of(&axis, pt));
      for (guint c = 0; c < 4; c++) {
        g_string_append_c(data, '\t');
        plot_number(data, (double[]) { pt->mean, pt->lo, pt->hi, pt->analytic }[c]);
      }
      g_string_append_printf(data, "\t%s\n", (char *) g_hash_table_lookup(pt->params, x));
    }
    g_string_append_printf(data, "\n\n# %s, analytic\n", s->label);
    formula_curve(data, s, &axis, measure, a->logx);
    g_string_append(data, "\n\n");
  }
  g_autofree char *title = opts->title ? g_strdup(opts->title)
                                      : g_strdup_printf("%s against %s (mean and 95%% confidence interval over %u runs%s)",
                                                        measure, x, runs, any_analytic ? "; dashed: analytic" : "");
  const char *xlabel = a->xlabel ? a->xlabel : x;
  const char *ylabel = a->ylabel ? a->ylabel : strcmp(measure, "availability") == 0 ? "availability (ok / invoked)" : measure;
  fputs(table->str, stdout);
  const char *args[] = { title, xlabel, ylabel, titles->str, any_analytic ? "1" : "0", a->logx ? "1" : "0",
                         axis.numeric ? "0" : "1", NULL };
  return plot_render("curve", "curve.gp", argv[1], data, opts, args, error);
}

int plot_curve(int argc, char **argv)
{
  PlotOptions opts = { 0 };
  CurveArgs a = { 0 };
  GOptionEntry entries[] = {
    { "x", 'x', 0, G_OPTION_ARG_STRING, &a.x, "The swept parameter on the x axis (default: the first)", "NAME" },
    { "y", 'y', 0, G_OPTION_ARG_STRING, &a.measure, "The measure on the y axis (default availability)", "MEASURE" },
    { "scenario", 's', 0, G_OPTION_ARG_FILENAME_ARRAY, &a.scenarios,
      "The scenario whose analytic{} formula to draw (one for every file, or one per file)", "FILE.lua" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a.sets,
      "A parameter the sweep fixed with --set, for the formula (once, or once per file)", "KEY=VALUE" },
    { "label", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &a.labels, "Name of each file's series (one per file)", "TEXT" },
    { "logx", 0, 0, G_OPTION_ARG_NONE, &a.logx, "Logarithmic x axis", NULL },
    { "xlabel", 0, 0, G_OPTION_ARG_STRING, &a.xlabel, "The x axis label, with its unit (default: the parameter)", "TEXT" },
    { "ylabel", 0, 0, G_OPTION_ARG_STRING, &a.ylabel, "The y axis label (default: the measure)", "TEXT" },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SWEEP.csv... - a measure against a swept parameter");
  g_option_context_add_main_entries(ctx, entries, NULL);
  plot_add_common(ctx, &opts);
  g_option_context_set_summary(ctx,
      "Reads the summary CSV of `faultsim sweep --csv` and draws each point's mean with its\n"
      "95% confidence interval against the parameter --x, one series per combination of\n"
      "the other parameters that vary (and per file when several are given). With\n"
      "--scenario, draws the scenario's analytic{} formula for the measure beside them\n"
      "and prints every point's (measured - analytic) / standard error, flagging |z| > 3.");
  g_option_context_set_description(ctx,
      "Example:\n"
      "  faultsim sweep scenarios/availability_mttf.lua --set protocol=quorum --param mttf=1,2,5 \\\n"
      "      --seeds 10 --csv q.csv\n"
      "  faultsim plot curve q.csv --scenario scenarios/availability_mttf.lua --set protocol=quorum \\\n      --logx -o q.png\n");
  GError *error = NULL;
  int status = SIM_EXIT_USAGE;
  if (g_option_context_parse(ctx, &argc, &argv, &error) && draw_curve(&a, &opts, argc, argv, &error))
    status = SIM_EXIT_OK;
  if (error) {
    fprintf(stderr, "faultsim plot curve: %s\n", error->message);
    g_error_free(error);
  }
  g_free(a.x);
  g_free(a.measure);
  g_free(a.xlabel);
  g_free(a.ylabel);
  g_strfreev(a.scenarios);
  g_strfreev(a.labels);
  g_strfreev(a.sets);
  plot_options_clear(&opts);
  return status;
}
