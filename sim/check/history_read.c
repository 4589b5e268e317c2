/* History readers: splits the input into lines and turns each line of the
 * chosen format into a HistoryOp (see sim/check/history_read.h). */
#include "sim/check/history_read.h"
#include "sim/check/history_edn.h"
#include "sim/kernel/errors.h"
#include <json-glib/json-glib.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- values ---------------------------------------------------------- */

HistoryValue *history_value_new(HistoryValueKind kind)
{
  HistoryValue *v = g_new0(HistoryValue, 1);
  v->kind = kind;
  if (kind == HISTORY_LIST || kind == HISTORY_SET || kind == HISTORY_MAP)
    v->items = g_ptr_array_new_with_free_func((GDestroyNotify) history_value_free);
  return v;
}

void history_value_free(HistoryValue *v)
{
  if (!v)
    return;
  g_free(v->s);
  if (v->items)
    g_ptr_array_unref(v->items);
  g_free(v);
}

HistoryValue *history_value_copy(const HistoryValue *v)
{
  HistoryValue *c = history_value_new(v->kind);
  c->i = v->i;
  c->s = g_strdup(v->s);
  if (v->items)
    for (guint k = 0; k < v->items->len; k++)
      g_ptr_array_add(c->items, history_value_copy(g_ptr_array_index(v->items, k)));
  return c;
}

/* TRUE when every item of set `a` is equal to some item of set `b`. */
static gboolean set_subset(const HistoryValue *a, const HistoryValue *b)
{
  for (guint i = 0; i < a->items->len; i++) {
    gboolean found = FALSE;
    for (guint j = 0; j < b->items->len && !found; j++)
      found = history_value_equal(g_ptr_array_index(a->items, i), g_ptr_array_index(b->items, j));
    if (!found)
      return FALSE;
  }
  return TRUE;
}

gboolean history_value_equal(const HistoryValue *a, const HistoryValue *b)
{
  if (a->kind != b->kind)
    return FALSE;
  switch (a->kind) {
  case HISTORY_NIL:
    return TRUE;
  case HISTORY_BOOL:
  case HISTORY_INT:
    return a->i == b->i;
  case HISTORY_STR:
  case HISTORY_KW:
  case HISTORY_SYM:
    return strcmp(a->s, b->s) == 0;
  case HISTORY_SET:
    return set_subset(a, b) && set_subset(b, a);
  case HISTORY_LIST:
  case HISTORY_MAP:
    if (a->items->len != b->items->len)
      return FALSE;
    for (guint k = 0; k < a->items->len; k++)
      if (!history_value_equal(g_ptr_array_index(a->items, k), g_ptr_array_index(b->items, k)))
        return FALSE;
    return TRUE;
  }
  return FALSE;
}

