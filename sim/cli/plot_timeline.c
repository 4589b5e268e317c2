/* `faultsim plot timeline TRACE.jsonl`: one run over time, read from its
 * --trace file. Above, the operations that completed in each window,
 * stacked ok / fail / info; below, one row per node that had a fault, its
 * crash (crash to restart), pause (pause to resume) and cut-link (cut to
 * restore, on both ends) intervals drawn as bands, clock jumps and drift
 * changes as marks, and a "network" row for partitions (partition to
 * heal: the trace does not say which nodes were on which side), the way
 * Jepsen shades nemesis activity. An interval still open at the end of
 * the trace ends there.
 *
 * Data for plots/timeline.gp, tab-separated blocks:
 *   0 windows:  t_start_s  t_end_s  ok  fail  info
 *   1 rows:     y  name          (y = 0 is the top row)
 *   2 crashed, 3 paused, 4 link cut, 5 partitioned:  y  t_from_s  t_to_s
 *   6 clock:    y  t_s
 * An empty block has one "nan" line, so `index` stays aligned. */
#include "sim/cli/plot.h"
#include "sim/cli/plot_trace.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { BAND_CRASH, BAND_PAUSE, BAND_CUT, BAND_PARTITION, BAND_KINDS };

typedef struct {
  guint row; /* index into Timeline.names; G_MAXUINT for the network */
  SimTime t0, t1;
  int kind;
} Band;

typedef struct {
  GArray *done[3];        /* SimTime of each ok, fail, info completion */
  GPtrArray *names;       /* node names, in order of first appearance */
  GHashTable *index;      /* name → position in names + 1 */
  GArray *crash_from;     /* per node: open crash start, or -1 */
  GArray *pause_from;     /* per node: open pause start, or -1 */
  GHashTable *cut_from;   /* "src\ndst" → SimTime* of an open cut */
  SimTime partition_from; /* -1 when no partition is open */
  GArray *bands;          /* Band */
  GArray *clock;          /* Band with t0 only (a mark) */
  SimTime tmax;
} Timeline;

static guint node_index(Timeline *tl, const char *name)
{
  guint i = GPOINTER_TO_UINT(g_hash_table_lookup(tl->index, name));
  if (i)
    return i - 1;
  g_ptr_array_add(tl->names, g_strdup(name));
  g_hash_table_insert(tl->index, tl->names->pdata[tl->names->len - 1], GUINT_TO_POINTER(tl->names->len));
  SimTime none = -1;
  g_array_append_val(tl->crash_from, none);
  g_array_append_val(tl->pause_from, none);
  return tl->names->len - 1;
}

static void add_band(Timeline *tl, guint row, SimTime t0, SimTime t1, int kind)
{
  Band b = { row, t0, t1, kind };
  g_array_append_val(tl->bands, b);
}

/* Opens (start) or closes an interval kept per node in `from`. */
static void interval(Timeline *tl, GArray *from, guint node, SimTime t, gboolean start, int kind)
{
  SimTime *open = &g_array_index(from, SimTime, node);
  if (start) {
    if (*open < 0)
      *open = t;
  } else if (*open >= 0) {
    add_band(tl, node, *open, t, kind);
    *open = -1;
  }
}

static gboolean read_event(JsonObject *o, void *data, GError **error)
{
  Timeline *tl = data;
  gint64 t;
  const char *kind = plot_member_string(o, "kind");
  if (!plot_member_int(o, "t", &t, error))
    return FALSE;
  if (!kind) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "no string 'kind': not a faultsim --trace line");
    return FALSE;
  }
  tl->tmax = MAX(tl->tmax, t);
  const char *name = plot_member_string(o, "node");
  guint node = name ? node_index(tl, name) : 0;
  if (strcmp(kind, "op") == 0) {
    const char *type = plot_member_string(o, "type");
    int which = !type ? -1 : strcmp(type, "ok") == 0 ? 0 : strcmp(type, "fail") == 0 ? 1 : strcmp(type, "info") == 0 ? 2 : -1;
    if (which >= 0)
      g_array_append_val(tl->done[which], t);
  } else if (name && (strcmp(kind, "crash") == 0 || strcmp(kind, "restart") == 0)) {
    interval(tl, tl->crash_from, node, t, kind[0] == 'c', BAND_CRASH);
  } else if (name && (strcmp(kind, "pause") == 0 || strcmp(kind, "resume") == 0)) {
    interval(tl, tl->pause_from, node, t, kind[0] == 'p', BAND_PAUSE);
  } else if (name && strcmp(kind, "clock") == 0) {
    Band b = { node, t, t, 0 };
    g_array_append_val(tl->clock, b);
  } else if (strcmp(kind, "partition") == 0) {
    if (tl->partition_from < 0)
      tl->partition_from = t;
  } else if (strcmp(kind, "heal") == 0) {
    if (tl->partition_from >= 0)
      add_band(tl, G_MAXUINT, tl->partition_from, t, BAND_PARTITION);
    tl->partition_from = -1;
  } else if (name && strcmp(kind, "link") == 0) {
    const char *peer = plot_member_string(o, "peer"), *detail = plot_member_string(o, "detail");
    if (!peer || !detail)
      return TRUE;
    guint other = node_index(tl, peer);
    g_autofree char *key = g_strdup_printf("%s\n%s", name, peer);
    SimTime *from = g_hash_table_lookup(tl->cut_from, key);
    if (strcmp(detail, "cut") == 0 && !from) {
      g_hash_table_insert(tl->cut_from, g_steal_pointer(&key), g_memdup2(&t, sizeof t));
    } else if (strcmp(detail, "restore") == 0 && from) {
      add_band(tl, node, *from, t, BAND_CUT);
      add_band(tl, other, *from, t, BAND_CUT);
      g_hash_table_remove(tl->cut_from, key);
    }
  }
  return TRUE;
}

