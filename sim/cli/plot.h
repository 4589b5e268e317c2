/* `faultsim plot KIND ...`: pictures drawn by gnuplot from faultsim's own
 * outputs. Each kind (plot_curve.c, plot_timeline.c, plot_latency.c,
 * plot_load.c, plot_spacetime.c) reads its input, writes gnuplot data
 * blocks and hands them to one script in plots/ through plot_render
 * (plot_render.c), which runs gnuplot and puts the picture in place all or
 * nothing. */
#pragma once
#include <glib.h>

/* What every kind accepts: the output, its format, a title, and a file
 * to keep the data gnuplot drew (for tests and other tools). */
typedef struct {
  char *output; /* -o FILE; NULL: <input stem>-<kind>.png|.svg here */
  gboolean svg; /* --svg: SVG instead of PNG */
  char *title;  /* --title; NULL: the kind's default */
  char *data;   /* --data FILE, or NULL */
} PlotOptions;

/* Adds -o, --svg, --title and --data to `ctx`, filling `opts`. */
void plot_add_common(GOptionContext *ctx, PlotOptions *opts);
void plot_options_clear(PlotOptions *opts);

/* Runs plots/SCRIPT as `gnuplot -c SCRIPT DATA OUT ARGS...`, with `data`
 * written to a temporary file, OUT a temporary picture whose extension
 * (.png or .svg) tells the script its terminal. On success writes the
 * picture to opts->output (or the default named from `input` and `kind`),
 * and the data to opts->data when given, each all or nothing, and prints
 * the picture's path on stdout. FALSE with `error` when gnuplot is
 * missing (naming the Debian package gnuplot-nox), when the scripts
 * cannot be found (set FAULTSIM_PLOTS), when gnuplot fails or draws
 * nothing, or when an output cannot be written; nothing is written then.
 * `args` is NULL-terminated. */
gboolean plot_render(const char *kind, const char *script, const char *input, const GString *data,
                     const PlotOptions *opts, const char *const *args, GError **error);

/* The folder of the gnuplot scripts: $FAULTSIM_PLOTS, else plots/ beside
 * the source tree the binary was built in (../plots or ../../plots from
 * build/faultsim or build/san/faultsim), else ../share/faultsim/plots
 * from an installed binary. NULL with `error` when none has the script. */
char *plot_scripts_dir(const char *script, GError **error);

/* `text` as one word of a gnuplot word list: single-quoted, with any
 * single quote in it made a typographic one. Appended to `list` with a
 * space before it when `list` is not empty. */
void plot_word_append(GString *list, const char *text);

/* `x` for a data file: "nan" for a missing value, else %.9g. */
void plot_number(GString *s, double x);

/* Percentile `q` (0..1) of the `n` sorted values: the nearest rank. */
double plot_percentile(const double *sorted, guint n, double q);

int plot_curve(int argc, char **argv);
int plot_timeline(int argc, char **argv);
int plot_latency(int argc, char **argv);
int plot_load(int argc, char **argv);
int plot_spacetime(int argc, char **argv);
