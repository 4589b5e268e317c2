/* JSON and SVG outputs of a check (see sim/check/lincheck_out.h). */
#include "sim/check/lincheck_out.h"
#include "sim/kernel/json_text.h"
#include <json-glib/json-glib.h>
#include <string.h>

/* Adds member `name` holding the strings of `a` (NULL: empty). */
static void json_strings(JsonBuilder *b, const char *name, const GPtrArray *a)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_array(b);
  for (guint k = 0; a && k < a->len; k++)
    json_builder_add_string_value(b, g_ptr_array_index(a, k));
  json_builder_end_array(b);
}

char *lincheck_result_json(const LincheckResult *r, const char *model, const char *file, double seconds)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "valid");
  if (r->verdict == LINCHECK_UNKNOWN)
    json_builder_add_string_value(b, "unknown");
  else
    json_builder_add_boolean_value(b, r->verdict == LINCHECK_OK);
  json_builder_set_member_name(b, "model");
  json_builder_add_string_value(b, model);
  json_builder_set_member_name(b, "file");
  json_builder_add_string_value(b, file);
  json_builder_set_member_name(b, "operations");
  json_builder_add_int_value(b, r->n_ops);
  json_builder_set_member_name(b, "keys");
  json_builder_add_int_value(b, r->n_keys);
  json_builder_set_member_name(b, "dropped");
  json_builder_add_int_value(b, r->n_dropped);
  json_builder_set_member_name(b, "steps");
  json_builder_add_int_value(b, (gint64) MIN(r->steps, (guint64) G_MAXINT64));
  json_builder_set_member_name(b, "seconds");
  json_builder_add_double_value(b, seconds);
  json_builder_set_member_name(b, "peak_memory_bytes");
  json_builder_add_int_value(b, (gint64) MIN(r->peak_memory, (guint64) G_MAXINT64));
  if (r->verdict == LINCHECK_UNKNOWN) {
    json_builder_set_member_name(b, "reason");
    json_builder_add_string_value(b, r->reason ? r->reason : "search stopped");
    json_builder_set_member_name(b, "undecided_keys");
    json_builder_add_int_value(b, r->n_undecided);
  }
  if (r->verdict == LINCHECK_VIOLATION) {
    json_builder_set_member_name(b, "key");
    if (r->key)
      json_builder_add_string_value(b, r->key);
    else
      json_builder_add_null_value(b);
    json_builder_set_member_name(b, "op");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "index");
    json_builder_add_int_value(b, r->bad_index);
    json_builder_set_member_name(b, "process");
    json_builder_add_int_value(b, r->bad_process);
    json_builder_set_member_name(b, "line");
    json_builder_add_int_value(b, r->bad_line);
    json_builder_set_member_name(b, "text");
    json_builder_add_string_value(b, r->bad ? r->bad : "");
    json_builder_end_object(b);
    json_strings(b, "concurrent", r->concurrent);
    json_strings(b, "states", r->states);
    json_builder_set_member_name(b, "window");
    json_builder_begin_array(b);
    for (guint k = 0; r->window && k < r->window->len; k++) {
      const LincheckWindowOp *o = &g_array_index(r->window, LincheckWindowOp, k);
      json_builder_begin_object(b);
      json_builder_set_member_name(b, "index");
      json_builder_add_int_value(b, o->index);
      json_builder_set_member_name(b, "process");
      json_builder_add_int_value(b, o->process);
      json_builder_set_member_name(b, "label");
      json_builder_add_string_value(b, o->label);
      json_builder_set_member_name(b, "invoke");
      json_builder_add_int_value(b, o->inv_pos);
      json_builder_set_member_name(b, "complete");
      if (o->done_pos == G_MAXUINT)
        json_builder_add_null_value(b);
      else
        json_builder_add_int_value(b, o->done_pos);
      json_builder_set_member_name(b, "order");
      if (o->order < 0)
        json_builder_add_null_value(b);
      else
        json_builder_add_int_value(b, o->order);
      json_builder_set_member_name(b, "bad");
      json_builder_add_boolean_value(b, o->bad);
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
  }
  if (r->linearization)
    json_strings(b, "linearization", r->linearization);
  json_builder_end_object(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  g_autofree char *text = sim_json_text(root, FALSE, NULL);
  return g_strconcat(text, "\n", NULL);
}

/* ---- SVG --------------------------------------------------------------- */

#define SVG_ROW 34        /* pixels per process row */
#define SVG_LEFT 110      /* room for the process names */
#define SVG_TOP 64        /* room for the title and the legend */
#define SVG_UNIT 48       /* pixels per history position */
#define SVG_BAR 20        /* bar height */

