/* Jepsen EDN histories to operations (see sim/check/history_edn.h). */
#include "sim/check/history_edn.h"
#include "sim/kernel/errors.h"
#include <string.h>

gboolean history_type_parse(const char *name, HistoryType *out)
{
  static const char *const names[] = { "invoke", "ok", "fail", "info" };
  for (guint k = 0; k < G_N_ELEMENTS(names); k++)
    if (strcmp(name, names[k]) == 0) {
      *out = (HistoryType) k;
      return TRUE;
    }
  return FALSE;
}

gboolean history_process_value(const HistoryValue *pv, HistoryOp *op, gboolean *skip, GError **error)
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

/* The fields of an operation map that faultsim reads. */
enum { F_PROCESS, F_TYPE, F_F, F_VALUE, F_KEY, F_INDEX, F_TIME, F_OP, F_COUNT };

/* Room for a field's value read without allocating: an integer, or a
 * keyword of fewer than 32 bytes (its text kept here, NUL-terminated). */
typedef struct {
  HistoryValue v;
  char text[32];
} FieldSlot;

/* Keyword or string text of `v`, or NULL. */
static const char *name_of(const HistoryValue *v)
{
  return v && (v->kind == HISTORY_KW || v->kind == HISTORY_STR) ? v->s : NULL;
}

/* Turns the fields of an operation map read at `at` into *out, NULL for a
 * nemesis operation; the value and key are taken (set NULL) when on the
 * heap, copied when in their `slot`.
 * FALSE with an error at `at` when a field is wrong. */
static gboolean op_from_fields(EdnReader *r, EdnPos at, HistoryValue **field, const FieldSlot *slot,
                               HistoryOp **out, GError **error)
{
  *out = NULL;
  g_autoptr(HistoryOp) op = history_op_new(r->source, at.line, edn_column(at.line_start, at.at));
  gboolean skip = FALSE;
  GError *cause = NULL;
  const char *f = name_of(field[F_F]);
  if (!history_process_value(field[F_PROCESS], op, &skip, &cause))
    goto bad;
  if (skip)
    return TRUE;
  const char *t = name_of(field[F_TYPE]);
  if (!t || !history_type_parse(t, &op->type)) {
    g_set_error(&cause, SIM_ERROR, SIM_ERROR_INVALID, "type must be :invoke, :ok, :fail or :info");
    goto bad;
  }
  if (!f) {
    g_set_error(&cause, SIM_ERROR, SIM_ERROR_INVALID, ":f must be a keyword");
    goto bad;
  }
  if ((field[F_INDEX] && field[F_INDEX]->kind != HISTORY_INT) ||
      (field[F_TIME] && field[F_TIME]->kind != HISTORY_INT) || (field[F_OP] && field[F_OP]->kind != HISTORY_INT)) {
    g_set_error(&cause, SIM_ERROR, SIM_ERROR_INVALID, ":index, :time and :op must be integers");
    goto bad;
  }
  op->f = g_strdup(f);
  if (field[F_INDEX])
    op->index = field[F_INDEX]->i;
  if (field[F_TIME])
    op->time = field[F_TIME]->i;
  op->has_op_id = field[F_OP] != NULL;
  if (field[F_OP])
    op->op_id = field[F_OP]->i;
  /* The value and key are kept: taken when on the heap, copied from a slot. */
  if (field[F_VALUE]) {
    history_value_free(op->value);
    op->value = field[F_VALUE] == &slot[F_VALUE].v ? history_value_copy(field[F_VALUE])
                                                  : g_steal_pointer(&field[F_VALUE]);
  }
  if (field[F_KEY])
    op->key = field[F_KEY] == &slot[F_KEY].v ? history_value_copy(field[F_KEY]) : g_steal_pointer(&field[F_KEY]);
  *out = g_steal_pointer(&op);
  return TRUE;
bad:
  edn_error_at(r, at, error, "%s", cause->message);
  g_error_free(cause);
  return FALSE;
}

/* The field number of keyword name[0..len), or -1 for a key that is ignored. */
static int field_of_name(const char *name, gsize len)
{
  static const char *const names[F_COUNT] = { "process", "type", "f", "value", "key", "index", "time", "op" };
  static const guint8 lens[F_COUNT] = { 7, 4, 1, 5, 3, 5, 4, 2 };
  for (int f = 0; f < F_COUNT; f++)
    if (lens[f] == len && memcmp(names[f], name, len) == 0)
      return f;
  return -1;
}

/* Reads the operation map whose '{' is at the cursor (r->p) without
 * building the map: each key known by field_of_name has its value read into
 * a new HistoryValue (integers first tried without allocating), any other
 * key's value is checked and skipped. Fills field[] (owned by the caller).
 * Errors as edn_read. This is the hot loop of reading a large history: it
 * allocates only what the op keeps. */
