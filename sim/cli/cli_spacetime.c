/* `faultsim spacetime TRACE.jsonl`: turns a --trace file into the data of a
 * space-time (message sequence) diagram for plots/spacetime.gp: one column
 * per node, time running down, an arrow per delivered message, a cross per
 * lost one, and marks where nodes crashed, restarted, paused and resumed.
 *
 * Output: gnuplot data blocks separated by two blank lines, in this order:
 *   0 nodes:     x  name  t_min  t_max   (the span drawn, on every line)
 *   1 delivered: x_from  t_send  dx  dt  type        (t in milliseconds)
 *   2 lost:      x_from  t_send  x_to  type  reason
 *   3 marks:     x  t  kind   (crash, restart, pause, resume, or a protocol
 *                event's type and fields, "decide txn=64 commit=1")
 * Columns are tab-separated; every block has at least one line (a dummy
 * "nan" line when empty) so gnuplot's `index` stays aligned. */
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  double t_ms;
  char *from, *to, *type;
} Sent;

static void sent_free(gpointer p)
{
  Sent *s = p;
  g_free(s->from);
  g_free(s->to);
  g_free(s->type);
  g_free(s);
}

typedef struct {
  GPtrArray *names;       /* node names in order of first appearance */
  GHashTable *column;     /* name → x + 1 */
  GHashTable *sent;       /* msg id → Sent* */
  GString *delivered, *lost, *faults;
  guint arrows, limit;
  gboolean truncated;
  double from_ms, to_ms;
  double tmin, tmax; /* the span of what is drawn */
} Diagram;

static void span(Diagram *d, double t)
{
  d->tmin = MIN(d->tmin, t);
  d->tmax = MAX(d->tmax, t);
}

static int column_of(Diagram *d, const char *name)
{
  int x = GPOINTER_TO_INT(g_hash_table_lookup(d->column, name)) - 1;
  if (x < 0) {
    x = (int) d->names->len;
    g_ptr_array_add(d->names, g_strdup(name));
    g_hash_table_insert(d->column, g_strdup(name), GINT_TO_POINTER(x + 1));
  }
  return x;
}

static const char *member_string(JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member(o, name);
  return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING ? json_node_get_string(n) : NULL;
}

/* Handles one trace line; FALSE with `error` set if it is not a trace event. */
static gboolean add_event(Diagram *d, JsonObject *o, GError **error)
{
  const char *kind = member_string(o, "kind");
  JsonNode *t = json_object_get_member(o, "t");
  if (!kind || !t || json_node_get_value_type(t) != G_TYPE_INT64) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "not a faultsim trace event (needs \"t\" and \"kind\")");
    return FALSE;
  }
  double t_ms = (double) json_node_get_int(t) / 1e6;
  const char *node = member_string(o, "node");
  const char *peer = member_string(o, "peer");
  JsonObject *msg = json_object_has_member(o, "msg") ? json_object_get_object_member(o, "msg") : NULL;
  gint64 id = msg && json_object_has_member(msg, "id") ? json_object_get_int_member(msg, "id") : 0;
  const char *type = msg ? member_string(msg, "type") : NULL;
  if (node)
    column_of(d, node);
  if (peer)
    column_of(d, peer);
  if (strcmp(kind, "send") == 0 && node && peer && id) {
    Sent *s = g_new0(Sent, 1);
    *s = (Sent) { t_ms, g_strdup(node), g_strdup(peer), g_strdup(type ? type : "?") };
    g_hash_table_replace(d->sent, g_memdup2(&id, sizeof id), s);
    return TRUE;
  }
  Sent *s = id ? g_hash_table_lookup(d->sent, &id) : NULL;
  gboolean in_window = t_ms >= d->from_ms && t_ms <= d->to_ms;
  if (strcmp(kind, "deliver") == 0 && s && s->t_ms >= d->from_ms && t_ms <= d->to_ms) {
    if (d->arrows >= d->limit) {
      d->truncated = TRUE;
      return TRUE;
    }
    d->arrows++;
    span(d, s->t_ms);
    span(d, t_ms);
    int x0 = column_of(d, s->from), x1 = column_of(d, node ? node : s->to);
    g_string_append_printf(d->delivered, "%d\t%.6f\t%d\t%.6f\t%s\n", x0, s->t_ms, x1 - x0, t_ms - s->t_ms, s->type);
  } else if (strcmp(kind, "drop") == 0 && s && in_window && s->t_ms >= d->from_ms) {
    const char *reason = member_string(o, "detail");
    span(d, s->t_ms);
    g_string_append_printf(d->lost, "%d\t%.6f\t%d\t%s\t%s\n", column_of(d, s->from), s->t_ms, column_of(d, s->to),
                           s->type, reason ? reason : "lost");
  } else if (in_window && node && (strcmp(kind, "crash") == 0 || strcmp(kind, "restart") == 0 ||
                                   strcmp(kind, "pause") == 0 || strcmp(kind, "resume") == 0)) {
    span(d, t_ms);
    g_string_append_printf(d->faults, "%d\t%.6f\t%s\n", column_of(d, node), t_ms, kind);
  } else if (in_window && node && msg && strcmp(kind, "event") == 0) {
    /* A protocol event ("decide", "cs_enter"): its type and fields. */
    g_autoptr(GString) label = g_string_new(type ? type : "event");
    g_autoptr(GList) members = json_object_get_members(msg);
    for (GList *m = members; m; m = m->next)
      if (strcmp(m->data, "type") != 0 && strcmp(m->data, "id") != 0)
        g_string_append_printf(label, " %s=%" G_GINT64_FORMAT, (const char *) m->data,
                               json_object_get_int_member(msg, m->data));
    span(d, t_ms);
    g_string_append_printf(d->faults, "%d\t%.6f\t%s\n", column_of(d, node), t_ms, label->str);
  }
  return TRUE;
}

