/* `faultsim plot load BEFORE [AFTER]`: the load of a consistent-hash ring
 * per server, from `faultsim ring`. Each file is either its --stats output
 * ("server<TAB>keys" lines, then the keys, mean, max/mean, stddev/mean
 * lines) or its placements ("key<TAB>server", or "key<TAB>s1,s2,..." with
 * --replicas: every copy counts). Given two files (the ring before and
 * after a join or a leave), draws both loads side by side, and under them
 * the keys each server gained and lost: exactly, from two placement files
 * (a key moved when its servers changed); from --stats files only the net
 * change per server is known, and that is what is drawn.
 *
 * Data for plots/load.gp, one tab-separated block:
 *   position  server  before  after  gained  lost   ("nan" when unknown) */
#include "sim/cli/plot.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  gboolean stats;     /* read from --stats (no placements) */
  GPtrArray *servers; /* names in order of first appearance */
  GHashTable *load;   /* server → keys (guint64*) */
  GHashTable *placed; /* key → "s1,s2" (placements only) */
  guint64 keys;       /* keys (lines) read */
} Ring;

static void ring_clear(Ring *r)
{
  g_clear_pointer(&r->servers, g_ptr_array_unref);
  g_clear_pointer(&r->load, g_hash_table_unref);
  g_clear_pointer(&r->placed, g_hash_table_unref);
}

static void add_load(Ring *r, const char *server, guint64 n)
{
  guint64 *v = g_hash_table_lookup(r->load, server);
  if (!v) {
    v = g_new0(guint64, 1);
    g_ptr_array_add(r->servers, g_strdup(server));
    g_hash_table_insert(r->load, g_strdup(server), v);
  }
  *v += n;
}

static gboolean is_summary(const char *name)
{
  const char *const rows[] = { "keys", "mean", "max/mean", "stddev/mean", "ring stddev/mean", NULL };
  for (guint i = 0; rows[i]; i++)
    if (strcmp(name, rows[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Reads `path` into `r`; FALSE with `error` ("file:line: ...") for a line
 * that is neither form. */
static gboolean ring_read(const char *path, Ring *r, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &text, &len, error))
    return FALSE;
  r->servers = g_ptr_array_new_with_free_func(g_free);
  r->load = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  r->placed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  /* --stats output ends with its summary lines: "stddev/mean" among them. */
  for (guint i = 0; lines[i]; i++)
    r->stats = r->stats || g_str_has_prefix(lines[i], "stddev/mean\t");
  for (guint i = 0; lines[i]; i++) {
    if (!*lines[i])
      continue;
    char *tab = strchr(lines[i], '\t');
    if (!tab || tab == lines[i] || !tab[1] || memchr(text, '\0', len)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "%s:%u: expected NAME<TAB>VALUE, the output of faultsim ring (with or without --stats)", path, i + 1);
      return FALSE;
    }
    *tab = '\0';
    const char *value = tab + 1;
    if (r->stats) {
      if (is_summary(lines[i]))
        continue;
      char *end = NULL;
      guint64 n = g_ascii_strtoull(value, &end, 10);
      if (*end || !*value) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:%u: %s: '%s' is not a number of keys", path, i + 1,
                    lines[i], value);
        return FALSE;
      }
      add_load(r, lines[i], n);
      r->keys += n;
    } else {
      g_auto(GStrv) copies = g_strsplit(value, ",", -1);
      for (guint c = 0; copies[c]; c++)
        add_load(r, copies[c], 1);
      g_hash_table_replace(r->placed, g_strdup(lines[i]), g_strdup(value));
      r->keys++;
    }
  }
  if (r->servers->len == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: no server: expected the output of faultsim ring", path);
    return FALSE;
  }
  return TRUE;
}

static double load_of(const Ring *r, const char *server)
{
  guint64 *v = r->load ? g_hash_table_lookup(r->load, server) : NULL;
  return v ? (double) *v : 0;
}

/* Adds 1 to counter `server` of `counts` (server → guint64*). */
static void count(GHashTable *counts, const char *server)
{
  guint64 *v = g_hash_table_lookup(counts, server);
  if (!v)
    g_hash_table_insert(counts, g_strdup(server), v = g_new0(guint64, 1));
  (*v)++;
}

static gboolean in_list(char **list, const char *s)
{
  for (guint i = 0; list[i]; i++)
    if (strcmp(list[i], s) == 0)
      return TRUE;
  return FALSE;
}

/* The copies each server gained and lost from `a` to `b` (placements),
 * and the keys whose servers changed. */
static guint64 moves(const Ring *a, const Ring *b, GHashTable *gained, GHashTable *lost)
{
  guint64 moved = 0;
  g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(b->placed), (GCompareFunc) strcmp);
  for (GList *k = keys; k; k = k->next) {
    const char *was = g_hash_table_lookup(a->placed, k->data), *now = g_hash_table_lookup(b->placed, k->data);
    if (!was || strcmp(was, now) == 0)
      continue;
    g_auto(GStrv) before = g_strsplit(was, ",", -1);
    g_auto(GStrv) after = g_strsplit(now, ",", -1);
    gboolean changed = FALSE;
    for (guint i = 0; after[i]; i++)
      if (!in_list(before, after[i])) {
        count(gained, after[i]);
        changed = TRUE;
      }
    for (guint i = 0; before[i]; i++)
      if (!in_list(after, before[i])) {
        count(lost, before[i]);
        changed = TRUE;
      }
    moved += changed;
  }
  return moved;
}

