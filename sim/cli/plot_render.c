/* Running gnuplot for `faultsim plot`: finding it and the scripts, feeding
 * it a data file, and putting the picture in place all or nothing. */
#include "sim/cli/plot.h"
#include "sim/kernel/errors.h"
#include "sim/lua/scenario_output.h"
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void plot_add_common(GOptionContext *ctx, PlotOptions *opts)
{
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opts->output,
      "Write the picture to FILE (default: INPUT-KIND.png or .svg in the current folder)", "FILE" },
    { "svg", 0, 0, G_OPTION_ARG_NONE, &opts->svg, "Draw SVG instead of PNG", NULL },
    { "title", 0, 0, G_OPTION_ARG_STRING, &opts->title, "The picture's title", "TEXT" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &opts->data, "Also write the data gnuplot drew to FILE", "FILE" },
    { NULL },
  };
  g_option_context_add_main_entries(ctx, entries, NULL);
}

void plot_options_clear(PlotOptions *opts)
{
  g_clear_pointer(&opts->output, g_free);
  g_clear_pointer(&opts->title, g_free);
  g_clear_pointer(&opts->data, g_free);
}

char *plot_scripts_dir(const char *script, GError **error)
{
  const char *env = g_getenv("FAULTSIM_PLOTS");
  if (env && *env) {
    g_autofree char *path = g_build_filename(env, script, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
      return g_strdup(env);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "FAULTSIM_PLOTS=%s has no %s", env, script);
    return NULL;
  }
  g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
  g_autofree char *bin = self ? g_path_get_dirname(self) : g_strdup(".");
  const char *const relative[] = { "../plots", "../../plots", "../share/faultsim/plots", NULL };
  for (guint i = 0; relative[i]; i++) {
    g_autofree char *dir = g_build_filename(bin, relative[i], NULL);
    g_autofree char *path = g_build_filename(dir, script, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
      return g_steal_pointer(&dir);
  }
  g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
              "cannot find the gnuplot script %s (looked in plots/ beside %s and in ../share/faultsim/plots); "
              "set FAULTSIM_PLOTS to the folder that has it", script, bin);
  return NULL;
}

void plot_word_append(GString *list, const char *text)
{
  if (list->len)
    g_string_append_c(list, ' ');
  g_string_append_c(list, '\'');
  for (const char *p = text; *p; p++) {
    if (*p == '\'')
      g_string_append(list, "\u2019");
    else
      g_string_append_c(list, *p);
  }
  g_string_append_c(list, '\'');
}

void plot_number(GString *s, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (isnan(x) || isinf(x))
    g_string_append(s, "nan");
  else
    g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.9g", x));
}

double plot_percentile(const double *sorted, guint n, double q)
{
  if (n == 0)
    return NAN;
  double rank = ceil(q * n);
  guint i = rank < 1 ? 0 : (guint) rank - 1;
  return sorted[MIN(i, n - 1)];
}

/* gnuplot's notes that say nothing wrong happened: a series with no points
 * (an empty band block) is expected. */
static gboolean harmless(const char *line)
{
  return strstr(line, "Skipping data file with no valid points") != NULL ||
         strstr(line, "empty y range") != NULL || strstr(line, "empty x range") != NULL ||
         strstr(line, "No data in plot") != NULL;
}

/* Removes the temporary folder and what plot_render put in it. */
static void remove_tmp(const char *dir)
{
  if (!dir)
    return;
  const char *const names[] = { "data.tsv", "plot.png", "plot.svg", NULL };
  for (guint i = 0; names[i]; i++) {
    g_autofree char *p = g_build_filename(dir, names[i], NULL);
    g_unlink(p);
  }
  g_rmdir(dir);
}

/* The default picture: INPUT's name without folder and extension, "-KIND". */
static char *default_output(const char *input, const char *kind, gboolean svg)
{
  g_autofree char *base = g_path_get_basename(input);
  char *dot = strrchr(base, '.');
  if (dot && dot != base)
    *dot = '\0';
  return g_strdup_printf("%s-%s.%s", base, kind, svg ? "svg" : "png");
}

gboolean plot_render(const char *kind, const char *script, const char *input, const GString *data,
                     const PlotOptions *opts, const char *const *args, GError **error)
{
  g_autofree char *gnuplot = g_find_program_in_path("gnuplot");
  if (!gnuplot) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "gnuplot is not installed (no gnuplot on PATH): install the Debian package gnuplot-nox "
                "(sudo apt-get install gnuplot-nox, or `make deps`)");
    return FALSE;
  }
  g_autofree char *dir = plot_scripts_dir(script, error);
  if (!dir)
    return FALSE;
  g_autofree char *output = opts->output ? g_strdup(opts->output) : default_output(input, kind, opts->svg);
  g_autoptr(OutputSet) outputs = output_set_new();
  FILE *out_file = NULL, *data_file = NULL;
  output_set_protect(outputs, input);
  if (!output_set_add(outputs, "--output", output, &out_file, error) ||
      !output_set_add(outputs, "--data", opts->data, &data_file, error))
    return FALSE;

  g_autofree char *tmp = g_dir_make_tmp("faultsim-plot-XXXXXX", error);
  if (!tmp)
    return FALSE;
  g_autofree char *data_path = g_build_filename(tmp, "data.tsv", NULL);
  g_autofree char *picture = g_build_filename(tmp, opts->svg ? "plot.svg" : "plot.png", NULL);
  g_autofree char *script_path = g_build_filename(dir, script, NULL);
  g_autofree char *drawn = NULL;
  gsize drawn_len = 0;
  gboolean ok = g_file_set_contents(data_path, data->str, (gssize) data->len, error);
  if (ok) {
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, gnuplot);
    g_ptr_array_add(argv, (char *) "-c");
    g_ptr_array_add(argv, script_path);
    g_ptr_array_add(argv, data_path);
    g_ptr_array_add(argv, picture);
    for (guint i = 0; args && args[i]; i++)
      g_ptr_array_add(argv, (char *) args[i]);
    g_ptr_array_add(argv, NULL);
    g_autofree char *err_text = NULL;
    gint status = 0;
    ok = g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                      &err_text, &status, error);
    g_autoptr(GString) shown = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(err_text ? err_text : "", "\n", -1);
    for (guint i = 0; lines[i]; i++)
      if (*lines[i] && !harmless(lines[i]))
        g_string_append_printf(shown, "%s\n", lines[i]);
    GError *exit_error = NULL;
    if (ok && !g_spawn_check_wait_status(status, &exit_error)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "gnuplot -c %s failed (%s)%s%s", script_path,
                  exit_error->message, shown->len ? ":\n" : "", shown->str);
      g_error_free(exit_error);
      ok = FALSE;
    } else if (ok) {
      fputs(shown->str, stderr);
      ok = g_file_get_contents(picture, &drawn, &drawn_len, NULL) && drawn_len > 0;
      if (!ok)
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "gnuplot -c %s drew nothing", script_path);
    }
  }
  remove_tmp(tmp);
  if (!ok)
    return FALSE;
  fwrite(drawn, 1, drawn_len, out_file);
  if (data_file)
    fwrite(data->str, 1, data->len, data_file);
  if (!output_set_commit(outputs, error))
    return FALSE;
  printf("%s\n", output);
  return TRUE;
}
