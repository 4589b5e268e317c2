/* `faultsim plot latency HISTORY.jsonl`: the latency of ok operations per
 * operation kind (the history's `f`), read from a run's --history file:
 * its CDF (left, log scale) and its median and 99th percentile per window
 * of invocation time (right). An operation's latency is from its invoke
 * to its ok, paired by the `op` id; failed and unfinished operations have
 * none (the timeline shows them).
 *
 * Data for plots/latency.gp, per kind two tab-separated blocks:
 *   the CDF:        latency_ms  fraction      (latencies floored at 1 µs,
 *                                             so the log axis has them)
 *   over time:      t_mid_s  p50_ms  p99_ms   (windows with an ok op) */
#include "sim/cli/plot.h"
#include "sim/cli/plot_trace.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  SimTime invoked;
  double ms;
} Sample;

typedef struct {
  GHashTable *open;  /* op id → SimTime* of its invoke */
  GHashTable *open_f; /* op id → f of its invoke (owned) */
  GHashTable *by_f;  /* f → GArray of Sample */
  SimTime tmax;
} Latencies;

static gboolean read_op(JsonObject *o, void *data, GError **error)
{
  Latencies *l = data;
  gint64 t, op;
  const char *type = plot_member_string(o, "type"), *f = plot_member_string(o, "f");
  if (!plot_member_int(o, "time", &t, error) || !plot_member_int(o, "op", &op, error))
    return FALSE;
  if (!type || !f) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "no string 'type' or 'f': not a faultsim --history line");
    return FALSE;
  }
  l->tmax = MAX(l->tmax, t);
  if (strcmp(type, "invoke") == 0) {
    g_hash_table_replace(l->open, g_memdup2(&op, sizeof op), g_memdup2(&t, sizeof t));
    g_hash_table_replace(l->open_f, g_memdup2(&op, sizeof op), g_strdup(f));
    return TRUE;
  }
  SimTime *from = g_hash_table_lookup(l->open, &op);
  if (from && strcmp(type, "ok") == 0) {
    const char *kind = g_hash_table_lookup(l->open_f, &op);
    GArray *samples = g_hash_table_lookup(l->by_f, kind);
    if (!samples) {
      samples = g_array_new(FALSE, FALSE, sizeof(Sample));
      g_hash_table_insert(l->by_f, g_strdup(kind), samples);
    }
    Sample s = { *from, (double) (t - *from) / SIM_MS };
    g_array_append_val(samples, s);
  }
  if (from) {
    g_hash_table_remove(l->open, &op);
    g_hash_table_remove(l->open_f, &op);
  }
  return TRUE;
}

static gint by_ms(gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static gint by_invoked(gconstpointer a, gconstpointer b)
{
  const Sample *x = a, *y = b;
  return (x->invoked > y->invoked) - (x->invoked < y->invoked);
}

/* Appends the two blocks of one kind: its CDF and its percentiles per
 * window of invocation time. */
static void kind_blocks(GString *data, const char *f, GArray *samples, SimTime window)
{
  g_array_sort(samples, by_invoked);
  g_autofree double *ms = g_new(double, samples->len);
  for (guint i = 0; i < samples->len; i++)
    ms[i] = g_array_index(samples, Sample, i).ms;
  qsort(ms, samples->len, sizeof *ms, (int (*)(const void *, const void *)) by_ms);
  g_string_append_printf(data, "# %s: latency_ms fraction\n", f);
  for (guint i = 0; i < samples->len; i++) {
    if (i + 1 < samples->len && ms[i + 1] == ms[i])
      continue; /* one step per distinct latency */
    plot_number(data, MAX(ms[i], 0.001));
    g_string_append_printf(data, "\t%.9g\n", (double) (i + 1) / samples->len);
  }
  g_string_append_printf(data, "\n\n# %s: t_mid_s p50_ms p99_ms\n", f);
  guint rows = 0;
  g_autoptr(GArray) win = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint i = 0; i <= samples->len; i++) {
    gboolean last = i == samples->len;
    SimTime w = last ? -1 : g_array_index(samples, Sample, i).invoked / window;
    if (win->len && (last || w != g_array_index(samples, Sample, i - 1).invoked / window)) {
      SimTime prev = g_array_index(samples, Sample, i - 1).invoked / window;
      g_array_sort(win, by_ms);
      const double *v = (const double *) win->data;
      g_string_append_printf(data, "%.9g\t", sim_time_to_seconds(prev * window + window / 2));
      plot_number(data, MAX(plot_percentile(v, win->len, 0.5), 0.001));
      g_string_append_c(data, '\t');
      plot_number(data, MAX(plot_percentile(v, win->len, 0.99), 0.001));
      g_string_append_c(data, '\n');
      g_array_set_size(win, 0);
      rows++;
    }
    if (!last)
      g_array_append_val(win, g_array_index(samples, Sample, i).ms);
  }
  if (!rows)
    g_string_append(data, "nan\tnan\tnan\n");
  g_string_append(data, "\n\n");
}

