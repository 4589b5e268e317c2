/* `faultsim sweep`: one parameter over a list of values, many seeds each;
 * the mean and standard error of availability and chosen metrics per value,
 * as a table and as CSV for plotting. It is how a question such as "is 2PC
 * or a quorum more available as nodes fail more often?" becomes a curve. */
#include "sim/cli/batch.h"
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/lua/scenario_output.h"
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  guint nmetrics;
  char **metrics;
  double *values; /* [run][0] availability, [run][1 + k] metric k; NAN if absent */
  char *error;    /* the first run's failure, if any */
  guint64 error_seed;
  char *reported; /* the metric names the first seed's run reported, "a, b" */
  GMutex lock;
} SweepPoint;

/* The names of the run's metrics in name order, joined by ", ". */
static char *metric_names(Scenario *sc)
{
  g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(sc->sim->metrics), (GCompareFunc) strcmp);
  g_autoptr(GString) s = g_string_new(NULL);
  for (GList *k = names; k; k = k->next)
    g_string_append_printf(s, "%s%s", s->len ? ", " : "", (const char *) k->data);
  return g_string_free(g_steal_pointer(&s), FALSE);
}

static void collect(guint index, guint64 seed, Scenario *sc, const GError *error, void *data)
{
  SweepPoint *p = data;
  double *row = &p->values[index * (1 + p->nmetrics)];
  if (!sc) {
    g_mutex_lock(&p->lock);
    if (!p->error || seed < p->error_seed) {
      g_free(p->error);
      p->error = g_strdup(error->message);
      p->error_seed = seed;
    }
    g_mutex_unlock(&p->lock);
    return;
  }
  if (index == 0)
    p->reported = metric_names(sc); /* only this run's thread writes it */
  row[0] = scenario_availability(sc);
  for (guint k = 0; k < p->nmetrics; k++) {
    double v = NAN;
    row[1 + k] = sim_metric_get(sc->sim, p->metrics[k], &v) ? v : NAN;
  }
}

/* Mean and standard error of column `col` over the runs that have it. */
static void mean_se(const SweepPoint *p, guint runs, guint col, double *mean, double *se, guint *count)
{
  double sum = 0, sum2 = 0;
  guint n = 0;
  for (guint i = 0; i < runs; i++) {
    double v = p->values[i * (1 + p->nmetrics) + col];
    if (isnan(v))
      continue;
    sum += v;
    sum2 += v * v;
    n++;
  }
  *count = n;
  *mean = n ? sum / n : NAN;
  double var = n > 1 ? (sum2 - sum * sum / n) / (n - 1) : NAN;
  *se = n > 1 ? sqrt(var > 0 ? var : 0) / sqrt((double) n) : NAN;
}

static void csv_number(GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (!isnan(v))
    g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.6g", v));
}

