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
#include <glib/gstdio.h>
#include <sys/stat.h>

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

HistoryOp *history_op_new(const char *source, guint line, guint column)
{
  HistoryOp *op = g_new0(HistoryOp, 1);
  op->source = source;
  op->line = line;
  op->column = column;
  op->index = -1;
  op->time = -1;
  op->value = history_value_new(HISTORY_NIL);
  return op;
}

char *history_op_where(const HistoryOp *op)
{
  if (op->column)
    return g_strdup_printf("%s:%u:%u", op->source, op->line, op->column);
  return g_strdup_printf("%s:%u", op->source, op->line);
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

/* The first byte of text[0..end) that is neither whitespace nor in a ';'
 * comment line, or `end`. */
static const char *skip_blank_lines(const char *p, const char *end)
{
  for (;;) {
    while (p < end && g_ascii_isspace(*p))
      p++;
    if (p < end && *p == ';') {
      const char *nl = memchr(p, '\n', (size_t) (end - p));
      p = nl ? nl : end;
      continue;
    }
    return p;
  }
}

HistoryFormat history_detect(const char *text, gssize len)
{
  const char *end = text + (len < 0 ? (gssize) strlen(text) : len);
  const char *p = skip_blank_lines(text, end);
  if (p == end)
    return HISTORY_FORMAT_AUTO;
  if (*p == '#' || *p == '[' || *p == '(')
    return HISTORY_FORMAT_EDN;
  if (*p == '{') {
    p++;
    while (p < end && (g_ascii_isspace(*p) || *p == ','))
      p++;
    if (p < end && (*p == '"' || *p == '}'))
      return HISTORY_FORMAT_JSON;
    if (p < end && *p == ':')
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
  g_autoptr(HistoryOp) op = history_op_new(source, line, 0);
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
  if (!history_type_parse(type, &op->type)) {
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
  return history_type_parse(name, type);
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
  /* Errors name the line and the column of the field at fault. */
  EdnReader r;
  edn_reader_init(&r, source, prev, (gsize) (prev_end - prev), line, text);
  g_autoptr(HistoryOp) op = history_op_new(source, line, edn_column(text, prev));
  op->type = type;
  g_autoptr(HistoryValue) pv = edn_read(&r, NULL);
  gboolean skip = FALSE;
  GError *cause = NULL;
  if (!pv || !edn_at_end(&r) || !history_process_value(pv, op, &skip, &cause)) {
    g_clear_error(&cause);
    if (!memchr(prev_end, '\t', (size_t) (word - prev_end)))
      return TRUE;   /* a message that happens to contain a type keyword */
    edn_error_at(&r, (EdnPos) { line, text, prev }, error, "process must be an integer or :nemesis");
    return FALSE;
  }
  if (skip)
    return TRUE;
  const char *f = NULL;
  if (!log_word(&p, end, &f) || f[0] != ':' || p - f < 2) {
    edn_error_at(&r, (EdnPos) { line, text, f ? f : end }, error,
                 "expected an operation name like :read after the type");
    return FALSE;
  }
  op->f = g_strndup(f + 1, (gsize) (p - f - 1));
  while (p < end && log_space(*p))
    p++;
  if (p < end) {
    edn_reader_init(&r, source, p, (gsize) (end - p), line, text);
    HistoryValue *v = edn_read(&r, error);
    if (!v)
      return FALSE;
    history_value_free(op->value);
    op->value = v;
  }
  *out = g_steal_pointer(&op);
  return TRUE;
}

/* ---- driver ---------------------------------------------------------- */

/* Refuses a JSON line (len bytes, valid UTF-8) that json-glib should not
 * see: brackets nested deeper than HISTORY_MAX_DEPTH levels inside the
 * operation's own object (json-glib recurses once per level and would
 * overflow the stack long before its own checks), or integers outside 64
 * bits, which json-glib would silently turn into doubles. Brackets inside
 * string literals do not count. The caller has already bounded the length. */
static gboolean json_prescan(const char *s, gsize len, GError **error)
{
  guint depth = 0;
  for (gsize i = 0; i < len; i++) {
    char ch = s[i];
    if (ch == '"') {
      for (i++; i < len && s[i] != '"'; i++)
        if (s[i] == '\\')
          i++;
    } else if (ch == '[' || ch == '{') {
      if (++depth > HISTORY_MAX_DEPTH + 1) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "values nested deeper than %d",
                    HISTORY_MAX_DEPTH);
        return FALSE;
      }
    } else if (ch == ']' || ch == '}') {
      depth -= depth > 0;
    } else if (g_ascii_isdigit(ch) || ch == '-') {
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

/* Checks that text[0..len) is UTF-8 without NUL bytes; else FALSE with
 * "SOURCE:LINE:COLUMN: invalid UTF-8" or "...: NUL byte in a text line".
 * ASCII is skipped eight bytes at a time: this pass runs over every byte
 * of a history before any parser does. */
static gboolean text_check(const char *text, gsize len, const char *source, GError **error)
{
  const guint64 high = G_GUINT64_CONSTANT(0x8080808080808080), low = G_GUINT64_CONSTANT(0x0101010101010101);
  gsize i = 0;
  while (i < len) {
    while (i + 8 <= len) {
      guint64 w;
      memcpy(&w, text + i, 8);
      if ((w & high) || ((w - low) & ~w & high))   /* a non-ASCII or a zero byte */
        break;
      i += 8;
    }
    const char *bad = NULL;
    gsize chunk = MIN(len - i, (gsize) 4096);
    /* Never end a chunk inside a character: extend to the next ASCII byte. */
    while (i + chunk < len && ((guchar) text[i + chunk] & 0xC0) == 0x80)
      chunk++;
    if (!g_utf8_validate_len(text + i, chunk, &bad)) {
      guint line = 1, column = 1;
      for (const char *c = text; c < bad; c++) {
        if (*c == '\n') {
          line++;
          column = 1;
        } else {
          column += ((guchar) *c & 0xC0) != 0x80;
        }
      }
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:%u:%u: %s", source, line, column,
                  *bad == '\0' ? "NUL byte in a text line" : "invalid UTF-8");
      return FALSE;
    }
    i += chunk;
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
  if (!text_check(text, (gsize) len, source, error))
    return NULL;
  if (format == HISTORY_FORMAT_AUTO) {
    format = history_detect(text, len);
    if (format == HISTORY_FORMAT_AUTO) {
      if (skip_blank_lines(text, text + len) == text + len)
        return g_steal_pointer(&ops);   /* only blanks and comments: no operations */
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "%s:1: cannot tell the history format; use --format json|edn|jepsen-log", source);
      return NULL;
    }
  }
  if (format == HISTORY_FORMAT_EDN)
    return history_edn_read(text, (gsize) len, source, ops, error) ? g_steal_pointer(&ops) : NULL;

  /* json and jepsen-log: one operation a line. */
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
    g_autofree char *buf = g_strndup(p, (gsize) (stop - p));
    p = nl ? nl + 1 : end;
    g_strchomp(buf);
    if (buf[0] == '\0' || strspn(buf, " \t") == strlen(buf))
      continue;
    saw_text = TRUE;
    HistoryOp *op = NULL;
    GError *cause = NULL;
    if (format == HISTORY_FORMAT_JSON) {
      if (!parser)
        parser = json_parser_new_immutable();
      if (!json_prescan(buf, strlen(buf), &cause) || !json_line(parser, buf, source, line, &op, &cause)) {
        line_error(error, source, line, cause);
        return NULL;
      }
    } else {
      if (!log_line(buf, source, line, &op, error))
        return NULL;
      saw_log_op = saw_log_op || op != NULL;
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

/* Reads a file that is not a regular file (a FIFO, a device) with a bound
 * rather than g_file_get_contents: it has no size to check first, and
 * /dev/zero never ends. */
static GPtrArray *read_stream(const char *path, HistoryFormat format, GError **error)
{
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

GPtrArray *history_read_file(const char *path, HistoryFormat format, GError **error)
{
  GStatBuf st;
  if (g_stat(path, &st) != 0) {
    int e = errno;
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s", path, g_strerror(e));
    return NULL;
  }
  if (!S_ISREG(st.st_mode))
    return read_stream(path, format, error);
  if ((guint64) st.st_size > HISTORY_MAX_FILE) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: larger than %" G_GSIZE_FORMAT
                " MiB, the limit for a history file", path, HISTORY_MAX_FILE >> 20);
    return NULL;
  }
  if (st.st_size == 0)
    return history_read_string("", 0, path, format, error);
  /* Mapped, not read: the parsers work on the file's pages, so a large
   * history is never held twice (text and parsed operations). */
  g_autoptr(GError) merr = NULL;
  GMappedFile *map = g_mapped_file_new(path, FALSE, &merr);
  if (!map) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s", merr->message);
    return NULL;
  }
  GPtrArray *ops = history_read_string(g_mapped_file_get_contents(map),
                                       (gssize) g_mapped_file_get_length(map), path, format, error);
  g_mapped_file_unref(map);
  return ops;
}