/* Closes every interval still open at the end of the trace, in a fixed
 * order (cuts by their key). */
static void close_open(Timeline *tl)
{
  for (guint i = 0; i < tl->names->len; i++) {
    interval(tl, tl->crash_from, i, tl->tmax, FALSE, BAND_CRASH);
    interval(tl, tl->pause_from, i, tl->tmax, FALSE, BAND_PAUSE);
  }
  if (tl->partition_from >= 0)
    add_band(tl, G_MAXUINT, tl->partition_from, tl->tmax, BAND_PARTITION);
  g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(tl->cut_from), (GCompareFunc) strcmp);
  for (GList *k = keys; k; k = k->next) {
    g_auto(GStrv) ends = g_strsplit(k->data, "\n", 2);
    SimTime *from = g_hash_table_lookup(tl->cut_from, k->data);
    add_band(tl, node_index(tl, ends[0]), *from, tl->tmax, BAND_CUT);
    add_band(tl, node_index(tl, ends[1]), *from, tl->tmax, BAND_CUT);
  }
}

static void block_end(GString *data, gboolean empty, const char *dummy)
{
  if (empty)
    g_string_append_printf(data, "%s\n", dummy);
  g_string_append(data, "\n\n");
}

/* Writes the data blocks of the read trace and draws them. */
static gboolean draw_timeline(Timeline *tl, const PlotOptions *opts, const char *path, SimTime window, GError **error)
{
  close_open(tl);
  if (!window)
    window = plot_default_window(MAX(tl->tmax, 1), 50);

  /* Rows: the nodes with a band or a mark, in node order; the network last. */
  g_autofree guint *row_of = g_new(guint, tl->names->len + 1);
  g_autofree gboolean *shown = g_new0(gboolean, tl->names->len + 1);
  for (guint i = 0; i < tl->bands->len; i++) {
    guint r = g_array_index(tl->bands, Band, i).row;
    shown[r == G_MAXUINT ? tl->names->len : r] = TRUE;
  }
  for (guint i = 0; i < tl->clock->len; i++)
    shown[g_array_index(tl->clock, Band, i).row] = TRUE;
  g_autoptr(GString) data = g_string_new("# windows: t_start_s t_end_s ok fail info\n");
  guint nwin = (guint) MIN((tl->tmax + window - 1) / window, 100000);
  nwin = MAX(nwin, 1);
  g_autofree guint *counts = g_new0(guint, (gsize) nwin * 3);
  guint total[3] = { 0, 0, 0 };
  for (int k = 0; k < 3; k++)
    for (guint i = 0; i < tl->done[k]->len; i++) {
      SimTime t = g_array_index(tl->done[k], SimTime, i);
      counts[MIN((guint) (t / window), nwin - 1) * 3 + (guint) k]++;
      total[k]++;
    }
  for (guint w = 0; w < nwin; w++)
    g_string_append_printf(data, "%.9g\t%.9g\t%u\t%u\t%u\n", sim_time_to_seconds((SimTime) w * window),
                           sim_time_to_seconds((SimTime) (w + 1) * window), counts[w * 3], counts[w * 3 + 1],
                           counts[w * 3 + 2]);
  block_end(data, FALSE, "");
  g_string_append(data, "# rows: y name\n");
  guint rows = 0;
  for (guint i = 0; i <= tl->names->len; i++)
    if (shown[i]) {
      row_of[i] = rows;
      g_string_append_printf(data, "%u\t%s\n", rows++, i < tl->names->len ? (char *) tl->names->pdata[i] : "network");
    }
  block_end(data, rows == 0, "nan\tnan");
  const char *band_names[BAND_KINDS] = { "crashed", "paused", "link cut", "partitioned" };
  for (int kind = 0; kind < BAND_KINDS; kind++) {
    g_string_append_printf(data, "# %s: y t_from_s t_to_s\n", band_names[kind]);
    gboolean any = FALSE;
    for (guint i = 0; i < tl->bands->len; i++) {
      Band *b = &g_array_index(tl->bands, Band, i);
      if (b->kind != kind)
        continue;
      any = TRUE;
      g_string_append_printf(data, "%u\t%.9g\t%.9g\n", row_of[b->row == G_MAXUINT ? tl->names->len : b->row],
                             sim_time_to_seconds(b->t0), sim_time_to_seconds(b->t1));
    }
    block_end(data, !any, "nan\tnan\tnan");
  }
  g_string_append(data, "# clock: y t_s\n");
  for (guint i = 0; i < tl->clock->len; i++) {
    Band *b = &g_array_index(tl->clock, Band, i);
    g_string_append_printf(data, "%u\t%.9g\n", row_of[b->row], sim_time_to_seconds(b->t0));
  }
  block_end(data, tl->clock->len == 0, "nan\tnan");

  g_autofree char *title = opts->title ? g_strdup(opts->title)
                                      : g_strdup_printf("%s: %u ok, %u fail, %u info", path, total[0], total[1], total[2]);
  g_autofree char *rows_text = g_strdup_printf("%u", rows);
  g_autofree char *window_ms = g_strdup_printf("%.9g", (double) window / SIM_MS);
  g_autofree char *end = g_strdup_printf("%.9g", sim_time_to_seconds(MAX((SimTime) nwin * window, 1)));
  const char *args[] = { title, rows_text, window_ms, end, NULL };
  return plot_render("timeline", "timeline.gp", path, data, opts, args, error);
}

