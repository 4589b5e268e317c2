/* `faultsim spacetime TRACE.jsonl`: turns a --trace file into the data of a
 * space-time (message sequence) diagram for plots/spacetime.gp: one column
 * per node, time running down, an arrow per delivered message, a short
 * stub ending in a cross at the sender for a lost one, marks where nodes
 * crashed, restarted, paused and resumed or a protocol event happened, and
 * every label placed so that none overprints another
 * (spacetime_layout.h).
 *
 * Time is drawn to scale inside bursts of activity, and idle stretches
 * are drawn shorter (spacetime_layout.h), each marked with its real length;
 * --linear draws everything to scale. Positions below are x in node
 * columns and y in drawn milliseconds; t is the real simulated time in ms.
 *
 * Output: gnuplot data blocks separated by two blank lines, in this order:
 *   0 nodes:     x  name  y_min  y_max   (the span drawn, on every line)
 *   1 delivered: x_from  y_send  dx  dy  label  t_send  t_deliver
 *   2 lost:      x_from  y_send  x_to  label  reason  stub_dx  t_send
 *   3 marks:     x  y  label  t   (crash, restart, pause, resume, or a
 *                protocol event's type and fields, "decide abort txn=64")
 *   4 labels:    x  y  text  class  anchor_x  anchor_y
 *                (x is the left edge; anchor_* is where a leader line
 *                starts, "nan" when the label sits at its anchor)
 *   5 time:      y  t  text   (tick labels of the time axis)
 *   6 shortened: y_from  y_to  text   (idle stretches drawn shorter)
 * Columns are tab-separated; every block has at least one line (a dummy
 * "nan" line when empty) so gnuplot's `index` stays aligned. */
#include "sim/cli/cli.h"
#include "sim/cli/spacetime_layout.h"
#include "sim/kernel/errors.h"
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* How far a lost message's stub reaches toward its receiver, in columns:
 * well short of the next column, so the cross is seen at the sender. */
#define LOST_STUB 0.3
/* How far right of its mark a mark's label starts, in columns. */
#define MARK_LABEL_GAP 0.08

typedef struct {
  double t_ms;
  char *from, *to, *label;
} Sent;

static void sent_free(gpointer p)
{
  Sent *s = p;
  g_free(s->from);
  g_free(s->to);
  g_free(s->label);
  g_free(s);
}

/* One thing drawn: an arrow, a lost message or a mark. */
typedef enum { ITEM_DELIVERED, ITEM_LOST, ITEM_MARK } ItemKind;

typedef struct {
  ItemKind kind;
  int x0, x1;       /* columns: sender and receiver; x0 only for a mark */
  double t0, t1;    /* ms: sent and delivered; t0 only for lost and marks */
  char *label;      /* message label, or the mark's kind or event label */
  char *reason;     /* why a message was lost */
  gboolean event;   /* a mark that is a protocol event */
} Item;

static void item_free(gpointer p)
{
  Item *it = p;
  g_free(it->label);
  g_free(it->reason);
  g_free(it);
}

typedef struct {
  GPtrArray *names;       /* node names in order of first appearance */
  GHashTable *column;     /* name → x + 1 */
  GHashTable *sent;       /* msg id → Sent* */
  GHashTable *values;     /* field name → (GHashTable value text → word) */
  GPtrArray *items;       /* Item*, in trace order */
  GArray *times;          /* every time drawn (ms) */
  guint arrows, n_marks, limit;
  gboolean truncated, linear;
  double from_ms, to_ms;
} Diagram;

static int column_of(Diagram *d, const char *name)
{
  int x = GPOINTER_TO_INT(g_hash_table_lookup(d->column, name)) - 1;
  if (x < 0) {
    x = (int) d->names->len;
    g_ptr_array_add(d->names, g_strdelimit(g_strdup(name), "\t\n", ' '));
    g_hash_table_insert(d->column, g_strdup(name), GINT_TO_POINTER(x + 1));
  }
  return x;
}

static const char *member_string(JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member(o, name);
  return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING ? json_node_get_string(n) : NULL;
}

