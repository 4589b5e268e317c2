/* `faultsim sweep`: a scenario over the cross product of parameter values
 * and seeds; one JSON line per run (--out, streamed, resumable, shardable
 * for many machines) and a summary per parameter point: mean, standard
 * error and 95% confidence interval of availability and every metric, as a
 * table and as CSV for plotting. It is how a question such as "is 2PC or a
 * quorum more available as nodes fail more often?" becomes a curve. */
#include "sim/cli/cli.h"
#include "sim/cli/sweep_analytic.h"
#include "sim/cli/sweep_out.h"
#include "sim/cli/sweep_params.h"
#include "sim/cli/sweep_run.h"
#include "sim/kernel/errors.h"
#include "sim/lua/scenario_output.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Checks that the scenario loads with the --set values and declares every
 * swept parameter, so a misspelt name fails before thousands of runs. */
static gboolean check_params(const char *path, GHashTable *fixed, const SweepPlan *plan, GError **error)
{
  g_autoptr(GHashTable) declared = scenario_peek_params(path, fixed, error);
  if (!declared)
    return FALSE;
  for (guint a = 0; a < plan->axes->len; a++) {
    const char *name = ((SweepAxis *) plan->axes->pdata[a])->name;
    if (g_hash_table_contains(declared, name))
      continue;
    g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(declared), (GCompareFunc) strcmp);
    g_autoptr(GString) list = g_string_new(NULL);
    for (GList *k = names; k; k = k->next)
      g_string_append_printf(list, "%s%s", list->len ? ", " : "", (const char *) k->data);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: --param %s: the scenario declares no parameter '%s' (it declares: %s)", path, name, name,
                list->len ? list->str : "none");
    return FALSE;
  }
  return TRUE;
}

/* --set values as name/value pairs in the order given. */
static GPtrArray *set_pairs(char **sets)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; sets && sets[i]; i++) {
    const char *eq = strchr(sets[i], '=');
    g_ptr_array_add(pairs, g_strndup(sets[i], (gsize) (eq - sets[i])));
    g_ptr_array_add(pairs, g_strdup(eq + 1));
  }
  return pairs;
}

static int usage_error(GError *error)
{
  fprintf(stderr, "faultsim sweep: %s\n", error->message);
  g_error_free(error);
  return SIM_EXIT_USAGE;
}