static gboolean draw_latency(Latencies *l, const PlotOptions *opts, const char *path, SimTime window, GError **error)
{
  if (g_hash_table_size(l->by_f) == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: no operation completed ok: no latency to draw", path);
    return FALSE;
  }
  if (!window)
    window = plot_default_window(MAX(l->tmax, 1), 40);
  g_autoptr(GList) kinds = g_list_sort(g_hash_table_get_keys(l->by_f), (GCompareFunc) strcmp);
  g_autoptr(GString) data = g_string_new(NULL);
  g_autoptr(GString) titles = g_string_new(NULL);
  guint total = 0;
  for (GList *k = kinds; k; k = k->next) {
    GArray *samples = g_hash_table_lookup(l->by_f, k->data);
    g_autofree char *t = g_strdup_printf("%s (%u ok)", (char *) k->data, samples->len);
    plot_word_append(titles, t);
    kind_blocks(data, k->data, samples, window);
    total += samples->len;
  }
  g_autofree char *title = opts->title ? g_strdup(opts->title)
                                       : g_strdup_printf("%s: latency of %u ok operations", path, total);
  g_autofree char *window_ms = g_strdup_printf("%.9g", (double) window / SIM_MS);
  const char *args[] = { title, titles->str, window_ms, NULL };
  return plot_render("latency", "latency.gp", path, data, opts, args, error);
}

int plot_latency(int argc, char **argv)
{
  PlotOptions opts = { 0 };
  g_autofree char *window_text = NULL;
  GOptionEntry entries[] = {
    { "window", 'w', 0, G_OPTION_ARG_STRING, &window_text,
      "Percentiles per window of DURATION (default: 1, 2 or 5 × 10^k, fewer than 40 windows)", "DURATION" },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("HISTORY.jsonl - latency per operation kind");
  g_option_context_add_main_entries(ctx, entries, NULL);
  plot_add_common(ctx, &opts);
  g_option_context_set_summary(ctx,
      "Reads the --history file of one run and draws, per operation kind, the CDF of the\n"
      "latency of its ok operations and their median and 99th percentile over time.");
  g_option_context_set_description(ctx, "Example:\n  faultsim run scenarios/nemesis.lua --history h.jsonl\n"
                                        "  faultsim plot latency h.jsonl -o latency.png\n");
  GError *error = NULL;
  Latencies l = { g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free),
                  g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free),
                  g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref), 0 };
  SimTime window = 0;
  int status = SIM_EXIT_USAGE;
  if (g_option_context_parse(ctx, &argc, &argv, &error) && plot_parse_window(window_text, &window, &error)) {
    if (argc != 2)
      g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "give one --history file (see --help)");
    else if (plot_jsonl_each(argv[1], read_op, &l, &error) && draw_latency(&l, &opts, argv[1], window, &error))
      status = SIM_EXIT_OK;
  }
  if (error) {
    fprintf(stderr, "faultsim plot latency: %s\n", error->message);
    g_error_free(error);
  }
  g_hash_table_unref(l.open);
  g_hash_table_unref(l.open_f);
  g_hash_table_unref(l.by_f);
  plot_options_clear(&opts);
  return status;
}