/* The word --values gives field `name` at `value`, or NULL. */
static const char *value_word(Diagram *d, const char *name, gint64 value)
{
  GHashTable *words = g_hash_table_lookup(d->values, name);
  char key[32];
  g_snprintf(key, sizeof key, "%" G_GINT64_FORMAT, value);
  return words ? g_hash_table_lookup(words, key) : NULL;
}

/* A message's or event's label: its type, then each field in trace order,
 * as the word --values names for it, or (when `all_fields`) as
 * name=value. Messages show only named fields, to stay short. */
static char *label_of(Diagram *d, JsonObject *msg, const char *type, gboolean all_fields)
{
  GString *label = g_string_new(type);
  g_autoptr(GList) members = json_object_get_members(msg);
  for (GList *m = members; m; m = m->next) {
    const char *name = m->data;
    JsonNode *n = json_object_get_member(msg, name);
    if (strcmp(name, "type") == 0 || strcmp(name, "id") == 0 || !JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_INT64)
      continue;
    gint64 v = json_node_get_int(n);
    const char *word = value_word(d, name, v);
    if (word)
      g_string_append_printf(label, " %s", word);
    else if (all_fields)
      g_string_append_printf(label, " %s=%" G_GINT64_FORMAT, name, v);
  }
  g_strdelimit(label->str, "\t\n", ' '); /* the output is tab-separated lines */
  return g_string_free(label, FALSE);
}

static void add_item(Diagram *d, Item it)
{
  Item *copy = g_new(Item, 1);
  *copy = it;
  g_ptr_array_add(d->items, copy);
  g_array_append_val(d->times, it.t0);
  if (it.kind == ITEM_DELIVERED)
    g_array_append_val(d->times, it.t1);
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
  JsonNode *msg_node = json_object_get_member(o, "msg");
  JsonObject *msg = msg_node && JSON_NODE_HOLDS_OBJECT(msg_node) ? json_node_get_object(msg_node) : NULL;
  gint64 id = msg && json_object_has_member(msg, "id") ? json_object_get_int_member(msg, "id") : 0;
  const char *type = msg ? member_string(msg, "type") : NULL;
  if (node)
    column_of(d, node);
  if (peer)
    column_of(d, peer);
  if (strcmp(kind, "send") == 0 && node && peer && id) {
    Sent *s = g_new0(Sent, 1);
    *s = (Sent) { t_ms, g_strdup(node), g_strdup(peer), label_of(d, msg, type ? type : "?", FALSE) };
    g_hash_table_replace(d->sent, g_memdup2(&id, sizeof id), s);
    return TRUE;
  }
  Sent *s = id ? g_hash_table_lookup(d->sent, &id) : NULL;
  gboolean in_window = t_ms >= d->from_ms && t_ms <= d->to_ms;
  gboolean is_mark = strcmp(kind, "crash") == 0 || strcmp(kind, "restart") == 0 || strcmp(kind, "pause") == 0 ||
                     strcmp(kind, "resume") == 0 || (msg && strcmp(kind, "event") == 0);
  if (strcmp(kind, "deliver") == 0 && s && s->t_ms >= d->from_ms && t_ms <= d->to_ms) {
    if (d->arrows >= d->limit) {
      d->truncated = TRUE;
      return TRUE;
    }
    d->arrows++;
    add_item(d, (Item) { ITEM_DELIVERED, column_of(d, s->from), column_of(d, node ? node : s->to), s->t_ms, t_ms,
                         g_strdup(s->label), NULL, FALSE });
  } else if (strcmp(kind, "drop") == 0 && s && in_window && s->t_ms >= d->from_ms) {
    char *reason = g_strdup(member_string(o, "detail"));
    if (reason)
      g_strdelimit(reason, "\t\n", ' ');
    add_item(d, (Item) { ITEM_LOST, column_of(d, s->from), column_of(d, s->to), s->t_ms, s->t_ms,
                         g_strdup(s->label), reason ? reason : g_strdup("lost"), FALSE });
  } else if (in_window && node && is_mark) {
    if (d->n_marks >= d->limit) {
      d->truncated = TRUE;
      return TRUE;
    }
    d->n_marks++;
    gboolean event = strcmp(kind, "event") == 0;
    int x = column_of(d, node);
    add_item(d, (Item) { ITEM_MARK, x, x, t_ms, t_ms,
                         event ? label_of(d, msg, type ? type : "event", TRUE) : g_strdup(kind), NULL, event });
  }
  return TRUE;
}