/* "N keys on S servers, max/mean M, stddev/mean D" of one ring. */
static char *ring_summary(const Ring *r)
{
  double sum = 0, sum2 = 0, max = 0;
  guint n = r->servers->len;
  for (guint i = 0; i < n; i++) {
    double v = load_of(r, r->servers->pdata[i]);
    sum += v;
    sum2 += v * v;
    max = MAX(max, v);
  }
  double mean = sum / n, var = n > 1 ? (sum2 - sum * sum / n) / n : 0;
  return g_strdup_printf("%.0f copies on %u servers, max/mean %.3f, stddev/mean %.3f", sum, n,
                         mean > 0 ? max / mean : 0, mean > 0 ? sqrt(MAX(var, 0)) / mean : 0);
}

static gboolean draw_load(Ring *rings, guint nrings, const PlotOptions *opts, const char *path, GError **error)
{
  Ring *a = &rings[0], *b = nrings > 1 ? &rings[1] : NULL;
  gboolean exact = b && !a->stats && !b->stats;
  g_autoptr(GHashTable) gained = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) lost = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  guint64 moved = exact ? moves(a, b, gained, lost) : 0;
  /* Servers: the first ring's, then those only the second has. */
  g_autoptr(GPtrArray) servers = g_ptr_array_new();
  for (guint i = 0; i < a->servers->len; i++)
    g_ptr_array_add(servers, a->servers->pdata[i]);
  for (guint i = 0; b && i < b->servers->len; i++)
    if (!g_hash_table_contains(a->load, b->servers->pdata[i]))
      g_ptr_array_add(servers, b->servers->pdata[i]);
  g_autoptr(GString) data = g_string_new("# position server before after gained lost\n");
  for (guint i = 0; i < servers->len; i++) {
    const char *s = servers->pdata[i];
    double before = g_hash_table_contains(a->load, s) ? load_of(a, s) : NAN;
    double after = b && g_hash_table_contains(b->load, s) ? load_of(b, s) : NAN;
    double up = NAN, down = NAN;
    if (exact) {
      guint64 *g = g_hash_table_lookup(gained, s), *l = g_hash_table_lookup(lost, s);
      up = g ? (double) *g : 0;
      down = l ? (double) *l : 0;
    } else if (b) {
      double net = (isnan(after) ? 0 : after) - (isnan(before) ? 0 : before);
      up = MAX(net, 0);
      down = MAX(-net, 0);
    }
    g_string_append_printf(data, "%u\t%s", i, s);
    for (guint c = 0; c < 4; c++) {
      g_string_append_c(data, '\t');
      plot_number(data, (double[]) { before, after, up, down }[c]);
    }
    g_string_append_c(data, '\n');
  }
  g_autofree char *sa = ring_summary(a);
  g_autofree char *sb = b ? ring_summary(b) : NULL;
  g_autofree char *move_text = exact ? g_strdup_printf("; %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                                                       " keys moved (%.2f%%)", moved, b->keys,
                                                       b->keys ? 100.0 * (double) moved / (double) b->keys : 0)
                                     : g_strdup("");
  g_autofree char *title = opts->title ? g_strdup(opts->title)
                           : b ? g_strdup_printf("before: %s\nafter: %s%s", sa, sb, move_text)
                               : g_strdup_printf("%s: %s", path, sa);
  const char *args[] = { title, b ? "1" : "0", exact ? "gained and lost (exact, from the placements)"
                                                     : "net change (from --stats: moves unknown)", NULL };
  return plot_render("load", "load.gp", path, data, opts, args, error);
}

int plot_load(int argc, char **argv)
{
  PlotOptions opts = { 0 };
  g_autoptr(GOptionContext) ctx = g_option_context_new("BEFORE [AFTER] - keys per server of a hash ring");
  plot_add_common(ctx, &opts);
  g_option_context_set_summary(ctx,
      "Reads the output of `faultsim ring` (--stats, or the placements key<TAB>server) and\n"
      "draws the keys per server; given the ring after a join or leave as well, both, and\n"
      "the keys each server gained and lost (exact from placements, net from --stats).");
  g_option_context_set_description(ctx,
      "Example:\n"
      "  seq 100000 > keys\n"
      "  faultsim ring --algo ketama -s a -s b -s c < keys > before.tsv\n"
      "  faultsim ring --algo ketama -s a -s b -s c -s d < keys > after.tsv\n"
      "  faultsim plot load before.tsv after.tsv -o join.png\n");
  GError *error = NULL;
  Ring rings[2] = { { 0 }, { 0 } };
  int status = SIM_EXIT_USAGE;
  if (g_option_context_parse(ctx, &argc, &argv, &error)) {
    if (argc != 2 && argc != 3)
      g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "give the ring's output, and optionally the ring's after a change");
    else if (ring_read(argv[1], &rings[0], &error) && (argc == 2 || ring_read(argv[2], &rings[1], &error)) &&
             draw_load(rings, (guint) argc - 1, &opts, argv[1], &error))
      status = SIM_EXIT_OK;
  }
  if (error) {
    fprintf(stderr, "faultsim plot load: %s\n", error->message);
    g_error_free(error);
  }
  ring_clear(&rings[0]);
  ring_clear(&rings[1]);
  plot_options_clear(&opts);
  return status;
}
