/* `faultsim plot spacetime TRACE.jsonl --from S --to S`: the space-time
 * (message sequence) diagram of a window of a run, drawn by
 * plots/spacetime.gp from the data `faultsim spacetime` writes (this
 * command runs it, as a child process of the same binary, with the same
 * window options). */
#include "sim/cli/plot.h"
#include "sim/kernel/errors.h"
#include <stdio.h>
#include <string.h>

/* Runs `faultsim spacetime` with `args` (NULL-terminated, after the
 * command) and returns its standard output; NULL with `error` carrying
 * its message when it fails. */
static GString *spacetime_data(GPtrArray *args, GError **error)
{
  g_autofree char *self = g_file_read_link("/proc/self/exe", error);
  if (!self)
    return NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, self);
  g_ptr_array_add(argv, (char *) "spacetime");
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add(argv, args->pdata[i]);
  g_ptr_array_add(argv, NULL);
  g_autofree char *out = NULL, *err = NULL;
  gint status = 0;
  if (!g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, error))
    return NULL;
  if (!g_spawn_check_wait_status(status, NULL)) {
    g_strchomp(err);
    const char *msg = g_str_has_prefix(err, "faultsim spacetime: ") ? err + strlen("faultsim spacetime: ") : err;
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s", msg);
    return NULL;
  }
  return g_string_new(out);
}

int plot_spacetime(int argc, char **argv)
{
  PlotOptions opts = { 0 };
  g_autofree char *from = NULL, *to = NULL, *limit = NULL;
  g_auto(GStrv) values = NULL;
  gboolean linear = FALSE;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "Start of the window in seconds (default 0)", "S" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "End of the window in seconds (default: the end)", "S" },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit, "At most this many arrows, and as many marks (default 400)", "N" },
    { "values", 0, 0, G_OPTION_ARG_STRING_ARRAY, &values, "Name a field's values in labels (repeatable)",
      "FIELD=V:WORD,..." },
    { "linear", 0, 0, G_OPTION_ARG_NONE, &linear, "Draw all of the time to scale (default: idle stretches shorter)",
      NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("TRACE.jsonl - a message sequence diagram of a window");
  g_option_context_add_main_entries(ctx, entries, NULL);
  plot_add_common(ctx, &opts);
  g_option_context_set_summary(ctx,
      "Draws the space-time diagram of a window of a run from its --trace file: a column\n"
      "per node, time running down, an arrow per delivered message, a cross at the sender\n"
      "for a lost one, marks for faults and protocol events (see faultsim spacetime --help;\n"
      "keep the window short: a few hundred messages read well).");
  g_option_context_set_description(ctx,
      "Example:\n  faultsim run scenarios/triggers.lua --trace t.jsonl\n"
      "  faultsim plot spacetime t.jsonl --from 0.9 --to 1.2 -o triggers.png\n");
  GError *error = NULL;
  int status = SIM_EXIT_USAGE;
  if (g_option_context_parse(ctx, &argc, &argv, &error)) {
    if (argc != 2) {
      g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "give one --trace file (see --help)");
    } else {
      g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
      g_ptr_array_add(args, g_strdup(argv[1]));
      const char *flags[] = { "--from", from, "--to", to, "--limit", limit };
      for (guint i = 0; i < G_N_ELEMENTS(flags); i += 2)
        if (flags[i + 1]) {
          g_ptr_array_add(args, g_strdup(flags[i]));
          g_ptr_array_add(args, g_strdup(flags[i + 1]));
        }
      for (guint i = 0; values && values[i]; i++) {
        g_ptr_array_add(args, g_strdup("--values"));
        g_ptr_array_add(args, g_strdup(values[i]));
      }
      if (linear)
        g_ptr_array_add(args, g_strdup("--linear"));
      g_autoptr(GString) data = spacetime_data(args, &error);
      g_autofree char *title = opts.title ? g_strdup(opts.title)
                                          : g_strdup_printf("%s from %s s to %s s", argv[1], from ? from : "0",
                                                            to ? to : "the end");
      const char *gp_args[] = { title, NULL };
      if (data && plot_render("spacetime", "spacetime.gp", argv[1], data, &opts, gp_args, &error))
        status = SIM_EXIT_OK;
    }
  }
  if (error) {
    fprintf(stderr, "faultsim plot spacetime: %s\n", error->message);
    g_error_free(error);
  }
  plot_options_clear(&opts);
  return status;
}