void history_value_append(const HistoryValue *v, GString *out)
{
  const char *open = "[", *close = "]";
  switch (v->kind) {
  case HISTORY_NIL: g_string_append(out, "nil"); return;
  case HISTORY_BOOL: g_string_append(out, v->i ? "true" : "false"); return;
  case HISTORY_INT: g_string_append_printf(out, "%" G_GINT64_FORMAT, v->i); return;
  case HISTORY_KW: g_string_append_printf(out, ":%s", v->s); return;
  case HISTORY_SYM: g_string_append(out, v->s); return;
  case HISTORY_STR:
    g_string_append_c(out, '"');
    for (const char *p = v->s; *p; p++) {
      if (*p == '"' || *p == '\\')
        g_string_append_c(out, '\\');
      if (*p == '\n')
        g_string_append(out, "\\n");
      else
        g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
    return;
  case HISTORY_SET: open = "#{"; close = "}"; break;
  case HISTORY_MAP: open = "{"; close = "}"; break;
  case HISTORY_LIST: break;
  }
  g_string_append(out, open);
  for (guint k = 0; k < v->items->len; k++) {
    if (k)
      g_string_append_c(out, ' ');
    history_value_append(g_ptr_array_index(v->items, k), out);
  }
  g_string_append(out, close);
}

char *history_value_to_string(const HistoryValue *v)
{
  GString *s = g_string_new(NULL);
  history_value_append(v, s);
  return g_string_free(s, FALSE);
}

const char *history_type_name(HistoryType t)
{
  static const char *const names[] = { "invoke", "ok", "fail", "info" };
  return (guint) t < G_N_ELEMENTS(names) ? names[t] : "?";
}

void history_op_free(HistoryOp *op)
{
  if (!op)
    return;
  g_free(op->f);
  history_value_free(op->key);
  history_value_free(op->value);
  g_free(op);
}

/* A new op with defaults: no time, nil value. */
static HistoryOp *op_new(const char *source, guint line)
{
  HistoryOp *op = g_new0(HistoryOp, 1);
  op->source = source;
  op->line = line;
  op->index = -1;
  op->time = -1;
  op->value = history_value_new(HISTORY_NIL);
  return op;
}

/* Parses a type name; FALSE when it is none of the four. */
static gboolean type_parse(const char *name, HistoryType *out)
{
  static const char *const names[] = { "invoke", "ok", "fail", "info" };
  for (guint k = 0; k < G_N_ELEMENTS(names); k++)
    if (strcmp(name, names[k]) == 0) {
      *out = (HistoryType) k;
      return TRUE;
    }
  return FALSE;
}

/* ---- formats --------------------------------------------------------- */

gboolean history_format_parse(const char *name, HistoryFormat *out, GError **error)
{
  static const struct { const char *name; HistoryFormat format; } formats[] = {
    { "auto", HISTORY_FORMAT_AUTO }, { "json", HISTORY_FORMAT_JSON },
    { "edn", HISTORY_FORMAT_EDN }, { "jepsen-log", HISTORY_FORMAT_JEPSEN_LOG },
  };
  for (guint k = 0; k < G_N_ELEMENTS(formats); k++)
    if (strcmp(name, formats[k].name) == 0) {
      *out = formats[k].format;
      return TRUE;
    }
  g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
              "unknown format '%s' (expected json, edn or jepsen-log)", name);
  return FALSE;
}

HistoryFormat history_detect(const char *text)
{
  const char *p = text;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  if (*p == '\0')
    return HISTORY_FORMAT_AUTO;
  if (*p == '#')
    return HISTORY_FORMAT_EDN;
  if (*p == '{') {
    p++;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '"' || *p == '}')
      return HISTORY_FORMAT_JSON;
    if (*p == ':')
      return HISTORY_FORMAT_EDN;
    return HISTORY_FORMAT_AUTO;
  }
  return HISTORY_FORMAT_JEPSEN_LOG;
}

/* Sets `error` to `cause`'s message prefixed with "FILE:LINE: "; frees `cause`. */
static void line_error(GError **error, const char *source, guint line, GError *cause)
{
  g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:%u: %s", source, line, cause->message);
  g_error_free(cause);
}

/* ---- json ------------------------------------------------------------ */

/* Converts a JSON node into a value; FALSE with error on nothing. */
static HistoryValue *json_to_value(JsonNode *node, int depth, GError **error)
{
  if (depth > HISTORY_MAX_DEPTH) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "values nested deeper than %d", HISTORY_MAX_DEPTH);
    return NULL;
  }
  switch (json_node_get_node_type(node)) {
  case JSON_NODE_NULL:
    return history_value_new(HISTORY_NIL);
  case JSON_NODE_VALUE: {
    GType t = json_node_get_value_type(node);
    HistoryValue *v;
    if (t == G_TYPE_INT64) {
      v = history_value_new(HISTORY_INT);
      v->i = json_node_get_int(node);
    } else if (t == G_TYPE_BOOLEAN) {
      v = history_value_new(HISTORY_BOOL);
      v->i = json_node_get_boolean(node);
    } else if (t == G_TYPE_STRING) {
      v = history_value_new(HISTORY_STR);
      v->s = g_strdup(json_node_get_string(node));
    } else {
      double d = json_node_get_double(node);
      if (!isfinite(d)) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "number out of range");
        return NULL;
      }
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      v = history_value_new(HISTORY_SYM);
      v->s = g_strdup(g_ascii_dtostr(buf, sizeof buf, d));
    }
    return v;
  }
  case JSON_NODE_ARRAY: {
    JsonArray *a = json_node_get_array(node);
    g_autoptr(HistoryValue) v = history_value_new(HISTORY_LIST);
    for (guint k = 0; k < json_array_get_length(a); k++) {
      HistoryValue *item = json_to_value(json_array_get_element(a, k), depth + 1, error);
      if (!item)
        return NULL;
      g_ptr_array_add(v->items, item);
    }
    return g_steal_pointer(&v);
  }
  case JSON_NODE_OBJECT: {
    JsonObject *o = json_node_get_object(node);
    g_autoptr(HistoryValue) v = history_value_new(HISTORY_MAP);
    g_autoptr(GList) members = json_object_get_members(o);
    for (GList *l = members; l; l = l->next) {
      HistoryValue *k = history_value_new(HISTORY_STR);
      k->s = g_strdup(l->data);
      g_ptr_array_add(v->items, k);
      HistoryValue *item = json_to_value(json_object_get_member(o, l->data), depth + 1, error);
      if (!item)
        return NULL;
      g_ptr_array_add(v->items, item);
    }
    return g_steal_pointer(&v);
  }
  }
  g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "unsupported JSON value");
  return NULL;
}

