/* Reading JSON-lines files (--trace, --history) for `faultsim plot`. */
#include "sim/cli/plot_trace.h"
#include "sim/kernel/errors.h"
#include <string.h>

gboolean plot_jsonl_each(const char *path, PlotJsonLine fn, void *data, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &text, &len, error))
    return FALSE;
  if (memchr(text, '\0', len)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: a NUL byte: not a JSON-lines file", path);
    return FALSE;
  }
  g_autoptr(JsonParser) parser = json_parser_new();
  guint line = 0;
  for (char *p = text, *next; p && *p; p = next) {
    line++;
    next = strchr(p, '\n');
    if (next)
      *next++ = '\0';
    g_strchomp(p);
    if (!*p)
      continue;
    GError *parse_error = NULL;
    JsonNode *root = json_parser_load_from_data(parser, p, -1, &parse_error) ? json_parser_get_root(parser) : NULL;
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:%u: not a JSON object%s%s", path, line,
                  parse_error ? ": " : "", parse_error ? parse_error->message : "");
      g_clear_error(&parse_error);
      return FALSE;
    }
    if (!fn(json_node_get_object(root), data, error)) {
      g_prefix_error(error, "%s:%u: ", path, line);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean plot_member_int(JsonObject *o, const char *name, gint64 *out, GError **error)
{
  JsonNode *n = json_object_get_member(o, name);
  if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "no integer '%s'", name);
    return FALSE;
  }
  *out = json_node_get_int(n);
  return TRUE;
}

const char *plot_member_string(JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member(o, name);
  if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string(n);
}

gboolean plot_parse_window(const char *text, SimTime *out, GError **error)
{
  if (!text)
    return TRUE;
  if (!sim_time_parse(text, out, error) || *out <= 0) {
    if (!*error)
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "must be above 0");
    g_prefix_error(error, "--window %s: ", text);
    return FALSE;
  }
  return TRUE;
}

SimTime plot_default_window(SimTime span, guint most)
{
  SimTime w = 1;
  for (int k = 0; k < 18; k++, w *= 10)
    for (int m = 1; m <= 5; m += m == 1 ? 1 : 3)
      if (span / (w * m) < most)
        return w * m;
  return span;
}
