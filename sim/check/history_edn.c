/* The EDN subset reader described in sim/check/history_edn.h: a recursive-descent
 * parser over a byte range with an explicit depth bound. */
#include "sim/check/history_edn.h"
#include "sim/kernel/errors.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define EDN_MAX_DEPTH HISTORY_MAX_DEPTH

typedef struct {
  const char *p;
  const char *end;
} EdnCursor;

/* Skips whitespace, commas and ';' comments. */
static void edn_skip(EdnCursor *c)
{
  while (c->p < c->end) {
    char ch = *c->p;
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ',') {
      c->p++;
    } else if (ch == ';') {
      while (c->p < c->end && *c->p != '\n')
        c->p++;
    } else {
      break;
    }
  }
}

/* TRUE for bytes that end an atom. */
static gboolean edn_is_delim(char ch)
{
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ',' ||
         ch == '(' || ch == ')' || ch == '[' || ch == ']' || ch == '{' ||
         ch == '}' || ch == '"' || ch == ';';
}

static HistoryValue *edn_value(EdnCursor *c, int depth, GError **error);

/* Parses items until `close`, appending them to v->items. */
static gboolean edn_items(EdnCursor *c, char close, HistoryValue *v, int depth, GError **error)
{
  for (;;) {
    edn_skip(c);
    if (c->p >= c->end) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "unterminated collection, expected '%c'", close);
      return FALSE;
    }
    if (*c->p == close) {
      c->p++;
      return TRUE;
    }
    HistoryValue *item = edn_value(c, depth + 1, error);
    if (!item)
      return FALSE;
    g_ptr_array_add(v->items, item);
  }
}

/* Parses a string literal starting at the opening quote. */
static HistoryValue *edn_string(EdnCursor *c, GError **error)
{
  g_autoptr(GString) s = g_string_new(NULL);
  c->p++;
  while (c->p < c->end && *c->p != '"') {
    char ch = *c->p++;
    if (ch == '\\') {
      if (c->p >= c->end)
        break;
      char e = *c->p++;
      switch (e) {
      case 'n': ch = '\n'; break;
      case 't': ch = '\t'; break;
      case 'r': ch = '\r'; break;
      case '"': case '\\': ch = e; break;
      default:
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "unsupported string escape '\\%c'", e);
        return NULL;
      }
    }
    g_string_append_c(s, ch);
  }
  if (c->p >= c->end) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "unterminated string");
    return NULL;
  }
  c->p++;
  HistoryValue *v = history_value_new(HISTORY_STR);
  v->s = g_string_free(g_steal_pointer(&s), FALSE);
  return v;
}

/* Parses an atom: nil, true, false, an integer, a keyword or a symbol. */
static HistoryValue *edn_atom(EdnCursor *c, GError **error)
{
  const char *start = c->p;
  while (c->p < c->end && !edn_is_delim(*c->p))
    c->p++;
  g_autofree char *text = g_strndup(start, (gsize) (c->p - start));
  if (text[0] == '\0') {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "unexpected '%c'", *start);
    return NULL;
  }
  if (strcmp(text, "nil") == 0)
    return history_value_new(HISTORY_NIL);
  if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
    HistoryValue *v = history_value_new(HISTORY_BOOL);
    v->i = text[0] == 't';
    return v;
  }
  if (text[0] == ':') {
    if (text[1] == '\0') {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "empty keyword");
      return NULL;
    }
    HistoryValue *v = history_value_new(HISTORY_KW);
    v->s = g_strdup(text + 1);
    return v;
  }
  const char *digits = text + ((text[0] == '-' || text[0] == '+') ? 1 : 0);
  if (g_ascii_isdigit(digits[0])) {
    gsize n = strlen(text);
    if (text[n - 1] == 'N')   /* Clojure bigint suffix */
      text[n - 1] = '\0';
    char *endp = NULL;
    errno = 0;
    gint64 i = g_ascii_strtoll(text, &endp, 10);
    if (*endp == '\0' && errno == 0) {
      HistoryValue *v = history_value_new(HISTORY_INT);
      v->i = i;
      return v;
    }
    if (errno == ERANGE) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "integer out of range: %s", text);
      return NULL;
    }
  }
  HistoryValue *v = history_value_new(HISTORY_SYM);
  v->s = g_steal_pointer(&text);
  return v;
}

/* Parses one value at the cursor. */
static HistoryValue *edn_value(EdnCursor *c, int depth, GError **error)
{
  if (depth > EDN_MAX_DEPTH) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "values nested deeper than %d", EDN_MAX_DEPTH);
    return NULL;
  }
  edn_skip(c);
  if (c->p >= c->end) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "unexpected end of line, expected a value");
    return NULL;
  }
  char ch = *c->p;
  HistoryValueKind kind;
  char close;
  switch (ch) {
  case '[': kind = HISTORY_LIST; close = ']'; break;
  case '(': kind = HISTORY_LIST; close = ')'; break;
  case '{': kind = HISTORY_MAP; close = '}'; break;
  case '"': return edn_string(c, error);
  case '#':
    if (c->p + 1 < c->end && c->p[1] == '{') {
      c->p++;
      kind = HISTORY_SET;
      close = '}';
      break;
    } else {
      /* A tagged value such as #jepsen.history.Op{...}: drop the tag. */
      c->p++;
      while (c->p < c->end && !edn_is_delim(*c->p))
        c->p++;
      return edn_value(c, depth + 1, error);
    }
  case ')': case ']': case '}':
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "unexpected '%c'", ch);
    return NULL;
  default:
    return edn_atom(c, error);
  }
  c->p++;
  g_autoptr(HistoryValue) v = history_value_new(kind);
  if (!edn_items(c, close, v, depth, error))
    return NULL;
  if (kind == HISTORY_MAP && v->items->len % 2 != 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "map with an odd number of forms");
    return NULL;
  }
  return g_steal_pointer(&v);
}

HistoryValue *history_edn_parse_prefix(const char *text, gsize len, gsize *used, GError **error)
{
  EdnCursor c = { text, text + len };
  HistoryValue *v = edn_value(&c, 0, error);
  if (v)
    *used = (gsize) (c.p - text);
  return v;
}

HistoryValue *history_edn_parse(const char *text, gsize len, GError **error)
{
  EdnCursor c = { text, text + len };
  g_autoptr(HistoryValue) v = edn_value(&c, 0, error);
  if (!v)
    return NULL;
  edn_skip(&c);
  if (c.p < c.end) {
    int n = (int) MIN(20, c.end - c.p);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "unexpected text after the value: '%.*s'", n, c.p);
    return NULL;
  }
  return g_steal_pointer(&v);
}
