/* `faultsim run SCENARIO.lua`: one run, a report, an exit code. */
#include "sim/kernel/json_text.h"
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include "sim/report/report.h"
#include <stdio.h>
#include <string.h>

/* Parses --set k=v values into a table; fails naming the bad one. */
GHashTable *cli_parse_sets(char **sets, GError **error)
{
  GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  for (int i = 0; sets && sets[i]; i++) {
    const char *eq = strchr(sets[i], '=');
    if (!eq || eq == sets[i]) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--set '%s': expected key=value", sets[i]);
      g_hash_table_unref(t);
      return NULL;
    }
    g_hash_table_replace(t, g_strndup(sets[i], (gsize) (eq - sets[i])), g_strdup(eq + 1));
  }
  return t;
}

gboolean cli_parse_seed(const char *text, guint64 *seed, GError **error)
{
  if (!text)
    return TRUE;
  if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, seed, NULL)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "--seed %s: expected a whole number from 0 to %" G_GUINT64_FORMAT, text, G_MAXUINT64);
    return FALSE;
  }
  return TRUE;
}

gboolean cli_parse_seeds(const char *text, guint64 *first, guint64 *last, GError **error)
{
  if (!text)
    return TRUE;
  g_auto(GStrv) parts = g_strsplit(text, "-", 2);
  guint64 a = 0, b = 0;
  if (!g_ascii_string_to_unsigned(parts[0], 10, 1, G_MAXUINT64, &a, NULL) ||
      (parts[1] && !g_ascii_string_to_unsigned(parts[1], 10, 1, G_MAXUINT64, &b, NULL))) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "--seeds %s: expected N (seeds 1 to N) or FIRST-LAST, whole numbers from 1", text);
    return FALSE;
  }
  if (parts[1] && b < a) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--seeds %s: the last seed is smaller than the first", text);
    return FALSE;
  }
  guint64 f = parts[1] ? a : 1, l = parts[1] ? b : a;
  if (l - f >= 100000) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--seeds %s: at most 100000 seeds", text);
    return FALSE;
  }
  *first = f;
  *last = l;
  return TRUE;
}

/* A scenario path that cannot be run, said in the user's terms (a folder
 * is what `check` takes); NULL when it is a file. */
static char *scenario_path_problem(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR))
    return g_strdup_printf("%s is a folder; to run every scenario in it: %s check %s", path, cli_program(),
                           path);
  if (!g_file_test(path, G_FILE_TEST_EXISTS))
    return g_strdup_printf("%s: no such file", path);
  return NULL;
}

int handle_run(int argc, char **argv)
{
  g_autofree char *seed_text = NULL, *trace = NULL, *history = NULL, *csv = NULL, *window_text = NULL,
                    *service_csv = NULL, *client_csv = NULL, *history_format = NULL;
  g_auto(GStrv) sets = NULL;
  gboolean json = FALSE, explore = FALSE;
  ScenarioLimits limits = SCENARIO_LIMITS_DEFAULT;
  GOptionEntry entries[] = {
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_text, "Master random seed (default 1)", "N" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a parameter the scenario declares with params{} (repeatable)", "KEY=VALUE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the report as one JSON object on stdout", NULL },
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace, "Write every event as JSON lines to FILE", "FILE" },
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &history, "Write the client operation history as JSON lines to FILE", "FILE" },
    { "history-format", 0, 0, G_OPTION_ARG_STRING, &history_format, "json (default: JSON lines) or edn (Jepsen's history.edn, one map a line, for Jepsen's tools)", "F" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Write the availability timeline as CSV to FILE (t_start_s,t_end_s,invoked,ok,availability)", "FILE" },
    { "service-csv", 0, 0, G_OPTION_ARG_FILENAME, &service_csv, "Write every service model's figures as CSV to FILE, a row per node (see docs/capacity.md)", "FILE" },
    { "client-csv", 0, 0, G_OPTION_ARG_FILENAME, &client_csv, "Write every client's figures (ops, attempts, retries, offered load, goodput) as CSV to FILE, a row per client node (see docs/capacity.md)", "FILE" },
    { "window", 0, 0, G_OPTION_ARG_STRING, &window_text, "Availability timeline window, e.g. 500ms (default: a twentieth of the duration)", "DURATION" },
    { "explore", 0, 0, G_OPTION_ARG_NONE, &explore, "Add the random faults `faultsim explore` injects in its run with this seed (explore{} in the scenario says which), so --seed N reproduces explore's run N", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO.lua - run a scenario once");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_add_group(ctx, cli_limits_group(&limits));
  g_option_context_set_summary(ctx,
      "Runs the scenario with one seed and prints its report: messages, operations,\n"
      "availability (overall, per time window, per node uptime/MTTF/MTTR), latency\n"
      "percentiles, invariants, metrics and the verdict of its expect{}.\n"
      "See docs/metrics.md for how each number is computed.");
  g_option_context_set_description(ctx,
      "--trace, --history, --csv, --service-csv and --client-csv files are written under temporary\n"
      "names in their folders and renamed into place together only when the run\n"
      "completed and every one of them was written; otherwise existing files stay as\n"
      "they were.\n\n"
      "Exit status: 0 every expectation held (or, without expect{}, no invariant was\n"
      "violated); 1 something was violated; 2 bad usage, a bad scenario, or an output\n"
      "(a file or standard output) that could not be written.\n\n"
      "Example: faultsim run scenarios/lock_gc_pause.lua --seed 7 --set model=lock.fenced\n"
      "         faultsim run scenarios/nemesis.lua --window 1s --csv avail.csv");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim run: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  if (argc != 2) {
    fprintf(stderr, "faultsim run: give exactly one scenario file (see faultsim run --help)\n");
    return SIM_EXIT_USAGE;
  }
  guint64 seed = 1;
  g_autoptr(GHashTable) overrides = NULL;
  if (!cli_parse_seed(seed_text, &seed, &error) || !(overrides = cli_parse_sets(sets, &error))) {
    fprintf(stderr, "faultsim run: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  SimTime window = 0;
  if (window_text && (!sim_time_parse(window_text, &window, &error) || window <= 0)) {
    fprintf(stderr, "faultsim run: --window: %s\n", error ? error->message : "must be longer than 0");
    g_clear_error(&error);
    return SIM_EXIT_USAGE;
  }
  g_autofree char *problem = scenario_path_problem(argv[1]);
  if (problem) {
    fprintf(stderr, "faultsim run: %s\n", problem);
    return SIM_EXIT_USAGE;
  }
  if (history_format && strcmp(history_format, "json") != 0 && strcmp(history_format, "edn") != 0) {
    fprintf(stderr, "faultsim run: --history-format: '%s' is neither json nor edn\n", history_format);
    return SIM_EXIT_USAGE;
  }
  ScenarioOptions options = { trace, history, limits, csv, window, service_csv, client_csv, NULL,
                              history_format && strcmp(history_format, "edn") == 0, explore, NULL, NULL, FALSE, 0 };
  g_autoptr(Scenario) sc = scenario_run(argv[1], seed, overrides, &options, &error);
  if (!sc) {
    fprintf(stderr, "faultsim run: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = scenario_verdict(sc, failures);
  if (json) {
    g_autoptr(JsonNode) root = scenario_report_json(sc, failures);
    g_autofree char *text = sim_json_text(root, TRUE, NULL);
    fwrite(text, 1, strlen(text), stdout);
    fputc('\n', stdout);
  } else {
    scenario_report_text(sc, failures, stdout);
  }
  return ok ? SIM_EXIT_OK : SIM_EXIT_VIOLATION;
}
