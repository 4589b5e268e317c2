/* `faultsim lincheck`: checks a history file (faultsim JSON, Jepsen EDN or
 * Jepsen log) for linearizability against a model and prints the verdict.
 * Exit codes: 0 linearizable, 1 not, 2 bad usage or input, 3 undecided. */
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include "sim/check/history_read.h"
#include "sim/check/lincheck.h"
#include "sim/check/edn_reader.h"
#include "sim/check/lincheck_out.h"
#include "sim/kernel/time.h"
#include <stdio.h>
#include <string.h>

#define LINCHECK_USAGE "Usage: faultsim lincheck --model M [--initial VALUE] [--format F] [--max-steps N] " \
                       "[--max-memory SIZE] [--timeout SECONDS] [--json] [--svg FILE] [--linearization] FILE\n"

/* Appends the list of models, one a line, to `out`. */
static void lincheck_append_models(GString *out)
{
  guint n = 0;
  const LincheckModel *models = lincheck_models(&n);
  for (guint k = 0; k < n; k++)
    g_string_append_printf(out, "  %-16s %s\n", models[k].name, models[k].summary);
}

/* Prints "faultsim lincheck: MESSAGE", the usage line and the models to
 * stderr; returns the usage exit code. */
static int lincheck_usage_error(const char *message)
{
  g_autoptr(GString) s = g_string_new(NULL);
  g_string_append_printf(s, "faultsim lincheck: %s\n" LINCHECK_USAGE "models:\n", message);
  lincheck_append_models(s);
  fputs(s->str, stderr);
  return SIM_EXIT_USAGE;
}

/* The text after the options in --help: formats, models, exit codes, examples. */
static char *lincheck_help_text(void)
{
  g_autoptr(GString) s = g_string_new(
      "FILE holds a history in one of three formats (detected from its first\n"
      "bytes, or forced with --format):\n"
      "  json        faultsim's --history files, one object a line:\n"
      "              {\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"value\":[1,4]}\n"
      "              optional: \"key\", \"index\", \"time\", and \"op\", an operation id\n"
      "              shared by an invocation and its completion\n"
      "  edn         Jepsen's and Knossos's history.edn: a vector or list of maps,\n"
      "              or maps one after another, over any number of lines, with\n"
      "              ; comments and any EDN value (other keys are ignored):\n"
      "              [{:process 1, :type :invoke, :f :cas, :value [1 4]} ...]\n"
      "  jepsen-log  Jepsen's console log, fields separated by tabs or spaces:\n"
      "              INFO  jepsen.util - 1  :invoke  :cas  [1 4]\n"
      "Types are invoke, ok, fail (did not happen) and info (unknown outcome:\n"
      "may have happened at any time after its invocation, or never); an\n"
      "invocation never completed counts as info. Operations of the nemesis\n"
      "are skipped. Without op ids a process may have only one pending\n"
      "operation; with them, any number.\n"
      "\n"
      "Models (--model):\n");
  lincheck_append_models(s);
  g_string_append(
      s,
      "\n"
      "Ops with a key (\"key\", :key) are checked key by key, in rounds: every\n"
      "undecided key gets a step allowance that doubles each round, and the\n"
      "first violated key ends the search.\n"
      "\n"
      "Exit status:\n"
      "  0  linearizable\n"
      "  1  not linearizable: the operation that cannot be placed, the ops\n"
      "     concurrent with it and the model states reached are printed\n"
      "  2  bad usage or malformed input (FILE:LINE:COLUMN: message on stderr)\n"
      "  3  undecided: --max-steps, --max-memory or --timeout ran out first\n"
      "\n"
      "Examples:\n"
      "  faultsim lincheck --model cas-register tests/data/lincheck/cas_bad.edn\n"
      "  faultsim lincheck --model kv --max-steps 10000000 history.jsonl\n"
      "  faultsim lincheck --model register --format jepsen-log --timeout 60s jepsen.log\n");
  return g_string_free(g_steal_pointer(&s), FALSE);
}

/* Parses a memory size: a number of MiB, or a number with a K, M or G
 * suffix (optionally followed by "iB" or "B"), powers of 1024. FALSE with an
 * error for anything else, zero, or more than 2^62 bytes. */
static gboolean lincheck_parse_size(const char *text, guint64 *out, GError **error)
{
  char *end = NULL;
  guint64 n = g_ascii_strtoull(text, &end, 10);
  guint shift = 20;
  if (end != text && *end) {
    switch (g_ascii_toupper(*end)) {
    case 'K': shift = 10; break;
    case 'M': shift = 20; break;
    case 'G': shift = 30; break;
    default: shift = 0; break;
    }
    if (shift) {
      end++;
      if (g_ascii_strcasecmp(end, "iB") == 0 || g_ascii_strcasecmp(end, "B") == 0)
        end += strlen(end);
    }
  }
  if (end == text || *end || shift == 0 || n == 0 || n > (G_GUINT64_CONSTANT(1) << (62 - shift))) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "--max-memory: '%s' is not a size like 512M, 4G or 2048 (MiB)", text);
    return FALSE;
  }
  *out = n << shift;
  return TRUE;
}