static int cmp_gint64(gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/* Appends `text` XML-escaped. */
static void svg_text(GString *s, const char *text)
{
  g_autofree char *e = g_markup_escape_text(text, -1);
  g_string_append(s, e);
}

char *lincheck_result_svg(const LincheckResult *r, const char *title)
{
  GString *s = g_string_new(NULL);
  guint n = r->window ? r->window->len : 0;
  /* The rows: the processes of the window, in increasing order. */
  g_autoptr(GArray) procs = g_array_new(FALSE, FALSE, sizeof(gint64));
  guint lo = G_MAXUINT, hi = 0;
  for (guint k = 0; k < n; k++) {
    const LincheckWindowOp *o = &g_array_index(r->window, LincheckWindowOp, k);
    gboolean seen = FALSE;
    for (guint p = 0; p < procs->len && !seen; p++)
      seen = g_array_index(procs, gint64, p) == o->process;
    if (!seen)
      g_array_append_val(procs, o->process);
    lo = MIN(lo, o->inv_pos);
    hi = MAX(hi, o->done_pos == G_MAXUINT ? o->inv_pos : o->done_pos);
  }
  g_array_sort(procs, cmp_gint64);
  if (n == 0)
    lo = hi = 0;
  guint open_end = hi + 2;   /* where the bars of unknown outcomes end */
  int width = MAX(SVG_LEFT + (int) (open_end - lo + 1) * SVG_UNIT + 120, 820);
  int height = SVG_TOP + (int) MAX(procs->len, 1) * SVG_ROW + 60;
  g_string_append_printf(s,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "font-family=\"monospace\" font-size=\"11\">\n"
      "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
      width, height, width, height, width, height);
  g_string_append(s, "<text x=\"8\" y=\"18\" font-size=\"13\" font-weight=\"bold\">");
  svg_text(s, title);
  g_string_append(s, r->verdict == LINCHECK_VIOLATION ? ": not linearizable" : "");
  if (r->key) {
    g_string_append(s, ", key ");
    svg_text(s, r->key);
  }
  g_string_append(s, "</text>\n<text x=\"8\" y=\"36\">");
  g_string_append(s, "cannot place: ");
  svg_text(s, r->bad ? r->bad : "(none)");
  g_string_append_printf(s, "</text>\n<text x=\"8\" y=\"52\" fill=\"#555\">bars: invocation to completion "
                            "(open end: outcome unknown); red: cannot be placed; green 1..%u: the last "
                            "order the search linearized</text>\n", r->n_order);
  for (guint p = 0; p < procs->len; p++) {
    int y = SVG_TOP + (int) p * SVG_ROW;
    g_string_append_printf(s, "<text x=\"8\" y=\"%d\">process %" G_GINT64_FORMAT "</text>\n"
                              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                           y + SVG_BAR / 2 + 4, g_array_index(procs, gint64, p), SVG_LEFT, y + SVG_ROW - 4,
                           width - 10, y + SVG_ROW - 4);
  }
  for (guint k = 0; k < n; k++) {
    const LincheckWindowOp *o = &g_array_index(r->window, LincheckWindowOp, k);
    guint row = 0;
    while (row < procs->len && g_array_index(procs, gint64, row) != o->process)
      row++;
    guint end = o->done_pos == G_MAXUINT ? open_end : o->done_pos;
    int x1 = SVG_LEFT + (int) (o->inv_pos - lo) * SVG_UNIT;
    int x2 = SVG_LEFT + (int) (end - lo) * SVG_UNIT + SVG_UNIT / 2;
    int y = SVG_TOP + (int) row * SVG_ROW;
    const char *fill = o->bad ? "#f4a6a6" : o->order >= 0 ? "#b7e4b0" : "#d9e2f0";
    const char *stroke = o->bad ? "#c00000" : "#555";
    g_string_append_printf(s, "<g class=\"op%s\" data-index=\"%" G_GINT64_FORMAT "\"><title>",
                           o->bad ? " bad" : "", o->index);
    svg_text(s, o->text);
    g_string_append_printf(s, "</title><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"3\" fill=\"%s\" "
                              "stroke=\"%s\"%s%s/>",
                           x1, y, MAX(x2 - x1, 4), SVG_BAR, fill, stroke, o->bad ? " stroke-width=\"2\"" : "",
                           o->done_pos == G_MAXUINT ? " stroke-dasharray=\"4 3\"" : "");
    g_string_append_printf(s, "<text x=\"%d\" y=\"%d\">", x1 + 3, y + 14);
    if (o->order >= 0)
      g_string_append_printf(s, "%d. ", o->order + 1);
    svg_text(s, o->label);
    g_string_append(s, "</text></g>\n");
  }
  g_string_append(s, "</svg>\n");
  return g_string_free(s, FALSE);
}