static void block(GString *out, GString *rows, const char *header, const char *dummy)
{
  g_string_append_printf(out, "# %s\n", header);
  g_string_append(out, rows->len ? rows->str : dummy);
  g_string_append(out, "\n\n");
}

/* Parses --values FIELD=V:WORD[,V:WORD...] into d->values. */
static gboolean parse_values(Diagram *d, char **specs, GError **error)
{
  for (guint i = 0; specs && specs[i]; i++) {
    const char *eq = strchr(specs[i], '=');
    if (!eq || eq == specs[i] || !eq[1]) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--values %s: expected FIELD=VALUE:WORD[,VALUE:WORD...]", specs[i]);
      return FALSE;
    }
    g_autofree char *field = g_strndup(specs[i], (gsize) (eq - specs[i]));
    GHashTable *words = g_hash_table_lookup(d->values, field);
    if (!words) {
      words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert(d->values, g_strdup(field), words);
    }
    g_auto(GStrv) pairs = g_strsplit(eq + 1, ",", -1);
    for (guint k = 0; pairs[k]; k++) {
      const char *colon = strchr(pairs[k], ':');
      char *end = NULL;
      gint64 v = colon ? g_ascii_strtoll(pairs[k], &end, 10) : 0;
      if (!colon || end != colon || colon == pairs[k] || !colon[1] || strpbrk(colon + 1, "\t\n")) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--values %s: '%s' is not VALUE:WORD (an integer, a colon, a word)",
                    specs[i], pairs[k]);
        return FALSE;
      }
      g_hash_table_replace(words, g_strdup_printf("%" G_GINT64_FORMAT, v), g_strdup(colon + 1));
    }
  }
  return TRUE;
}

/* The labels of every item, at their anchors in drawn coordinates. */
static GPtrArray *item_labels(Diagram *d, const SpacetimeTimeMap *map)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func(spacetime_label_free);
  for (guint i = 0; i < d->items->len; i++) {
    const Item *it = d->items->pdata[i];
    double y0 = spacetime_time_map_y(map, it->t0);
    if (it->kind == ITEM_DELIVERED) {
      double mx = (it->x0 + it->x1) / 2.0, my = (y0 + spacetime_time_map_y(map, it->t1)) / 2;
      g_ptr_array_add(labels, spacetime_label_new(mx, my, mx - spacetime_text_width(it->label) / 2, it->label,
                                                  "message"));
    } else if (it->kind == ITEM_LOST) {
      /* "DECISION abort to p2: lost" beside the cross, on the far side from
       * the sender, so it reads from the sender outward. */
      const char *to = d->names->pdata[it->x1];
      g_autofree char *text = strcmp(it->reason, "loss") == 0
                                  ? g_strdup_printf("%s to %s: lost", it->label, to)
                                  : g_strdup_printf("%s to %s: lost (%s)", it->label, to, it->reason);
      double stub = it->x1 >= it->x0 ? LOST_STUB : -LOST_STUB, cross = it->x0 + stub;
      double x = stub > 0 ? cross + 0.08 : cross - 0.08 - spacetime_text_width(text);
      g_ptr_array_add(labels, spacetime_label_new(cross, y0, x, text, "lost"));
      g_ptr_array_add(labels, spacetime_obstacle_new(MIN(it->x0, cross) - 0.04, fabs(stub) + 0.08, y0));
    } else {
      g_ptr_array_add(labels, spacetime_label_new(it->x0, y0, it->x0 + MARK_LABEL_GAP, it->label,
                                                  it->event ? "event" : "mark"));
      g_ptr_array_add(labels, spacetime_obstacle_new(it->x0 - 0.04, 0.08, y0));
    }
  }
  return labels;
}

