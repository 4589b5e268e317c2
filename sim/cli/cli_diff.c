/* `faultsim diff TRACE_A TRACE_B`: the first event where two traces
 * differ, with a few events of context (trace_diff.h). */
#include "sim/cli/cli.h"
#include "sim/cli/trace_diff.h"
#include "sim/kernel/errors.h"
#include "sim/lua/fault_schedule.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void print_lines(const GPtrArray *lines, guint64 first, const char *mark)
{
  for (guint i = 0; i < lines->len; i++)
    printf("  %s %8" G_GUINT64_FORMAT "  %s\n", i == 0 ? mark : " ", first + i, (const char *) g_ptr_array_index(lines, i));
}

int handle_diff(int argc, char **argv)
{
  gint context = 3;
  GOptionEntry entries[] = {
    { "context", 'C', 0, G_OPTION_ARG_INT, &context, "Events shown before and after the first difference (default 3)", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("TRACE_A TRACE_B - the first event where two traces differ");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(ctx,
      "Compares two --trace files of `faultsim run` event by event and prints the\n"
      "first event where they differ, with the events just before it (the same in\n"
      "both) and the next few of each. Same binary, scenario, parameters and seed\n"
      "give identical traces, so the first difference is where a change took effect.");
  g_option_context_set_description(ctx,
      "Exit status: 0 the traces are identical; 1 they differ; 2 bad usage or a file\n"
      "that cannot be read.\n\n"
      "Example: faultsim run s.lua --seed 7 --trace a.jsonl\n"
      "         faultsim run s.lua --seed 7 --set model=lock.fenced --trace b.jsonl\n"
      "         faultsim diff a.jsonl b.jsonl");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim diff: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  if (argc != 3) {
    fprintf(stderr, "faultsim diff: give exactly two trace files (see faultsim diff --help)\n");
    return SIM_EXIT_USAGE;
  }
  if (context < 0 || context > 1000) {
    fprintf(stderr, "faultsim diff: --context %d: expected 0 to 1000\n", context);
    return SIM_EXIT_USAGE;
  }
  FILE *files[2] = { NULL, NULL };
  for (int i = 0; i < 2; i++) {
    if (g_file_test(argv[1 + i], G_FILE_TEST_IS_DIR) || !(files[i] = fopen(argv[1 + i], "r"))) {
      fprintf(stderr, "faultsim diff: %s: %s\n", argv[1 + i],
              g_file_test(argv[1 + i], G_FILE_TEST_IS_DIR) ? "is a folder" : g_strerror(errno));
      if (files[0])
        fclose(files[0]);
      return SIM_EXIT_USAGE;
    }
  }
  TraceDiff d;
  gboolean ok = trace_diff(files[0], files[1], (guint) context, &d, &error);
  fclose(files[0]);
  fclose(files[1]);
  if (!ok) {
    fprintf(stderr, "faultsim diff: %s\n", error->message);
    g_error_free(error);
    trace_diff_clear(&d);
    return SIM_EXIT_USAGE;
  }
  if (!d.differ) {
    printf("identical: %" G_GUINT64_FORMAT " events\n", d.a_events);
    trace_diff_clear(&d);
    return SIM_EXIT_OK;
  }
  const char *first = d.a->len ? g_ptr_array_index(d.a, 0) : g_ptr_array_index(d.b, 0);
  gint64 t = trace_line_time(first);
  g_autofree char *when = t >= 0 ? fault_duration_text(t) : g_strdup("?");
  printf("first difference at event %" G_GUINT64_FORMAT " (t = %s)\n", d.index, when);
  if (d.before->len) {
    printf("same in both:\n");
    print_lines(d.before, d.index - d.before->len, " ");
  }
  for (int i = 0; i < 2; i++) {
    const GPtrArray *lines = i ? d.b : d.a;
    printf("%s %s:\n", i ? "B" : "A", argv[1 + i]);
    if (lines->len)
      print_lines(lines, d.index, ">");
    else
      printf("  (ends after %" G_GUINT64_FORMAT " events)\n", d.index - 1);
  }
  trace_diff_clear(&d);
  return SIM_EXIT_VIOLATION;
}