static void block(GString *out, GString *rows, const char *header, const char *dummy)
{
  g_string_append_printf(out, "# %s\n", header);
  g_string_append(out, rows->len ? rows->str : dummy);
  g_string_append(out, "\n\n");
}

int handle_spacetime(int argc, char **argv)
{
  double from = 0, to = INFINITY;
  gint limit = 400;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_DOUBLE, &from, "Start of the window in seconds (default 0)", "S" },
    { "to", 0, 0, G_OPTION_ARG_DOUBLE, &to, "End of the window in seconds (default: the end)", "S" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "At most this many arrows (default 400)", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("TRACE.jsonl - space-time diagram data from a trace");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(ctx,
      "Reads a trace written by `faultsim run --trace` and prints the data of a\n"
      "message sequence diagram for plots/spacetime.gp; tools/spacetime.sh does\n"
      "both steps and writes a PNG.");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim spacetime: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  if (argc != 2 || !(from >= 0) || !(to > from) || limit < 1) {
    fprintf(stderr, "faultsim spacetime: give one trace file, 0 <= --from < --to and --limit >= 1\n");
    return SIM_EXIT_USAGE;
  }
  g_autofree char *text = NULL;
  if (!g_file_get_contents(argv[1], &text, NULL, &error)) {
    fprintf(stderr, "faultsim spacetime: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  Diagram d = {
    g_ptr_array_new_with_free_func(g_free), g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
    g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, sent_free), g_string_new(NULL), g_string_new(NULL),
    g_string_new(NULL), 0, (guint) limit, FALSE, from * 1e3, isinf(to) ? INFINITY : to * 1e3, INFINITY, -INFINITY,
  };
  g_autoptr(JsonParser) parser = json_parser_new();
  int status = SIM_EXIT_OK;
  guint lineno = 0;
  for (char *line = text, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    lineno++;
    if (!*line)
      continue;
    if (!json_parser_load_from_data(parser, line, -1, &error) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)) ||
        !add_event(&d, json_node_get_object(json_parser_get_root(parser)), &error)) {
      fprintf(stderr, "%s:%u: %s\n", argv[1], lineno, error ? error->message : "not a JSON object");
      g_clear_error(&error);
      status = SIM_EXIT_USAGE;
      break;
    }
  }
  if (status == SIM_EXIT_OK) {
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) nodes = g_string_new(NULL);
    if (d.tmin > d.tmax)
      d.tmin = d.tmax = d.from_ms;
    for (guint i = 0; i < d.names->len; i++)
      g_string_append_printf(nodes, "%u\t%s\t%.6f\t%.6f\n", i, (char *) d.names->pdata[i], d.tmin, d.tmax);
    block(out, nodes, "nodes: x name t_min_ms t_max_ms (the span of what is drawn)", "nan\t-\tnan\tnan\n");
    block(out, d.delivered, "delivered: x_from t_send_ms dx dt_ms type", "nan\tnan\tnan\tnan\t-\n");
    block(out, d.lost, "lost: x_from t_send_ms x_to type reason", "nan\tnan\tnan\t-\t-\n");
    block(out, d.faults, "marks: x t_ms kind", "nan\tnan\t-\n");
    fwrite(out->str, 1, out->len, stdout);
    if (d.truncated)
      fprintf(stderr, "faultsim spacetime: only the first %u arrows of the window are drawn; narrow it with --from/--to\n",
              d.limit);
  }
  g_ptr_array_unref(d.names);
  g_hash_table_unref(d.column);
  g_hash_table_unref(d.sent);
  g_string_free(d.delivered, TRUE);
  g_string_free(d.lost, TRUE);
  g_string_free(d.faults, TRUE);
  return status;
}