/* Rows "y t text" of the time axis's labels: the first and last time drawn
 * and both ends of every shortened stretch, then round times (a step of 1, 2
 * or 5 times a power of ten, about an eighth of the drawing) inside the
 * stretches drawn to scale, each kept only if it is two text lines from
 * every label already kept. `drawn` is the length of the axis drawn. */
static void time_ticks(const SpacetimeTimeMap *map, double drawn, GString *rows)
{
  guint n = map->t->len;
  if (n == 0)
    return;
  const double *ts = (const double *) map->t->data;
  double room = 2 * MAX(drawn, 1e-6) * 1.04 * SPACETIME_LINE_PX / SPACETIME_PLOT_PX;
  double step = pow(10, floor(log10(MAX(drawn, 1e-6) / 8)));
  if (step * 5 <= drawn / 8)
    step *= 5;
  else if (step * 2 <= drawn / 8)
    step *= 2;
  int decimals = step >= 1 ? 0 : (int) ceil(-log10(step) - 1e-9);
  g_autoptr(GArray) kept = g_array_new(FALSE, FALSE, sizeof(double)); /* y of each label kept */
  for (int round_times = 0; round_times <= 1; round_times++) {
    for (guint i = 0; i < n; i++) {
      gboolean end = i == 0 || i + 1 == n || spacetime_time_map_shortened(map, i) ||
                     (i > 0 && spacetime_time_map_shortened(map, i - 1));
      double from = ts[i], to = i + 1 < n ? ts[i + 1] : ts[i];
      if (!round_times && !end)
        continue;
      if (round_times && (i + 1 == n || spacetime_time_map_shortened(map, i)))
        continue;
      for (double k = round_times ? ceil(from / step) : 0; round_times ? k * step < to : k < 1; k++) {
        double t = round_times ? k * step : from;
        double y = spacetime_time_map_y(map, t);
        gboolean free = TRUE;
        for (guint j = 0; j < kept->len && free; j++)
          free = fabs(g_array_index(kept, double, j) - y) >= room;
        if (!free)
          continue;
        g_array_append_val(kept, y);
        g_string_append_printf(rows, "%.6f\t%.6f\t%.*f\n", y, t, round_times ? decimals : MAX(decimals, 1), t);
      }
    }
  }
}