/* Reads an optional integer member; FALSE with error when present but not an integer. */
static gboolean json_int_member(JsonObject *o, const char *name, gint64 *out, GError **error)
{
  JsonNode *n = json_object_get_member(o, name);
  if (!n)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "\"%s\" must be an integer", name);
    return FALSE;
  }
  *out = json_node_get_int(n);
  return TRUE;
}

/* Reads a required string member into *out (borrowed). */
static gboolean json_str_member(JsonObject *o, const char *name, const char **out, GError **error)
{
  JsonNode *n = json_object_get_member(o, name);
  if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "\"%s\" must be a string", name);
    return FALSE;
  }
  *out = json_node_get_string(n);
  return TRUE;
}

/* Parses one JSON line into *out (NULL for a skipped nemesis op). */
static gboolean json_line(JsonParser *parser, const char *text, const char *source, guint line,
                          HistoryOp **out, GError **error)
{
  *out = NULL;
  g_autoptr(GError) perr = NULL;
  if (!json_parser_load_from_data(parser, text, -1, &perr)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "invalid JSON: %s", perr->message);
    return FALSE;
  }
  JsonNode *root = json_parser_get_root(parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "expected a JSON object");
    return FALSE;
  }
  JsonObject *o = json_node_get_object(root);
  JsonNode *pn = json_object_get_member(o, "process");
  if (pn && JSON_NODE_HOLDS_VALUE(pn) && json_node_get_value_type(pn) == G_TYPE_STRING &&
      strcmp(json_node_get_string(pn), "nemesis") == 0)
    return TRUE;
  g_autoptr(HistoryOp) op = op_new(source, line);
  const char *type = NULL, *f = NULL;
  if (!pn) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "missing \"process\"");
    return FALSE;
  }
  op->has_op_id = json_object_has_member(o, "op");
  if (!json_int_member(o, "process", &op->process, error) ||
      !json_int_member(o, "op", &op->op_id, error) ||
      !json_int_member(o, "index", &op->index, error) ||
      !json_int_member(o, "time", &op->time, error) ||
      !json_str_member(o, "type", &type, error) ||
      !json_str_member(o, "f", &f, error))
    return FALSE;
  if (!type_parse(type, &op->type)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "unknown type '%s' (expected invoke, ok, fail or info)", type);
    return FALSE;
  }
  op->f = g_strdup(f);
  JsonNode *vn = json_object_get_member(o, "value");
  if (vn) {
    HistoryValue *v = json_to_value(vn, 0, error);
    if (!v)
      return FALSE;
    history_value_free(op->value);
    op->value = v;
  }
  JsonNode *kn = json_object_get_member(o, "key");
  if (kn) {
    if (!JSON_NODE_HOLDS_VALUE(kn) || (json_node_get_value_type(kn) != G_TYPE_INT64 &&
                                       json_node_get_value_type(kn) != G_TYPE_STRING)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "\"key\" must be an integer or a string");
      return FALSE;
    }
    op->key = json_to_value(kn, 0, error);
  }
  *out = g_steal_pointer(&op);
  return TRUE;
}

/* ---- edn ------------------------------------------------------------- */

/* The value under keyword `name` in an EDN map, or NULL. */
static const HistoryValue *edn_get(const HistoryValue *map, const char *name)
{
  for (guint k = 0; k + 1 < map->items->len; k += 2) {
    const HistoryValue *key = g_ptr_array_index(map->items, k);
    if (key->kind == HISTORY_KW && strcmp(key->s, name) == 0)
      return g_ptr_array_index(map->items, k + 1);
  }
  return NULL;
}