/* Parses options, reads FILE, runs the check; returns the exit code. */
int handle_lincheck(int argc, char **argv)
{
  g_autofree char *model_name = NULL, *format_name = NULL, *timeout_text = NULL, *memory_text = NULL;
  g_autofree char *initial_text = NULL, *svg_path = NULL;
  gboolean json = FALSE, linearization = FALSE;
  gint64 max_steps = 0;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name,
      "the sequential model (required): register, cas-register, kv, mutex, set, multi-register, "
      "fifo-queue or unordered-queue", "M" },
    { "initial", 'i', 0, G_OPTION_ARG_STRING, &initial_text,
      "the model's initial value, in EDN (default nil, empty): 0, \"\", {:x 0 :y 0} (multi-register, "
      "or one value per key), [1 2] (a queue, oldest first)", "VALUE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      "json, edn or jepsen-log (default: detect from the first line)", "F" },
    { "max-steps", 0, 0, G_OPTION_ARG_INT64, &max_steps,
      "give up after N model steps, all keys together (deterministic): exit 3", "N" },
    { "max-memory", 0, 0, G_OPTION_ARG_STRING, &memory_text,
      "give up when the search holds more than SIZE (512M, 4G; default half the RAM): exit 3", "SIZE" },
    { "timeout", 't', 0, G_OPTION_ARG_STRING, &timeout_text,
      "give up after this much wall-clock time (\"10s\", \"0.5\"): exit 3", "SECONDS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "print the verdict as one JSON object (valid, the op, concurrent ops, states, window, steps)", NULL },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg_path,
      "on a violation, write a picture of the failing window to FILE (SVG)", "FILE" },
    { "linearization", 0, 0, G_OPTION_ARG_NONE, &linearization,
      "when linearizable, print one valid order of the operations", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FILE");
  g_option_context_set_summary(ctx, "Decides whether the history of concurrent operations in FILE is "
                                    "linearizable:\nwhether each operation can be given one instant between "
                                    "its invocation and its\ncompletion so that, in that order, the model "
                                    "produces the results observed.");
  g_autofree char *help = lincheck_help_text();
  g_option_context_set_description(ctx, help);
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return lincheck_usage_error(error->message);
  if (!model_name)
    return lincheck_usage_error("--model is missing: which sequential model should the history follow?");
  const LincheckModel *model = lincheck_model_lookup(model_name);
  if (!model) {
    g_autofree char *msg = g_strdup_printf("unknown model '%s'", model_name);
    return lincheck_usage_error(msg);
  }
  if (argc != 2)
    return lincheck_usage_error(argc < 2 ? "no history FILE given" : "expected exactly one FILE");
  HistoryFormat format = HISTORY_FORMAT_AUTO;
  if (format_name && !history_format_parse(format_name, &format, &error))
    return lincheck_usage_error(error->message);
  LincheckLimits limits = { 0, 0, lincheck_default_max_memory() };
  if (max_steps < 0)
    return lincheck_usage_error("--max-steps must not be negative");
  limits.max_steps = (guint64) max_steps;
  if (memory_text && !lincheck_parse_size(memory_text, &limits.max_memory, &error))
    return lincheck_usage_error(error->message);
  if (timeout_text) {
    SimTime t = 0;
    if (!sim_time_parse(timeout_text, &t, &error) || t <= 0) {
      g_autofree char *msg = g_strdup_printf("--timeout: %s", error ? error->message : "must be positive");
      return lincheck_usage_error(msg);
    }
    limits.timeout_us = MAX(t / SIM_US, 1);
  }
  g_autoptr(HistoryValue) initial = NULL;
  if (initial_text) {
    if (!model->initial) {
      g_autofree char *msg = g_strdup_printf("--initial: model %s takes no initial value", model->name);
      return lincheck_usage_error(msg);
    }
    initial = edn_parse_string("--initial", initial_text, &error);
    if (!initial)
      return lincheck_usage_error(error->message);
  }
  g_autoptr(GPtrArray) ops = history_read_file(argv[1], format, &error);
  if (!ops) {
    fprintf(stderr, "%s\n", error->message);
    return SIM_EXIT_USAGE;
  }
  LincheckResult result;
  gint64 t0 = g_get_monotonic_time(); /* wallclock-ok: reported as the check's time, never decides */
  LincheckOptions options = { initial, linearization };
  if (!lincheck_check_from(model, ops, &options, &limits, &result, &error)) {
    fprintf(stderr, "%s\n", error->message);
    return SIM_EXIT_USAGE;
  }
  double seconds = (double) (g_get_monotonic_time() - t0) / 1e6; /* wallclock-ok: as above */
  if (svg_path && result.verdict == LINCHECK_VIOLATION) {
    g_autofree char *svg = lincheck_result_svg(&result, argv[1]);
    if (!g_file_set_contents(svg_path, svg, -1, &error)) {
      fprintf(stderr, "faultsim lincheck: --svg: %s\n", error->message);
      lincheck_result_clear(&result);
      return SIM_EXIT_USAGE;
    }
  } else if (svg_path) {
    fprintf(stderr, "faultsim lincheck: no violation, so no picture: %s not written\n", svg_path);
  }
  /* The verdict first: freeing a large search takes time a --timeout
   * user should not wait for. */
  g_autofree char *text = json ? lincheck_result_json(&result, model->name, argv[1], seconds)
                               : lincheck_result_format(&result);
  fwrite(text, 1, strlen(text), stdout);
  if (!json && result.linearization)
    printf("one valid order:\n");
  for (guint k = 0; !json && result.linearization && k < result.linearization->len; k++)
    printf("  %u. %s\n", k + 1, (char *) g_ptr_array_index(result.linearization, k));
  fflush(stdout);
  int code = result.verdict == LINCHECK_OK ? SIM_EXIT_OK
           : result.verdict == LINCHECK_VIOLATION ? SIM_EXIT_VIOLATION : SIM_EXIT_UNKNOWN;
  lincheck_result_clear(&result);
  return code;
}