/* Lays out the time axis and the labels and writes every block to stdout. */
static void write_diagram(Diagram *d)
{
  g_autoptr(SpacetimeTimeMap) map = spacetime_time_map_new(d->times, d->linear);
  g_autoptr(GPtrArray) labels = item_labels(d, map);
  double ymin = INFINITY, ymax = -INFINITY;
  for (guint i = 0; i < map->y->len; i++) {
    ymin = MIN(ymin, g_array_index(map->y, double, i));
    ymax = MAX(ymax, g_array_index(map->y, double, i));
  }
  if (ymin > ymax)
    ymin = ymax = d->from_ms;
  /* One line of text in drawn ms at the scale the plot draws (the span plus
   * 2% padding at each end over SPACETIME_PLOT_PX). Labels moved past either
   * end widen the span, which shrinks the scale: a second pass lays them
   * out again at the final scale. */
  for (int pass = 0; pass < 2; pass++) {
    double line_ms = MAX(ymax - ymin, 1e-3) * 1.04 * SPACETIME_LINE_PX / SPACETIME_PLOT_PX;
    spacetime_layout(labels, line_ms, 12, -0.45, (double) d->names->len - 0.55);
    for (guint i = 0; i < labels->len; i++) {
      const SpacetimeLabel *l = labels->pdata[i];
      ymin = MIN(ymin, l->y - line_ms / 2);
      ymax = MAX(ymax, l->y + line_ms / 2);
    }
  }
  g_autoptr(GString) nodes = g_string_new(NULL), delivered = g_string_new(NULL), lost = g_string_new(NULL);
  g_autoptr(GString) marks = g_string_new(NULL), label_rows = g_string_new(NULL), ticks = g_string_new(NULL);
  g_autoptr(GString) shortened = g_string_new(NULL);
  for (guint i = 0; i < d->names->len; i++)
    g_string_append_printf(nodes, "%u\t%s\t%.6f\t%.6f\n", i, (char *) d->names->pdata[i], ymin, ymax);
  for (guint i = 0; i < d->items->len; i++) {
    const Item *it = d->items->pdata[i];
    double y0 = spacetime_time_map_y(map, it->t0);
    if (it->kind == ITEM_DELIVERED)
      g_string_append_printf(delivered, "%d\t%.6f\t%d\t%.6f\t%s\t%.6f\t%.6f\n", it->x0, y0, it->x1 - it->x0,
                             spacetime_time_map_y(map, it->t1) - y0, it->label, it->t0, it->t1);
    else if (it->kind == ITEM_LOST)
      g_string_append_printf(lost, "%d\t%.6f\t%d\t%s\t%s\t%.3f\t%.6f\n", it->x0, y0, it->x1, it->label, it->reason,
                             it->x1 >= it->x0 ? LOST_STUB : -LOST_STUB, it->t0);
    else
      g_string_append_printf(marks, "%d\t%.6f\t%s\t%.6f\n", it->x0, y0, it->label, it->t0);
  }
  for (guint i = 0; i < labels->len; i++) {
    const SpacetimeLabel *l = labels->pdata[i];
    if (!l->klass)
      continue; /* an obstacle */
    if (l->leader)
      g_string_append_printf(label_rows, "%.4f\t%.6f\t%s\t%s\t%.4f\t%.6f\n", l->x, l->y, l->text, l->klass, l->ax, l->ay);
    else
      g_string_append_printf(label_rows, "%.4f\t%.6f\t%s\t%s\tnan\tnan\n", l->x, l->y, l->text, l->klass);
  }
  time_ticks(map, ymax - ymin, ticks);
  for (guint i = 0; i < map->t->len; i++)
    if (spacetime_time_map_shortened(map, i))
      g_string_append_printf(shortened, "%.6f\t%.6f\t%.1f ms idle\n", g_array_index(map->y, double, i),
                             g_array_index(map->y, double, i + 1),
                             g_array_index(map->t, double, i + 1) - g_array_index(map->t, double, i));
  g_autoptr(GString) out = g_string_new(NULL);
  block(out, nodes, "nodes: x name y_min y_max (the span drawn)", "nan\t-\tnan\tnan\n");
  block(out, delivered, "delivered: x_from y_send dx dy label t_send_ms t_deliver_ms", "nan\tnan\tnan\tnan\t-\tnan\tnan\n");
  block(out, lost, "lost: x_from y_send x_to label reason stub_dx t_send_ms", "nan\tnan\tnan\t-\t-\tnan\tnan\n");
  block(out, marks, "marks: x y label t_ms", "nan\tnan\t-\tnan\n");
  block(out, label_rows, "labels: x_left y text class anchor_x anchor_y (anchor: where a leader line starts)",
        "nan\tnan\t-\t-\tnan\tnan\n");
  block(out, ticks, "time: y t_ms text (time-axis labels)", "nan\tnan\t-\n");
  block(out, shortened, "shortened: y_from y_to text (idle stretches drawn shorter than they are)", "nan\tnan\t-\n");
  fwrite(out->str, 1, out->len, stdout);
}