int plot_timeline(int argc, char **argv)
{
  PlotOptions opts = { 0 };
  g_autofree char *window_text = NULL;
  GOptionEntry entries[] = {
    { "window", 'w', 0, G_OPTION_ARG_STRING, &window_text,
      "Count completions per window of DURATION (default: 1, 2 or 5 × 10^k, fewer than 50 windows)", "DURATION" },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("TRACE.jsonl - operations and faults over time");
  g_option_context_add_main_entries(ctx, entries, NULL);
  plot_add_common(ctx, &opts);
  g_option_context_set_summary(ctx,
      "Reads the --trace file of one run and draws the operations that completed in each\n"
      "window (ok, fail, info), and under them, per node, when it was crashed, paused or\n"
      "had a link cut, its clock changes, and when the network was partitioned.");
  g_option_context_set_description(ctx, "Example:\n  faultsim run scenarios/nemesis.lua --trace t.jsonl\n"
                                        "  faultsim plot timeline t.jsonl -o nemesis.png\n");
  GError *error = NULL;
  Timeline tl = { { g_array_new(FALSE, FALSE, sizeof(SimTime)), g_array_new(FALSE, FALSE, sizeof(SimTime)),
                    g_array_new(FALSE, FALSE, sizeof(SimTime)) },
                  g_ptr_array_new_with_free_func(g_free), g_hash_table_new(g_str_hash, g_str_equal),
                  g_array_new(FALSE, FALSE, sizeof(SimTime)), g_array_new(FALSE, FALSE, sizeof(SimTime)),
                  g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free), -1,
                  g_array_new(FALSE, FALSE, sizeof(Band)), g_array_new(FALSE, FALSE, sizeof(Band)), 0 };
  SimTime window = 0;
  int status = SIM_EXIT_USAGE;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || !plot_parse_window(window_text, &window, &error))
    goto out;
  if (argc != 2) {
    g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "give one --trace file (see --help)");
    goto out;
  }
  if (!plot_jsonl_each(argv[1], read_event, &tl, &error))
    goto out;
  if (draw_timeline(&tl, &opts, argv[1], window, &error))
    status = SIM_EXIT_OK;
out:
  if (error) {
    fprintf(stderr, "faultsim plot timeline: %s\n", error->message);
    g_error_free(error);
  }
  for (int k = 0; k < 3; k++)
    g_array_unref(tl.done[k]);
  g_ptr_array_unref(tl.names);
  g_hash_table_unref(tl.index);
  g_array_unref(tl.crash_from);
  g_array_unref(tl.pause_from);
  g_hash_table_unref(tl.cut_from);
  g_array_unref(tl.bands);
  g_array_unref(tl.clock);
  plot_options_clear(&opts);
  return status;
}