/* Keyword or string text of `v`, or NULL. */
static const char *edn_name(const HistoryValue *v)
{
  return v && (v->kind == HISTORY_KW || v->kind == HISTORY_STR) ? v->s : NULL;
}

/* Fills op->process from a process value; *skip is set for the nemesis. */
static gboolean process_value(const HistoryValue *pv, HistoryOp *op, gboolean *skip, GError **error)
{
  *skip = FALSE;
  if (pv && pv->kind == HISTORY_INT) {
    op->process = pv->i;
    return TRUE;
  }
  if (pv && (pv->kind == HISTORY_KW || pv->kind == HISTORY_STR) && strcmp(pv->s, "nemesis") == 0) {
    *skip = TRUE;
    return TRUE;
  }
  g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "process must be an integer or :nemesis");
  return FALSE;
}

/* Fills op->type from a type value. */
static gboolean type_value(const HistoryValue *tv, HistoryOp *op, GError **error)
{
  const char *t = edn_name(tv);
  if (!t || !type_parse(t, &op->type)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "type must be :invoke, :ok, :fail or :info");
    return FALSE;
  }
  return TRUE;
}

/* Parses one EDN line into *out (NULL for a skipped nemesis op). */
static gboolean edn_line(const char *text, const char *source, guint line, HistoryOp **out,
                         GError **error)
{
  *out = NULL;
  g_autoptr(HistoryValue) map = history_edn_parse(text, strlen(text), error);
  if (!map)
    return FALSE;
  if (map->kind != HISTORY_MAP) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "expected an EDN map {...}");
    return FALSE;
  }
  g_autoptr(HistoryOp) op = op_new(source, line);
  gboolean skip = FALSE;
  if (!process_value(edn_get(map, "process"), op, &skip, error))
    return FALSE;
  if (skip)
    return TRUE;
  if (!type_value(edn_get(map, "type"), op, error))
    return FALSE;
  const char *f = edn_name(edn_get(map, "f"));
  if (!f) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, ":f must be a keyword");
    return FALSE;
  }
  op->f = g_strdup(f);
  const HistoryValue *v = edn_get(map, "value");
  if (v) {
    history_value_free(op->value);
    op->value = history_value_copy(v);
  }
  const HistoryValue *k = edn_get(map, "key");
  if (k)
    op->key = history_value_copy(k);
  const HistoryValue *idx = edn_get(map, "index"), *tm = edn_get(map, "time");
  if ((idx && idx->kind != HISTORY_INT) || (tm && tm->kind != HISTORY_INT)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, ":index and :time must be integers");
    return FALSE;
  }
  if (idx)
    op->index = idx->i;
  if (tm)
    op->time = tm->i;
  *out = g_steal_pointer(&op);
  return TRUE;
}

/* ---- jepsen log ------------------------------------------------------ */

/* TRUE for the bytes that separate log fields. */
static gboolean log_space(char ch)
{
  return ch == ' ' || ch == '\t';
}

/* The word (run of non-space bytes) starting at or after *p, before `end`:
 * sets *start and moves *p past it. FALSE when none is left. */
static gboolean log_word(const char **p, const char *end, const char **start)
{
  const char *q = *p;
  while (q < end && log_space(*q))
    q++;
  if (q == end)
    return FALSE;
  *start = q;
  while (q < end && !log_space(*q))
    q++;
  *p = q;
  return TRUE;
}

/* TRUE when text[0..len) is one of the type keywords :invoke, :ok, :fail,
 * :info; sets *type. */
static gboolean log_type_word(const char *text, gsize len, HistoryType *type)
{
  if (len < 2 || text[0] != ':' || len > 8)
    return FALSE;
  char name[8];
  memcpy(name, text + 1, len - 1);
  name[len - 1] = '\0';
  return type_parse(name, type);
}

/* Parses a Jepsen console log line. An operation line reads
 *   ... PROCESS :TYPE :F [VALUE [anything]]
 * with fields separated by tabs (as Jepsen writes them) or by any run of
 * spaces (as in Porcupine's test data): "INFO  jepsen.util - 3\t:ok\t:read\tnil".
 * The first word that is a type keyword (:invoke, :ok, :fail, :info) and
 * follows another word makes the line an operation; that word is PROCESS,
 * an integer or :nemesis. VALUE is one EDN value (nil when absent); what
 * follows it, such as Jepsen's error description, is ignored. Lines without
 * such a word are ignored (*out NULL, TRUE); so are lines whose PROCESS is
 * not a process when it is separated from the type by spaces only (a
 * message that happens to contain ":ok"). With a tab, a bad PROCESS is an
 * error. */
