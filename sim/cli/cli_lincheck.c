/* `faultsim lincheck`: checks a history file (faultsim JSON, Jepsen EDN or
 * Jepsen log) for linearizability against a model and prints the verdict.
 * Exit codes: 0 linearizable, 1 not, 2 bad usage or input, 3 undecided. */
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include "sim/check/history_read.h"
#include "sim/check/lincheck.h"
#include "sim/kernel/time.h"
#include <stdio.h>
#include <string.h>

/* Prints the list of models to `out`. */
static void lincheck_list_models(FILE *out)
{
  guint n = 0;
  const LincheckModel *models = lincheck_models(&n);
  fprintf(out, "models:\n");
  for (guint k = 0; k < n; k++)
    fprintf(out, "  %-13s %s\n", models[k].name, models[k].summary);
}

/* Parses options, reads FILE, runs the check; returns the exit code. */
int handle_lincheck(int argc, char **argv)
{
  g_autofree char *model_name = NULL, *format_name = NULL, *timeout_text = NULL;
  gint64 max_steps = 0;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name,
      "register, cas-register, kv, mutex or set", "M" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      "json, edn or jepsen-log (default: detect from the first line)", "F" },
    { "timeout", 't', 0, G_OPTION_ARG_STRING, &timeout_text,
      "give up after this much wall-clock time (\"10s\", \"0.5\"), verdict unknown", "SECONDS" },
    { "max-steps", 0, 0, G_OPTION_ARG_INT64, &max_steps,
      "give up after N model steps (deterministic), verdict unknown", "N" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FILE - check a history for linearizability");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim lincheck: %s\n", error->message);
    return SIM_EXIT_USAGE;
  }
  if (argc != 2 || !model_name) {
    fprintf(stderr, "Usage: faultsim lincheck --model M [--format F] [--timeout SECONDS] "
                    "[--max-steps N] FILE\n");
    lincheck_list_models(stderr);
    return SIM_EXIT_USAGE;
  }
  const LincheckModel *model = lincheck_model_lookup(model_name);
  if (!model) {
    fprintf(stderr, "faultsim lincheck: unknown model '%s'\n", model_name);
    lincheck_list_models(stderr);
    return SIM_EXIT_USAGE;
  }
  HistoryFormat format = HISTORY_FORMAT_AUTO;
  if (format_name && !history_format_parse(format_name, &format, &error)) {
    fprintf(stderr, "faultsim lincheck: %s\n", error->message);
    return SIM_EXIT_USAGE;
  }
  LincheckLimits limits = { 0, 0 };
  if (max_steps < 0) {
    fprintf(stderr, "faultsim lincheck: --max-steps must not be negative\n");
    return SIM_EXIT_USAGE;
  }
  limits.max_steps = (guint64) max_steps;
  if (timeout_text) {
    SimTime t = 0;
    if (!sim_time_parse(timeout_text, &t, &error) || t <= 0) {
      fprintf(stderr, "faultsim lincheck: --timeout: %s\n",
              error ? error->message : "must be positive");
      return SIM_EXIT_USAGE;
    }
    limits.timeout_us = MAX(t / SIM_US, 1);
  }
  g_autoptr(GPtrArray) ops = history_read_file(argv[1], format, &error);
  if (!ops) {
    fprintf(stderr, "%s\n", error->message);
    return SIM_EXIT_USAGE;
  }
  LincheckResult result;
  if (!lincheck_check(model, ops, &limits, &result, &error)) {
    fprintf(stderr, "%s\n", error->message);
    return SIM_EXIT_USAGE;
  }
  g_autofree char *text = lincheck_result_format(&result);
  fwrite(text, 1, strlen(text), stdout);
  int code = result.verdict == LINCHECK_OK ? SIM_EXIT_OK
           : result.verdict == LINCHECK_VIOLATION ? SIM_EXIT_VIOLATION : SIM_EXIT_UNKNOWN;
  lincheck_result_clear(&result);
  return code;
}