static const char spacetime_description[] =
  "Input: a trace written by `faultsim run --trace FILE` (JSON lines with \"t\" in\n"
  "nanoseconds and \"kind\"). Only what happens in the window is drawn: messages\n"
  "sent in it (delivered within it, or lost), faults and protocol events.\n"
  "\n"
  "Output on stdout: tab-separated gnuplot data blocks (nodes, delivered, lost,\n"
  "marks, labels, time, shortened) for plots/spacetime.gp; every label already\n"
  "has a place where it overprints no other. Time runs to scale inside bursts\n"
  "of messages; an idle stretch (over 8 times the median gap between events)\n"
  "is drawn shorter, so that bursts get 60% of the drawing, and is marked with\n"
  "its real length (--linear: all to scale).\n"
  "`faultsim plot spacetime TRACE --from S --to S` runs this command and gnuplot\n"
  "and writes a PNG (or SVG); tools/spacetime.sh also runs the scenario first.\n"
  "\n"
  "--values names the values of a message or event field: with\n"
  "--values commit=0:abort,1:commit an event {type=decide, commit=0, txn=64}\n"
  "reads \"decide abort txn=64\" and a DECISION message with commit=0 reads\n"
  "\"DECISION abort\". Unnamed fields of events show as name=value; messages\n"
  "show their type and named fields only.\n"
  "\n"
  "Exit status: 0 the data was written; 2 bad options, or a file that cannot be\n"
  "read or is not a trace (the message names FILE:LINE); nothing is written then.\n"
  "\n"
  "Examples:\n"
  "  faultsim run scenarios/triggers.lua --trace t.jsonl\n"
  "  faultsim spacetime t.jsonl --from 0.9 --to 1.2 > t.tsv\n"
  "  gnuplot -c plots/spacetime.gp t.tsv t.png \"triggers\"\n"
  "  tools/spacetime.sh --values commit=0:abort,1:commit \\\n"
  "      scenarios/labs/2pc/grade.lua 5.70 5.84 seed5.png --seed 5 --set solution=_wrong_decide_alone.lua";

int handle_spacetime(int argc, char **argv)
{
  double from = 0, to = INFINITY;
  gint limit = 400;
  gboolean linear = FALSE;
  g_auto(GStrv) values = NULL;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_DOUBLE, &from, "Start of the window in seconds (default 0)", "S" },
    { "to", 0, 0, G_OPTION_ARG_DOUBLE, &to, "End of the window in seconds (default: the end)", "S" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "At most this many arrows, and as many marks (default 400)", "N" },
    { "values", 0, 0, G_OPTION_ARG_STRING_ARRAY, &values, "Name a field's values in labels (repeatable)",
      "FIELD=V:WORD,..." },
    { "linear", 0, 0, G_OPTION_ARG_NONE, &linear, "Draw all of the time to scale (default: idle stretches shorter)",
      NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("TRACE.jsonl - space-time diagram data from a trace");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(ctx,
      "Reads a trace of one run and prints the data of a message sequence\n"
      "diagram of a window of it: a column per node, time running down, an arrow\n"
      "per delivered message, a cross at the sender for a lost one, marks for\n"
      "crashes, restarts, pauses and protocol events.");
  g_option_context_set_description(ctx, spacetime_description);
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
  Diagram d = {
    .names = g_ptr_array_new_with_free_func(g_free),
    .column = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
    .sent = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, sent_free),
    .values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref),
    .items = g_ptr_array_new_with_free_func(item_free),
    .times = g_array_new(FALSE, FALSE, sizeof(double)),
    .limit = (guint) limit,
    .linear = linear,
    .from_ms = from * 1e3,
    .to_ms = isinf(to) ? INFINITY : to * 1e3,
  };
  int status = SIM_EXIT_OK;
  g_autofree char *text = NULL;
  if (!parse_values(&d, values, &error) || !g_file_get_contents(argv[1], &text, NULL, &error)) {
    fprintf(stderr, "faultsim spacetime: %s\n", error->message);
    g_clear_error(&error);
    status = SIM_EXIT_USAGE;
  }
  g_autoptr(JsonParser) parser = json_parser_new();
  guint lineno = 0;
  for (char *line = text, *next; status == SIM_EXIT_OK && line && *line; line = next) {
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
    }
  }
  if (status == SIM_EXIT_OK) {
    write_diagram(&d);
    if (d.truncated)
      fprintf(stderr, "faultsim spacetime: only the first %u arrows and %u marks of the window are drawn; "
              "narrow it with --from/--to\n", d.limit, d.limit);
  }
  g_ptr_array_unref(d.names);
  g_hash_table_unref(d.column);
  g_hash_table_unref(d.sent);
  g_hash_table_unref(d.values);
  g_ptr_array_unref(d.items);
  g_array_unref(d.times);
  return status;
}