static gboolean log_line(const char *text, const char *source, guint line, HistoryOp **out,
                         GError **error)
{
  *out = NULL;
  const char *end = text + strlen(text), *p = text;
  const char *prev = NULL, *prev_end = NULL, *word = NULL;
  HistoryType type = HISTORY_INVOKE;
  for (;;) {
    if (!log_word(&p, end, &word))
      return TRUE;
    if (prev && log_type_word(word, (gsize) (p - word), &type))
      break;
    prev = word;
    prev_end = p;
  }
  g_autoptr(HistoryOp) op = op_new(source, line);
  op->type = type;
  g_autoptr(HistoryValue) pv = history_edn_parse(prev, (gsize) (prev_end - prev), NULL);
  gboolean skip = FALSE;
  if (!process_value(pv, op, &skip, NULL)) {
    if (!memchr(prev_end, '\t', (size_t) (word - prev_end)))
      return TRUE;
    return process_value(pv, op, &skip, error);
  }
  if (skip)
    return TRUE;
  const char *f = NULL;
  if (!log_word(&p, end, &f) || f[0] != ':' || p - f < 2) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "expected an operation name like :read after the type");
    return FALSE;
  }
  op->f = g_strndup(f + 1, (gsize) (p - f - 1));
  while (p < end && log_space(*p))
    p++;
  if (p < end) {
    gsize used = 0;
    HistoryValue *v = history_edn_parse_prefix(p, (gsize) (end - p), &used, error);
    if (!v)
      return FALSE;
    history_value_free(op->value);
    op->value = v;
  }
  *out = g_steal_pointer(&op);
  return TRUE;
}

/* ---- driver ---------------------------------------------------------- */

/* Refuses a line (len bytes, no NUL) that no parser should see: invalid
 * UTF-8, or brackets nested deeper than HISTORY_MAX_DEPTH levels inside the
 * operation's own map (json-glib recurses once per level and would overflow
 * the stack long before its own checks). For JSON it also refuses integers
 * outside 64 bits, which json-glib would silently turn into doubles.
 * Brackets inside string literals do not count, nor, outside JSON, those
 * after a ';' comment. The caller has already bounded the length. */
static gboolean line_prescan(const char *s, gsize len, HistoryFormat format, GError **error)
{
  const char *bad = NULL;
  if (!g_utf8_validate_len(s, len, &bad)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "invalid UTF-8 at byte %" G_GSIZE_FORMAT,
                (gsize) (bad - s) + 1);
    return FALSE;
  }
  gboolean json = format == HISTORY_FORMAT_JSON;
  guint depth = 0;
  for (gsize i = 0; i < len; i++) {
    char ch = s[i];
    if (ch == '"') {
      for (i++; i < len && s[i] != '"'; i++)
        if (s[i] == '\\')
          i++;
    } else if (ch == ';' && !json) {
      return TRUE;
    } else if (ch == '[' || ch == '{' || (ch == '(' && !json)) {
      if (++depth > HISTORY_MAX_DEPTH + 1) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "values nested deeper than %d",
                    HISTORY_MAX_DEPTH);
        return FALSE;
      }
    } else if (ch == ']' || ch == '}' || (ch == ')' && !json)) {
      depth -= depth > 0;
    } else if (json && (g_ascii_isdigit(ch) || ch == '-')) {
      /* A number: an integer must fit in 64 bits. */
      gsize start = i;
      gboolean integral = TRUE;
      while (i + 1 < len && (g_ascii_isalnum(s[i + 1]) || s[i + 1] == '.' || s[i + 1] == '+' ||
                             s[i + 1] == '-')) {
        i++;
        integral = integral && g_ascii_isdigit(s[i]);
      }
      gsize n = i + 1 - start;
      char buf[24];
      gboolean out_of_range = integral && n >= sizeof buf;
      if (integral && !out_of_range) {
        memcpy(buf, s + start, n);
        buf[n] = '\0';
        errno = 0;
        (void) g_ascii_strtoll(buf, NULL, 10);
        out_of_range = errno == ERANGE;
      }
      if (out_of_range) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "integer out of range: %.*s%s",
                    (int) MIN(n, 30), s + start, n > 30 ? "..." : "");
        return FALSE;
      }
    }
  }
  return TRUE;
}

