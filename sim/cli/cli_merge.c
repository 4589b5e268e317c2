/* `faultsim merge OUT1.jsonl OUT2.jsonl ...`: the summary of a sweep whose
 * runs were spread over shards (sweep --shard I/N --out FILE, on one
 * machine or many). The runs are put back in sweep order and summed
 * exactly as `sweep` sums them, so the table and CSV equal those of the
 * unsharded sweep. */
#include "sim/cli/cli.h"
#include "sim/cli/sweep_analytic.h"
#include "sim/cli/sweep_out.h"
#include "sim/kernel/errors.h"
#include <stdio.h>
#include <string.h>

static int cmp_runs(gconstpointer a, gconstpointer b)
{
  const SweepRun *x = *(SweepRun *const *) a, *y = *(SweepRun *const *) b;
  if (x->point != y->point)
    return x->point < y->point ? -1 : 1;
  return x->seed < y->seed ? -1 : x->seed > y->seed;
}

/* Appends the runs of `file` to `runs`; an unfinished last line (a killed
 * shard) is an error: resume that shard first. */
static gboolean read_file(const char *file, GPtrArray *runs, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(file, &text, &len, error))
    return FALSE;
  if (len && text[len - 1] != '\n') {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: the last line is unfinished (a killed sweep?); finish it with sweep --resume first", file);
    return FALSE;
  }
  guint line = 0;
  for (char *p = text, *nl; p < text + len; p = nl + 1) {
    nl = memchr(p, '\n', (gsize) (text + len - p));
    line++;
    if (nl == p)
      continue;
    g_autofree char *where = g_strdup_printf("%s:%u", file, line);
    SweepRun *run = sweep_run_from_json(p, (gsize) (nl - p), where, error);
    if (!run)
      return FALSE;
    g_ptr_array_add(runs, run);
  }
  return TRUE;
}

int handle_merge(int argc, char **argv)
{
  g_autofree char *csv = NULL;
  g_auto(GStrv) metrics = NULL;
  GOptionEntry entries[] = {
    { "metric", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &metrics, "Show this metric in the table (repeatable; the CSV has every metric)", "NAME" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Write the summary as CSV to FILE", "FILE" },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("OUT.jsonl... - the summary of a sweep run in shards");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(ctx,
      "Reads the --out files of `faultsim sweep --shard I/N` (or any split of one\n"
      "sweep's runs) and prints the summary, and with --csv writes the CSV, that the\n"
      "sweep run in one piece gives: the same table, the same numbers.");
  g_option_context_set_description(ctx,
      "Every run must belong to the same sweep (scenario, --param names, --set\n"
      "values), each at most once.\n\n"
      "Example: faultsim sweep s.lua --param p=1,2 --seeds 100 --shard 1/2 --out a.jsonl\n"
      "         faultsim sweep s.lua --param p=1,2 --seeds 100 --shard 2/2 --out b.jsonl\n"
      "         faultsim merge a.jsonl b.jsonl --csv p.csv\n"
      "Exit status: 0 every run ran; 2 bad usage or input, a run that could not run,\n"
      "a --metric no run reported, or an output that could not be written.");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim merge: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  if (argc < 2) {
    fprintf(stderr, "faultsim merge: give the sweep's --out files (see faultsim merge --help)\n");
    return SIM_EXIT_USAGE;
  }
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func((GDestroyNotify) sweep_run_free);
  g_autoptr(OutputSet) outputs = output_set_new();
  FILE *csv_file = NULL;
  for (int i = 1; i < argc; i++)
    output_set_protect(outputs, argv[i]);
  gboolean ok = output_set_add(outputs, "--csv", csv, &csv_file, &error);
  for (int i = 1; ok && i < argc; i++)
    ok = read_file(argv[i], runs, &error);
  if (ok && runs->len == 0) {
    g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "no runs in the files");
    ok = FALSE;
  }
  g_ptr_array_sort(runs, cmp_runs);
  g_autoptr(SweepSummary) summary = sweep_summary_new();
  for (guint i = 0; ok && i < runs->len; i++) {
    const SweepRun *run = runs->pdata[i];
    g_autofree char *where = g_strdup_printf("point %" G_GUINT64_FORMAT " seed %" G_GUINT64_FORMAT, run->point,
                                             run->seed);
    ok = sweep_summary_add(summary, run, where, &error);
  }
  if (!ok) {
    fprintf(stderr, "faultsim merge: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  /* Beside the scenario's analytic{} formulas when its file is here too
   * (shards run elsewhere may name a path this machine does not have). */
  const SweepRun *first = runs->pdata[0];
  g_autoptr(GHashTable) fixed = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i + 1 < first->sets->len; i += 2)
    g_hash_table_insert(fixed, first->sets->pdata[i], first->sets->pdata[i + 1]);
  g_autoptr(SweepAnalytic) analytic = NULL;
  if (g_file_test(first->scenario, G_FILE_TEST_IS_REGULAR)) {
    analytic = sweep_analytic_new(first->scenario, fixed);
    sweep_summary_set_analytic(summary, sweep_analytic_predict, analytic);
  }
  return sweep_finish(summary, metrics, csv_file, outputs, "merge");
}