int handle_sweep(int argc, char **argv)
{
  g_autofree char *param = NULL, *seeds_text = NULL, *csv = NULL;
  g_auto(GStrv) metrics = NULL, sets = NULL;
  gint jobs = 1;
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  GOptionEntry entries[] = {
    { "param", 'p', 0, G_OPTION_ARG_STRING, &param, "The parameter to vary and its values", "NAME=V1,V2,..." },
    { "seeds", 0, 0, G_OPTION_ARG_STRING, &seeds_text, "Seeds per value: N (1..N) or FIRST-LAST (default: the scenario's)", "N|A-B" },
    { "metric", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &metrics, "Also average this metric (repeatable)", "NAME" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Fix another parameter (repeatable)", "KEY=VALUE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Write the table as CSV to FILE", "FILE" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Run N seeds at once (default 1); same numbers for any N", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO.lua - vary one parameter, average over seeds");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_add_group(ctx, cli_limits_group(&options.limits));
  g_option_context_set_summary(ctx,
      "Runs the scenario for every value of one parameter and every seed, and prints\n"
      "per value the mean and standard error of availability and of each --metric.");
  g_option_context_set_description(ctx,
      "A --metric that no run reported is an error (a misspelt name would otherwise\n"
      "give a column of n/a); one that only some runs report is averaged over those.\n"
      "--csv FILE is written only when every run succeeded (see faultsim run --help).\n\n"
      "Example: faultsim sweep scenarios/compare_quorum.lua --param down=0.05,0.1,0.2 --seeds 20 --csv q.csv\n"
      "Exit status: 0 done; 2 bad usage, a run that failed, a --metric no run reported,\n"
      "or an output that could not be written.");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim sweep: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  const char *eq = param ? strchr(param, '=') : NULL;
  if (argc != 2 || !eq || eq == param || !eq[1] || jobs < 1 || jobs > 256) {
    fprintf(stderr, "faultsim sweep: give one scenario, --param NAME=V1,V2,... and --jobs 1..256 (see --help)\n");
    return SIM_EXIT_USAGE;
  }
  const char *path = argv[1];
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    fprintf(stderr, "faultsim sweep: %s: %s\n", path,
            g_file_test(path, G_FILE_TEST_IS_DIR) ? "is a folder, not a scenario file" : "no such file");
    return SIM_EXIT_USAGE;
  }
  /* The CSV's temporary is created now, so a bad path fails before the
   * runs; it is renamed into place only after the last one. */
  g_autoptr(OutputSet) outputs = output_set_new();
  FILE *csv_file = NULL;
  output_set_protect(outputs, path);
  if (!output_set_add(outputs, "--csv", csv, &csv_file, &error)) {
    fprintf(stderr, "faultsim sweep: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  g_autofree char *name = g_strndup(param, (gsize) (eq - param));
  g_auto(GStrv) values = g_strsplit(eq + 1, ",", -1);
  g_autoptr(GHashTable) overrides = cli_parse_sets(sets, &error);
  guint64 first = 1, last = 1;
  if (!overrides || (!seeds_text && !scenario_peek_seeds(path, &first, &last, &error)) ||
      !cli_parse_seeds(seeds_text, &first, &last, &error)) {
    fprintf(stderr, "faultsim sweep: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  guint runs = (guint) (last - first + 1);
  guint nmetrics = metrics ? g_strv_length(metrics) : 0;
  g_autoptr(GString) table = g_string_new(NULL);
  g_autoptr(GString) csv_text = g_string_new(NULL);
  g_string_append_printf(csv_text, "%s,runs,availability,availability_se", name);
  for (guint k = 0; k < nmetrics; k++)
    g_string_append_printf(csv_text, ",%s,%s_se", metrics[k], metrics[k]);
  g_string_append_c(csv_text, '\n');
  g_string_append_printf(table, "# faultsim sweep %s: %s over %u values, seeds %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
                         " (mean ± standard error)\n%-12s %5s  %-22s", path, name, g_strv_length(values), first,
                         last, name, "runs", "availability");
  for (guint k = 0; k < nmetrics; k++)
    g_string_append_printf(table, "  %-22s", metrics[k]);
  g_string_append_c(table, '\n');
  gboolean progress = isatty(fileno(stderr));
  g_autofree gboolean *seen = g_new0(gboolean, nmetrics + 1); /* per metric: some run reported it */
  g_autofree char *reported = NULL;
  for (guint v = 0; values[v]; v++) {
    if (progress)
      fprintf(stderr, "\r  %s=%s (%u of %u)...", name, values[v], v + 1, g_strv_length(values));
    g_hash_table_replace(overrides, g_strdup(name), g_strdup(values[v]));
    SweepPoint p = { nmetrics, metrics, g_new(double, runs * (1 + nmetrics)), NULL, 0, NULL, { 0 } };
    for (guint i = 0; i < runs * (1 + nmetrics); i++)
      p.values[i] = NAN;
    g_mutex_init(&p.lock);
    batch_run(path, overrides, &options, first, runs, jobs, collect, &p);
    g_mutex_clear(&p.lock);
    if (p.error) {
      if (progress)
        fprintf(stderr, "\r\033[K");
      fprintf(stderr, "faultsim sweep: %s=%s, seed %" G_GUINT64_FORMAT ": %s\n", name, values[v], p.error_seed, p.error);
      g_free(p.error);
      g_free(p.values);
      g_free(p.reported);
      return SIM_EXIT_USAGE;
    }
    if (!reported)
      reported = g_steal_pointer(&p.reported);
    g_free(p.reported);
    g_string_append_printf(csv_text, "%s,%u", values[v], runs);
    g_string_append_printf(table, "%-12s %5u", values[v], runs);
    for (guint col = 0; col <= nmetrics; col++) {
      double mean, se;
      guint count;
      mean_se(&p, runs, col, &mean, &se, &count);
      seen[col] = seen[col] || count > 0;
      g_string_append_c(csv_text, ',');
      csv_number(csv_text, mean);
      g_string_append_c(csv_text, ',');
      csv_number(csv_text, se);
      if (count == 0)
        g_string_append_printf(table, "  %-22s", "n/a");
      else {
        g_autofree char *cell = isnan(se) ? g_strdup_printf("%.4f", mean) : g_strdup_printf("%.4f ± %.4f", mean, se);
        g_string_append_printf(table, "  %-22s", cell);
      }
    }
    g_string_append_c(csv_text, '\n');
    g_string_append_c(table, '\n');
    g_free(p.values);
  }
  if (progress)
    fprintf(stderr, "\r\033[K");
  gboolean unknown = FALSE;
  for (guint k = 0; k < nmetrics; k++)
    if (!seen[1 + k]) {
      fprintf(stderr, "faultsim sweep: --metric %s: no run reported a metric of that name (%s reports: %s)\n",
              metrics[k], path, reported && *reported ? reported : "none");
      unknown = TRUE;
    }
  if (unknown)
    return SIM_EXIT_USAGE;
  if (csv_file)
    fwrite(csv_text->str, 1, csv_text->len, csv_file);
  if (!output_set_commit(outputs, &error)) {
    fprintf(stderr, "faultsim sweep: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  fwrite(table->str, 1, table->len, stdout);
  return SIM_EXIT_OK;
}
