/* The EDN reader described in sim/check/edn_reader.h: a recursive-descent
 * parser that keeps the line it is on, so that errors carry a position. */
#include "sim/check/edn_reader.h"
#include "sim/kernel/errors.h"
#include <stdarg.h>
#include <string.h>

void edn_reader_init(EdnReader *r, const char *source, const char *text, gsize len, guint line,
                     const char *line_start)
{
  r->source = source;
  r->p = text;
  r->end = text + len;
  r->line = line;
  r->line_start = line_start;
  r->max_depth = HISTORY_MAX_DEPTH;
  r->skipping = FALSE;
  r->base_depth = 0;
}

EdnPos edn_pos(const EdnReader *r)
{
  return (EdnPos) { r->line, r->line_start, r->p };
}

guint edn_column(const char *line_start, const char *at)
{
  guint column = 1;
  for (const char *c = line_start; c < at; c++)
    column += ((guchar) *c & 0xC0) != 0x80;
  return column;
}

void edn_error_at(const EdnReader *r, EdnPos pos, GError **error, const char *fmt, ...)
{
  guint column = edn_column(pos.line_start, pos.at);
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:%u:%u: %s", r->source, pos.line, column, msg);
}

/* TRUE for the bytes EDN treats as whitespace (commas included). */
static inline gboolean edn_space(char ch)
{
  return ch == ' ' || ch == ',' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\f';
}

/* The bytes that end a token (a symbol, keyword, number, tag): EDN's
 * whitespace and the bytes that open or close a form. A table, since every
 * byte of every token is looked up in it. */