int handle_sweep(int argc, char **argv)
{
  g_autofree char *seeds_text = NULL, *csv = NULL, *out = NULL, *shard_text = NULL;
  g_auto(GStrv) params = NULL, metrics = NULL, sets = NULL;
  gboolean resume = FALSE, quiet = FALSE;
  gint jobs = 1;
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  GOptionEntry entries[] = {
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &params,
      "A parameter to vary (repeatable: the cross product): a list, START:STOP:STEP or log:START:STOP:FACTOR",
      "NAME=V1,V2,..." },
    { "seeds", 0, 0, G_OPTION_ARG_STRING, &seeds_text, "Seeds per point: N (1..N) or FIRST-LAST (default: the scenario's)", "N|A-B" },
    { "metric", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &metrics, "Show this metric in the table (repeatable; the CSV has every metric)", "NAME" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Fix another parameter (repeatable)", "KEY=VALUE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Write the summary as CSV to FILE", "FILE" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write one JSON line per run to FILE as runs finish", "FILE.jsonl" },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &resume, "Keep the runs already in --out FILE and run only the others", NULL },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard_text, "Run only the I-th of N slices of the runs (faultsim merge joins them)", "I/N" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Run N at once (default 1); the same results for any N", "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress on stderr", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO.lua - vary parameters, average over seeds");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_add_group(ctx, cli_limits_group(&options.limits));
  g_option_context_set_summary(ctx,
      "Runs the scenario for every combination of the --param values and every seed\n"
      "and prints per combination (point) the mean, standard error and 95% confidence\n"
      "interval of availability and of each --metric, the violated and failed runs,\n"
      "and the first failing seeds with the command that reruns each.");
  g_option_context_set_description(ctx,
      "Values: a=1,2,3 (a list), rate=10:200:10 (10, 20, ..., 200), n=log:1:1000:10\n"
      "(1, 10, 100, 1000: each times FACTOR). The first --param varies slowest.\n\n"
      "--out FILE.jsonl gets one JSON object per run (parameters, seed, status, trace\n"
      "digest, availability, every metric, violations, first violation, error) in\n"
      "sweep order, each written whole as it is ready, so a killed sweep leaves a\n"
      "valid file; --resume runs only what is not in it yet. --shard I/N runs every\n"
      "N-th run starting with the I-th; `faultsim merge` of the shards' files prints\n"
      "the summary of the whole sweep. --csv FILE gets a row per point:\n"
      "param_NAME..., then M_mean,M_se,M_ci95_lo,M_ci95_hi,M_n for availability and\n"
      "every metric, then violated,errors. A run that fails (a bad value, a budget)\n"
      "is recorded with its error and the sweep goes on. A --metric that no run\n"
      "reported is an error (a misspelt name would otherwise give a column of n/a).\n\n"
      "Example: faultsim sweep scenarios/compare_quorum.lua --param down=0.05,0.1,0.2 --seeds 20 --csv q.csv\n"
      "Exit status: 0 every run ran; 2 bad usage, a run that could not run, a --metric\n"
      "no run reported, or an output that could not be written.");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage_error(error);
  if (argc != 2 || !params || jobs < 1 || jobs > 256) {
    fprintf(stderr, "faultsim sweep: give one scenario, --param NAME=V1,V2,... and --jobs 1..256 (see --help)\n");
    return SIM_EXIT_USAGE;
  }
  if (resume && !out) {
    fprintf(stderr, "faultsim sweep: --resume needs --out FILE.jsonl (the file to resume)\n");
    return SIM_EXIT_USAGE;
  }
  const char *path = argv[1];
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    fprintf(stderr, "faultsim sweep: %s: %s\n", path,
            g_file_test(path, G_FILE_TEST_IS_DIR) ? "is a folder, not a scenario file" : "no such file");
    return SIM_EXIT_USAGE;
  }
  g_autoptr(GHashTable) fixed = cli_parse_sets(sets, &error);
  if (!fixed)
    return usage_error(error);
  g_autoptr(GPtrArray) pairs = set_pairs(sets);
  g_autoptr(GPtrArray) axes = g_ptr_array_new();
  for (guint i = 0; params[i]; i++) {
    SweepAxis *axis = sweep_axis_parse(params[i], &error);
    if (!axis) {
      g_ptr_array_set_free_func(axes, (GDestroyNotify) sweep_axis_free);
      return usage_error(error);
    }
    g_ptr_array_add(axes, axis);
  }
  guint64 first = 1, last = 1;
  guint shard = 1, nshards = 1;
  if ((!seeds_text && !scenario_peek_seeds(path, &first, &last, &error)) ||
      !cli_parse_seeds(seeds_text, &first, &last, &error) ||
      (shard_text && !sweep_shard_parse(shard_text, &shard, &nshards, &error))) {
    g_ptr_array_set_free_func(axes, (GDestroyNotify) sweep_axis_free);
    return usage_error(error);
  }
  g_autoptr(SweepPlan) plan = sweep_plan_new(g_steal_pointer(&axes), fixed, first, last - first + 1, shard, nshards,
                                             &error);
  if (!plan || !check_params(path, fixed, plan, &error))
    return usage_error(error);

  /* The CSV's temporary is created now, so a bad path fails before the
   * runs; it is renamed into place only after the last one. */
  g_autoptr(OutputSet) outputs = output_set_new();
  FILE *csv_file = NULL;
  output_set_protect(outputs, path);
  if (!output_set_add(outputs, "--csv", csv, &csv_file, &error))
    return usage_error(error);
  g_autoptr(SweepOut) stream = NULL;
  if (out) {
    stream = sweep_out_open(out, resume, plan, path, pairs, csv, &error);
    if (!stream)
      return usage_error(error);
  }
  /* Parsed once for every run (a fifth of a short run's time). */
  g_autoptr(ScenarioCode) code = scenario_code_new(path, options.limits.mem_limit);
  options.code = code;
  g_autoptr(SweepSummary) summary = sweep_summary_new();
  g_autoptr(SweepAnalytic) analytic = sweep_analytic_new(path, fixed);
  sweep_summary_set_analytic(summary, sweep_analytic_predict, analytic);
  SweepRunner runner = {
    .plan = plan, .path = path, .fixed = fixed, .set_pairs = pairs, .options = &options, .jobs = jobs,
    .resumed = stream ? sweep_out_resumed(stream) : NULL, .out_fd = stream ? sweep_out_fd(stream) : -1,
    .out_name = out, .summary = summary,
    .progress = quiet ? 0 : isatty(fileno(stderr)) ? 2 : 1,
  };
  if (!sweep_runner_run(&runner, &error) || (stream && !sweep_out_close(stream, &error)))
    return usage_error(error);
  return sweep_finish(summary, metrics, csv_file, outputs, "sweep");
}