GPtrArray *history_read_string(const char *text, gssize len, const char *source,
                               HistoryFormat format, GError **error)
{
  g_return_val_if_fail(text != NULL, NULL);
  if (len < 0)
    len = (gssize) strlen(text);
  source = g_intern_string(source ? source : "<history>");
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func((GDestroyNotify) history_op_free);
  g_autoptr(JsonParser) parser = NULL;
  const char *p = text, *end = text + len;
  guint line = 0;
  gboolean saw_log_op = FALSE, saw_text = FALSE;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t) (end - p));
    const char *stop = nl ? nl : end;
    line++;
    if ((gsize) (stop - p) > HISTORY_MAX_LINE) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:%u: line longer than %" G_GSIZE_FORMAT
                  " MiB", source, line, HISTORY_MAX_LINE >> 20);
      return NULL;
    }
    if (memchr(p, '\0', (size_t) (stop - p)) != NULL) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:%u: NUL byte in a text line", source, line);
      return NULL;
    }
    g_autofree char *buf = g_strndup(p, (gsize) (stop - p));
    p = nl ? nl + 1 : end;
    g_strchomp(buf);
    if (buf[0] == '\0' || strspn(buf, " \t") == strlen(buf))
      continue;
    saw_text = TRUE;
    if (format == HISTORY_FORMAT_AUTO) {
      format = history_detect(buf);
      if (format == HISTORY_FORMAT_AUTO) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                    "%s:%u: cannot tell the history format; use --format json|edn|jepsen-log",
                    source, line);
        return NULL;
      }
    }
    HistoryOp *op = NULL;
    GError *cause = NULL;
    gboolean ok = line_prescan(buf, strlen(buf), format, &cause);
    if (ok) {
      switch (format) {
      case HISTORY_FORMAT_JSON:
        if (!parser)
          parser = json_parser_new_immutable();
        ok = json_line(parser, buf, source, line, &op, &cause);
        break;
      case HISTORY_FORMAT_EDN:
        ok = edn_line(buf, source, line, &op, &cause);
        break;
      default:
        ok = log_line(buf, source, line, &op, &cause);
        saw_log_op = saw_log_op || op != NULL;
        break;
      }
    }
    if (!ok) {
      line_error(error, source, line, cause);
      return NULL;
    }
    if (op) {
      if (op->index < 0)
        op->index = (gint64) ops->len;
      g_ptr_array_add(ops, op);
    }
  }
  if (format == HISTORY_FORMAT_JEPSEN_LOG && saw_text && !saw_log_op) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s:1: no Jepsen operation lines (PROCESS :TYPE :F VALUE) found", source);
    return NULL;
  }
  return g_steal_pointer(&ops);
}

GPtrArray *history_read_file(const char *path, HistoryFormat format, GError **error)
{
  /* Read with a bound rather than g_file_get_contents: a FIFO or a device
   * such as /dev/zero has no size to check first. */
  FILE *f = fopen(path, "rb");
  if (!f) {
    int e = errno;
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s", path, g_strerror(e));
    return NULL;
  }
  g_autoptr(GByteArray) text = g_byte_array_new();
  guint8 chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    const guint8 *nul = memchr(chunk, '\0', n);
    if (nul) {
      /* A binary file: say where, without reading the rest. */
      guint line = 1;
      for (guint i = 0; i < text->len; i++)
        line += text->data[i] == '\n';
      for (const guint8 *c = chunk; c < nul; c++)
        line += *c == '\n';
      fclose(f);
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:%u: NUL byte in a text line", path, line);
      return NULL;
    }
    if (text->len + n > HISTORY_MAX_FILE) {
      fclose(f);
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: larger than %" G_GSIZE_FORMAT
                  " MiB, the limit for a history file", path, HISTORY_MAX_FILE >> 20);
      return NULL;
    }
    g_byte_array_append(text, chunk, (guint) n);
  }
  int e = ferror(f) ? errno : 0;
  fclose(f);
  if (e) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s", path, g_strerror(e));
    return NULL;
  }
  return history_read_string(text->len ? (const char *) text->data : "", (gssize) text->len, path,
                             format, error);
}