static gboolean read_op_fields_in(EdnReader *r, HistoryValue **field, FieldSlot *slot, GError **error)
{
  EdnPos open = edn_pos(r);
  r->p++;
  guint count = 0;
  for (;;) {
    if (!edn_skip(r, error))
      return FALSE;
    if (edn_at_end(r)) {
      edn_error_at(r, open, error, "unterminated collection: no '}' closes this '{'");
      return FALSE;
    }
    if (*r->p == '}') {
      r->p++;
      break;
    }
    /* A key: a keyword is looked at in place; anything else is skipped. */
    int f = -1;
    const char *name;
    gsize len;
    if (edn_read_keyword(r, &name, &len))
      f = field_of_name(name, len);
    else if (!edn_skip_value(r, error))
      return FALSE;
    count++;
    if (!edn_skip(r, error))
      return FALSE;
    if (edn_at_end(r) || *r->p == '}')
      continue;   /* reported above as unterminated, or below as odd */
    if (f < 0 || field[f]) {
      if (!edn_skip_value(r, error))
        return FALSE;
    } else {
      gint64 i;
      const char *kw;
      gsize kw_len;
      if (edn_read_integer(r, &i)) {
        slot[f].v = (HistoryValue) { HISTORY_INT, i, NULL, NULL };
        field[f] = &slot[f].v;
      } else if (edn_read_keyword(r, &kw, &kw_len)) {
        if (kw_len < sizeof slot[f].text) {
          memcpy(slot[f].text, kw, kw_len);
          slot[f].text[kw_len] = '\0';
          slot[f].v = (HistoryValue) { HISTORY_KW, 0, slot[f].text, NULL };
          field[f] = &slot[f].v;
        } else {
          field[f] = history_value_new(HISTORY_KW);
          field[f]->s = g_strndup(kw, kw_len);
        }
      } else if (!(field[f] = edn_read(r, error))) {
        return FALSE;
      }
    }
    count++;
  }
  if (count % 2 != 0) {
    edn_error_at(r, open, error, "map with an odd number of forms (%u)", count);
    return FALSE;
  }
  return TRUE;
}

/* read_op_fields_in, the map's values nested one level below it. */
static gboolean read_op_fields(EdnReader *r, HistoryValue **field, FieldSlot *slot, GError **error)
{
  r->base_depth++;
  gboolean ok = read_op_fields_in(r, field, slot, error);
  r->base_depth--;
  return ok;
}

/* Reads one element of the history at the cursor and appends its op. */
static gboolean read_op(EdnReader *r, GPtrArray *ops, GError **error)
{
  EdnPos at = edn_pos(r);
  /* A tag before the map (#jepsen.history.Op{...}) is dropped. */
  if (*r->p == '#' && r->end - r->p > 1 && g_ascii_isalpha(r->p[1])) {
    const char *q = r->p + 1;
    while (q < r->end && *q != '{' && !g_ascii_isspace(*q) && *q != ',')
      q++;
    if (q < r->end && *q == '{')
      r->p = q;
  }
  if (*r->p != '{') {
    g_autoptr(HistoryValue) v = edn_read(r, error);
    if (!v)
      return FALSE;
    g_autofree char *shown = history_value_to_string(v);
    edn_error_at(r, at, error, "expected an operation map {:process ..., :type ..., :f ...}, got %.40s%s",
                 shown, strlen(shown) > 40 ? "..." : "");
    return FALSE;
  }
  HistoryValue *field[F_COUNT] = { NULL };
  FieldSlot slot[F_COUNT];
  HistoryOp *op = NULL;
  gboolean ok = read_op_fields(r, field, slot, error) && op_from_fields(r, at, field, slot, &op, error);
  for (int f = 0; f < F_COUNT; f++)
    if (field[f] != &slot[f].v)
      history_value_free(field[f]);
  if (ok && op) {
    if (op->index < 0)
      op->index = (gint64) ops->len;
    g_ptr_array_add(ops, op);
  }
  return ok;
}

gboolean history_edn_read(const char *text, gsize len, const char *source, GPtrArray *ops,
                          GError **error)
{
  EdnReader r;
  edn_reader_init(&r, source, text, len, 1, text);
  if (!edn_skip(&r, error))
    return FALSE;
  /* A vector or list around the whole history, or maps one after another. */
  char close = 0;
  EdnPos open = edn_pos(&r);
  if (!edn_at_end(&r) && (*r.p == '[' || *r.p == '(')) {
    close = *r.p == '[' ? ']' : ')';
    r.p++;
  }
  for (;;) {
    if (!edn_skip(&r, error))
      return FALSE;
    if (edn_at_end(&r)) {
      if (close) {
        edn_error_at(&r, open, error, "unterminated collection: no '%c' closes the history's '%c'",
                     close, *open.at);
        return FALSE;
      }
      return TRUE;
    }
    if (close && *r.p == close) {
      r.p++;
      if (!edn_skip(&r, error))
        return FALSE;
      if (!edn_at_end(&r)) {
        edn_error_at(&r, edn_pos(&r), error, "unexpected text after the history's closing '%c'", close);
        return FALSE;
      }
      return TRUE;
    }
    if (!read_op(&r, ops, error))
      return FALSE;
  }
}
