/* The trace excerpt around a violation: see grade_excerpt.h. The trace is
 * read as text (a cheap scan for the time, kind and node names of each
 * line); only the chosen lines are parsed as JSON, to print them. */
#include "sim/cli/grade_excerpt.h"
#include "sim/kernel/errors.h"
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

gboolean grade_violation_time(const char *example, SimTime *at)
{
  const char *p = strstr(example, "t=");
  if (!p || (p != example && p[-1] != ' '))
    return FALSE;
  char *end = NULL;
  double s = g_ascii_strtod(p + 2, &end);
  if (end == p + 2 || *end != 's' || !isfinite(s) || s < 0 || s > 9e9)
    return FALSE;
  *at = (SimTime) llround(s * 1e9);
  return TRUE;
}

static gboolean is_word_char(char c)
{
  return g_ascii_isalnum(c) || c == '_' || c == '.' || c == '-';
}

/* TRUE if `name` occurs in `text` as a whole word. */
static gboolean names(const char *text, const char *name)
{
  size_t n = strlen(name);
  for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
    gboolean left = p == text || !is_word_char(p[-1]);
    gboolean right = !is_word_char(p[n]) || (p[n] == '.' && !is_word_char(p[n + 1]));
    if (left && right)
      return TRUE;
  }
  return FALSE;
}

static const char *const shown_kinds[] = {
  "\"kind\":\"send\"", "\"kind\":\"deliver\"", "\"kind\":\"drop\"", "\"kind\":\"duplicate\"",
  "\"kind\":\"crash\"", "\"kind\":\"restart\"", "\"kind\":\"pause\"", "\"kind\":\"resume\"",
  "\"kind\":\"event\"", NULL,
};

/* TRUE if the trace line is of a shown kind and concerns one of `who`
 * (JSON-quoted node names). */
static gboolean wanted(const char *line, GPtrArray *who)
{
  gboolean kind = FALSE;
  for (int i = 0; shown_kinds[i] && !kind; i++)
    kind = strstr(line, shown_kinds[i]) != NULL;
  if (!kind)
    return FALSE;
  for (guint i = 0; i < who->len; i++) {
    g_autofree char *as_node = g_strdup_printf("\"node\":%s", (char *) who->pdata[i]);
    g_autofree char *as_peer = g_strdup_printf("\"peer\":%s", (char *) who->pdata[i]);
    if (strstr(line, as_node) || strstr(line, as_peer))
      return TRUE;
  }
  return FALSE;
}

/* "TYPE {f=v, ...}" of a trace line's message. */
static void append_msg(GString *s, JsonObject *msg)
{
  g_string_append(s, json_object_get_string_member_with_default(msg, "type", "?"));
  g_autoptr(GList) members = json_object_get_members(msg);
  gboolean first = TRUE;
  for (GList *m = members; m; m = m->next) {
    const char *name = m->data;
    if (strcmp(name, "type") == 0 || strcmp(name, "id") == 0)
      continue;
    g_string_append_printf(s, "%s%s=%" G_GINT64_FORMAT, first ? " {" : ", ", name,
                           json_object_get_int_member(msg, name));
    first = FALSE;
  }
  if (!first)
    g_string_append_c(s, '}');
}

/* One readable line for a trace line: time, who, what. */
static char *describe(const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new();
  if (!json_parser_load_from_data(parser, line, -1, NULL) || !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
    return g_strdup(line);
  JsonObject *o = json_node_get_object(json_parser_get_root(parser));
  const char *kind = json_object_get_string_member_with_default(o, "kind", "?");
  const char *node = json_object_get_string_member_with_default(o, "node", "");
  const char *peer = json_object_get_string_member_with_default(o, "peer", "");
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "%.6fs  ", (double) json_object_get_int_member_with_default(o, "t", 0) / 1e9);
  if (strcmp(kind, "send") == 0)
    g_string_append_printf(s, "%s -> %s  send ", node, peer);
  else if (strcmp(kind, "deliver") == 0 || strcmp(kind, "drop") == 0 || strcmp(kind, "duplicate") == 0)
    g_string_append_printf(s, "%s -> %s  %s ", peer, node, kind);
  else if (strcmp(kind, "event") == 0)
    g_string_append_printf(s, "%s  emits ", node);
  else
    g_string_append_printf(s, "%s  %s", node, kind);
  if (json_object_has_member(o, "msg") && JSON_NODE_HOLDS_OBJECT(json_object_get_member(o, "msg")))
    append_msg(s, json_object_get_object_member(o, "msg"));
  const char *detail = json_object_get_string_member_with_default(o, "detail", NULL);
  if (detail)
    g_string_append_printf(s, " (%s)", detail);
  return g_string_free(s, FALSE);
}