static const guint8 edn_delims[256] = {
  [' '] = 1, [','] = 1, ['\n'] = 1, ['\t'] = 1, ['\r'] = 1, ['\f'] = 1, ['('] = 1, [')'] = 1,
  ['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1, ['"'] = 1, [';'] = 1,
};

static inline gboolean edn_delim(char ch)
{
  return edn_delims[(guchar) ch];
}

/* Skips whitespace and comments only. */
static void skip_blank(EdnReader *r)
{
  const char *p = r->p, *end = r->end;
  while (p < end) {
    char ch = *p;
    if (ch == '\n') {
      p++;
      r->line++;
      r->line_start = p;
    } else if (edn_space(ch)) {
      p++;
    } else if (ch == ';') {
      const char *nl = memchr(p, '\n', (size_t) (end - p));
      p = nl ? nl : end;
    } else {
      break;
    }
  }
  r->p = p;
}

static HistoryValue *read_value(EdnReader *r, guint depth, GError **error);

/* What the read functions return for a value read while r->skipping: a
 * non-NULL marker that is never freed nor looked into. */
static const HistoryValue edn_skipped = { HISTORY_NIL, 0, NULL, NULL };
#define EDN_SKIPPED ((HistoryValue *) &edn_skipped)

gboolean edn_skip(EdnReader *r, GError **error)
{
  for (;;) {
    skip_blank(r);
    if (r->end - r->p < 2 || r->p[0] != '#' || r->p[1] != '_')
      return TRUE;
    r->p += 2;
    skip_blank(r);
    if (r->p >= r->end) {
      edn_error_at(r, edn_pos(r), error, "#_ must be followed by a value to discard");
      return FALSE;
    }
    gboolean was = r->skipping;
    r->skipping = TRUE;
    HistoryValue *gone = read_value(r, 0, error);
    r->skipping = was;
    if (!gone)
      return FALSE;
  }
}

gboolean edn_at_end(const EdnReader *r)
{
  return r->p >= r->end;
}

/* The end of the token starting at r->p. */
static const char *token_end(const EdnReader *r)
{
  const char *q = r->p;
  while (q < r->end && !edn_delim(*q))
    q++;
  return q;
}

/* Appends the UTF-8 encoding of the 4 hex digits at p (checked) to s. */
static gboolean unicode_escape(EdnReader *r, const char *p, GString *s, GError **error)
{
  gunichar u = 0;
  for (int k = 0; k < 4; k++) {
    if (p + k >= r->end || !g_ascii_isxdigit(p[k])) {
      edn_error_at(r, (EdnPos) { r->line, r->line_start, p - 2 }, error,
                   "\\u must be followed by four hex digits");
      return FALSE;
    }
    u = u * 16 + (gunichar) g_ascii_xdigit_value(p[k]);
  }
  if (u == 0 || (u >= 0xD800 && u <= 0xDFFF)) {
    edn_error_at(r, (EdnPos) { r->line, r->line_start, p - 2 }, error,
                 "\\u%04X is not a character faultsim accepts", u);
    return FALSE;
  }
  g_string_append_unichar(s, u);
  return TRUE;
}

/* Reads a string literal starting at its opening quote. */
static HistoryValue *read_string(EdnReader *r, GError **error)
{
  EdnPos start = edn_pos(r);
  const char *p = r->p + 1;
  g_autoptr(GString) s = r->skipping ? NULL : g_string_new(NULL);
  g_autoptr(GString) scratch = NULL;   /* \u escapes of a skipped string */
  for (;;) {
    const char *run = p;
    while (p < r->end && *p != '"' && *p != '\\' && *p != '\n')
      p++;
    if (s)
      g_string_append_len(s, run, p - run);
    if (p >= r->end) {
      edn_error_at(r, start, error, "unterminated string");
      return NULL;
    }
    if (*p == '"')
      break;
    if (*p == '\n') {
      if (s)
        g_string_append_c(s, '\n');
      p++;
      r->line++;
      r->line_start = p;
      continue;
    }
    /* A backslash. */
    if (p + 1 >= r->end) {
      edn_error_at(r, start, error, "unterminated string");
      return NULL;
    }
    char e = p[1];
    char ch;
    switch (e) {
    case 'n': ch = '\n'; break;
    case 't': ch = '\t'; break;
    case 'r': ch = '\r'; break;
    case 'b': ch = '\b'; break;
    case 'f': ch = '\f'; break;
    case '"': case '\\': ch = e; break;
    case 'u':
      if (!s && !scratch)
        scratch = g_string_new(NULL);
      if (!unicode_escape(r, p + 2, s ? s : scratch, error))
        return NULL;
      p += 6;
      continue;
    default: {
      r->p = p;
      g_autofree char *shown = g_strndup(p + 1, e ? 1 : 0);
      edn_error_at(r, edn_pos(r), error, "unknown string escape '\\%s'", shown);
      return NULL;
    }
    }
    if (s)
      g_string_append_c(s, ch);
    p += 2;
  }
  r->p = p + 1;
  if (!s)
    return EDN_SKIPPED;
  HistoryValue *v = history_value_new(HISTORY_STR);
  v->s = g_string_free(g_steal_pointer(&s), FALSE);
  return v;
}

/* Parses an integer token [+-]digits[N]; FALSE when it is not one.
 * *overflow is set when it is one but does not fit in 64 bits. */
static gboolean parse_int(const char *t, const char *end, gint64 *out, gboolean *overflow)
{
  gboolean neg = FALSE;
  *overflow = FALSE;
  if (t < end && (*t == '-' || *t == '+'))
    neg = *t++ == '-';
  if (end > t && end[-1] == 'N')
    end--;
  if (t >= end)
    return FALSE;
  guint64 limit = neg ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64, v = 0;
  for (; t < end; t++) {
    if (!g_ascii_isdigit(*t))
      return FALSE;
    guint d = (guint) (*t - '0');
    if (v > (limit - d) / 10)
      *overflow = TRUE;
    else
      v = v * 10 + d;
  }
  if (*overflow)
    return TRUE;
  *out = neg ? (gint64) (0 - v) : (gint64) v;
  return TRUE;
}

/* TRUE when t..end is an EDN float ([+-]digits[.digits][e[+-]digits][M])
 * or a ratio (digits/digits). */
static gboolean is_float_or_ratio(const char *t, const char *end)
{
  const char *slash = memchr(t, '/', (size_t) (end - t));
  if (slash) {
    const char *a = t + (*t == '-' || *t == '+');
    if (a == slash || slash + 1 == end)
      return FALSE;
    for (const char *c = a; c < end; c++)
      if (c != slash && !g_ascii_isdigit(*c))
        return FALSE;
    return TRUE;
  }
  if (end > t && end[-1] == 'M')
    end--;
  const char *c = t + (*t == '-' || *t == '+');
  const char *digits = c;
  while (c < end && g_ascii_isdigit(*c))
    c++;
  if (c == digits)
    return FALSE;
  gboolean frac = FALSE, exp = FALSE;
  if (c < end && *c == '.') {
    frac = TRUE;
    c++;
    while (c < end && g_ascii_isdigit(*c))
      c++;
  }
  if (c < end && (*c == 'e' || *c == 'E')) {
    exp = TRUE;
    c++;
    if (c < end && (*c == '+' || *c == '-'))
      c++;
    const char *e = c;
    while (c < end && g_ascii_isdigit(*c))
      c++;
    if (c == e)
      return FALSE;
  }
  return c == end && (frac || exp || end[0] == 'M');
}

/* Reads a token: nil, true, false, a number, a keyword, a symbol or a
 * character. */
static HistoryValue *read_token(EdnReader *r, GError **error)
{
  EdnPos start = edn_pos(r);
  const char *t = r->p;
  if (*t == '\\') {
    /* A character: \a, \newline, \u00e9 (a backslash then at least one byte). */
    const char *q = t + 1;
    if (q < r->end)
      q++;
    while (q < r->end && !edn_delim(*q))
      q++;
    r->p = q;
    if (r->skipping)
      return EDN_SKIPPED;
    HistoryValue *v = history_value_new(HISTORY_SYM);
    v->s = g_strndup(t, (gsize) (q - t));
    return v;
  }
  const char *end = token_end(r);
  gsize n = (gsize) (end - t);
  if (n == 0) {
    edn_error_at(r, start, error, "unexpected '%c'", *t);
    return NULL;
  }
  r->p = end;
  if (*t == ':') {
    if (n == 1) {
      edn_error_at(r, start, error, "a keyword needs a name after ':'");
      return NULL;
    }
    if (r->skipping)
      return EDN_SKIPPED;
    HistoryValue *v = history_value_new(HISTORY_KW);
    v->s = g_strndup(t + 1, n - 1);
    return v;
  }
  gboolean numeric = g_ascii_isdigit(*t) || (n > 1 && (*t == '-' || *t == '+') && g_ascii_isdigit(t[1]));
  if (numeric) {
    gint64 i = 0;
    gboolean overflow = FALSE;
    if (parse_int(t, end, &i, &overflow)) {
      if (overflow) {
        edn_error_at(r, start, error, "integer out of range (more than 64 bits): %.*s%s",
                     (int) MIN(n, 40), t, n > 40 ? "..." : "");
        return NULL;
      }
      if (r->skipping)
        return EDN_SKIPPED;
      HistoryValue *v = history_value_new(HISTORY_INT);
      v->i = i;
      return v;
    }
    if (!is_float_or_ratio(t, end)) {
      edn_error_at(r, start, error, "invalid number '%.*s%s'", (int) MIN(n, 40), t, n > 40 ? "..." : "");
      return NULL;
    }
    if (r->skipping)
      return EDN_SKIPPED;
    HistoryValue *v = history_value_new(HISTORY_SYM);
    v->s = g_strndup(t, n);
    return v;
  }
  if (r->skipping)
    return EDN_SKIPPED;
  if (n == 3 && memcmp(t, "nil", 3) == 0)
    return history_value_new(HISTORY_NIL);
  if ((n == 4 && memcmp(t, "true", 4) == 0) || (n == 5 && memcmp(t, "false", 5) == 0)) {
    HistoryValue *v = history_value_new(HISTORY_BOOL);
    v->i = n == 4;
    return v;
  }
  HistoryValue *v = history_value_new(HISTORY_SYM);
  v->s = g_strndup(t, n);
  return v;
}

/* How an opening bracket is written: "#{" for a set. */
static const char *opener_text(char first)
{
  switch (first) {
  case '[': return "[";
  case '(': return "(";
  case '{': return "{";
  default: return "#{";
  }
}

/* Reads the items of a collection opened at `open` (r->p just after the
 * opening bracket) up to `close`. */
static gboolean read_items(EdnReader *r, EdnPos open, char close, HistoryValue *v, guint *count,
                           guint depth, GError **error)
{
  for (;;) {
    if (!edn_skip(r, error))
      return FALSE;
    if (r->p >= r->end) {
      edn_error_at(r, open, error, "unterminated collection: no '%c' closes this '%s'", close,
                   opener_text(*open.at));
      return FALSE;
    }
    char ch = *r->p;
    if (ch == close) {
      r->p++;
      return TRUE;
    }
    if (ch == ')' || ch == ']' || ch == '}') {
      edn_error_at(r, edn_pos(r), error, "unexpected '%c': the '%s' at %u:%u wants '%c'", ch,
                   opener_text(*open.at), open.line, edn_column(open.line_start, open.at), close);
      return FALSE;
    }
    HistoryValue *item = read_value(r, depth + 1, error);
    if (!item)
      return FALSE;
    (*count)++;
    if (v)
      g_ptr_array_add(v->items, item);
  }
}

/* Reads one value; `depth` is the nesting below the value edn_read began. */
static HistoryValue *read_value(EdnReader *r, guint depth, GError **error)
{
  if (!edn_skip(r, error))
    return NULL;
  if (r->p >= r->end) {
    edn_error_at(r, edn_pos(r), error, "unexpected end of input, expected a value");
    return NULL;
  }
  EdnPos start = edn_pos(r);
  char ch = *r->p;
  HistoryValueKind kind;
  char close;
  switch (ch) {
  case '[': kind = HISTORY_LIST; close = ']'; break;
  case '(': kind = HISTORY_LIST; close = ')'; break;
  case '{': kind = HISTORY_MAP; close = '}'; break;
  case '"': return read_string(r, error);
  case ')': case ']': case '}':
    edn_error_at(r, start, error, "unexpected '%c'", ch);
    return NULL;
  case '#': {
    char next = r->p + 1 < r->end ? r->p[1] : '\0';
    if (next == '{') {
      r->p++;
      kind = HISTORY_SET;
      close = '}';
      break;
    }
    if (next == '#') {
      /* ##Inf, ##-Inf, ##NaN */
      r->p += 2;
      const char *end = token_end(r);
      r->p = end;
      if (r->skipping)
        return EDN_SKIPPED;
      HistoryValue *v = history_value_new(HISTORY_SYM);
      v->s = g_strndup(start.at, (gsize) (end - start.at));
      return v;
    }
    if (!g_ascii_isalpha(next)) {
      edn_error_at(r, start, error, "unsupported dispatch '#%c' (EDN has #{...}, #_ and #tag only)",
                   next ? next : ' ');
      return NULL;
    }
    /* A tagged value: the tag is dropped, the value kept. */
    r->p++;
    r->p = token_end(r);
    if (depth + r->base_depth > r->max_depth) {
      edn_error_at(r, start, error, "values nested deeper than %u", r->max_depth);
      return NULL;
    }
    return read_value(r, depth + 1, error);
  }
  default:
    return read_token(r, error);
  }
  if (depth + r->base_depth > r->max_depth) {
    edn_error_at(r, start, error, "values nested deeper than %u", r->max_depth);
    return NULL;
  }
  r->p++;
  g_autoptr(HistoryValue) v = r->skipping ? NULL : history_value_new(kind);
  guint count = 0;
  if (!read_items(r, start, close, v, &count, depth, error))
    return NULL;
  if (kind == HISTORY_MAP && count % 2 != 0) {
    edn_error_at(r, start, error, "map with an odd number of forms (%u)", count);
    return NULL;
  }
  return v ? g_steal_pointer(&v) : EDN_SKIPPED;
}

HistoryValue *edn_read(EdnReader *r, GError **error)
{
  return read_value(r, 0, error);
}

gboolean edn_skip_value(EdnReader *r, GError **error)
{
  gboolean was = r->skipping;
  r->skipping = TRUE;
  HistoryValue *v = read_value(r, 0, error);
  r->skipping = was;
  return v != NULL;
}

gboolean edn_read_keyword(EdnReader *r, const char **name, gsize *len)
{
  if (r->p >= r->end || *r->p != ':')
    return FALSE;
  r->p++;
  const char *end = token_end(r);
  if (end == r->p) {
    r->p--;
    return FALSE;
  }
  *name = r->p;
  *len = (gsize) (end - r->p);
  r->p = end;
  return TRUE;
}

gboolean edn_read_integer(EdnReader *r, gint64 *out)
{
  const char *end = token_end(r);
  gboolean overflow = FALSE;
  if (end == r->p || !(g_ascii_isdigit(*r->p) || *r->p == '-' || *r->p == '+') ||
      !parse_int(r->p, end, out, &overflow) || overflow)
    return FALSE;
  r->p = end;
  return TRUE;
}

HistoryValue *edn_parse_string(const char *source, const char *text, GError **error)
{
  const char *bad = NULL;
  if (!g_utf8_validate(text, -1, &bad)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: invalid UTF-8", source);
    return NULL;
  }
  EdnReader r;
  edn_reader_init(&r, source, text, strlen(text), 1, text);
  g_autoptr(HistoryValue) v = edn_read(&r, error);
  if (!v || !edn_skip(&r, error))
    return NULL;
  if (!edn_at_end(&r)) {
    edn_error_at(&r, edn_pos(&r), error, "unexpected text after the value");
    return NULL;
  }
  return g_steal_pointer(&v);
}