GPtrArray *grade_excerpt(const char *path, guint64 seed, GHashTable *overrides, const ScenarioLimits *limits,
                         SimTime at, const char *text, char **nodes, GError **error)
{
  g_autofree char *trace = NULL;
  int fd = g_file_open_tmp("faultsim-grade-XXXXXX.jsonl", &trace, error);
  if (fd < 0)
    return NULL;
  g_close(fd, NULL);
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  options.limits = *limits;
  options.trace_path = trace;
  Scenario *sc = scenario_run(path, seed, overrides, &options, error);
  if (!sc) {
    g_unlink(trace);
    return NULL;
  }
  g_autoptr(GPtrArray) who = g_ptr_array_new_with_free_func(g_free);
  GString *shown = g_string_new(NULL);
  for (int pass = 0; pass < 2 && who->len == 0; pass++)
    for (guint i = 0; i < sim_node_count(sc->sim); i++) {
      const char *name = sim_node_name(sim_node(sc->sim, i));
      if (pass == 1 || names(text, name)) {
        g_ptr_array_add(who, g_strdup_printf("\"%s\"", name));
        g_string_append_printf(shown, "%s%s", shown->len ? ", " : "", name);
      }
    }
  scenario_free(sc);
  *nodes = g_string_free(shown, FALSE);

  FILE *in = fopen(trace, "r");
  g_unlink(trace);
  if (!in) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot read the trace again: %s", g_strerror(errno));
    g_clear_pointer(nodes, g_free);
    return NULL;
  }
  /* A ring of the last BEFORE wanted lines at or before `at`, then the
   * first AFTER wanted lines after it. The trace is read a line at a time:
   * a long run's trace is far larger than the few lines kept. */
  char *before[GRADE_EXCERPT_BEFORE] = { NULL };
  guint nbefore = 0;
  g_autoptr(GPtrArray) after = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GString) line = g_string_new(NULL);
  char chunk[4096];
  while (after->len < GRADE_EXCERPT_AFTER && fgets(chunk, sizeof chunk, in)) {
    g_string_append(line, chunk);
    if (line->str[line->len - 1] != '\n' && !feof(in))
      continue;
    g_strchomp(line->str);
    if (g_str_has_prefix(line->str, "{\"t\":") && wanted(line->str, who)) {
      gint64 t = g_ascii_strtoll(line->str + 5, NULL, 10);
      if (t <= at) {
        g_free(before[nbefore % GRADE_EXCERPT_BEFORE]);
        before[nbefore++ % GRADE_EXCERPT_BEFORE] = g_strdup(line->str);
      } else {
        g_ptr_array_add(after, g_strdup(line->str));
      }
    }
    g_string_truncate(line, 0);
  }
  fclose(in);
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  guint kept = MIN(nbefore, GRADE_EXCERPT_BEFORE);
  for (guint i = 0; i < kept; i++)
    g_ptr_array_add(out, describe(before[(nbefore - kept + i) % GRADE_EXCERPT_BEFORE]));
  for (guint i = 0; i < GRADE_EXCERPT_BEFORE; i++)
    g_free(before[i]);
  for (guint i = 0; i < after->len; i++)
    g_ptr_array_add(out, describe(after->pdata[i]));
  return out;
}
