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

/* The field number of keyword `k`, or -1 for a key that is ignored. */
static int field_of(const HistoryValue *k)
{
  static const char *const names[F_COUNT] = { "process", "type", "f", "value", "key", "index", "time", "op" };
  if (k->kind != HISTORY_KW)
    return -1;
  for (int f = 0; f < F_COUNT; f++)
    if (strcmp(k->s, names[f]) == 0)
      return f;
  return -1;
}

/* Keyword or string text of `v`, or NULL. */
static const char *name_of(const HistoryValue *v)
{
  return v && (v->kind == HISTORY_KW || v->kind == HISTORY_STR) ? v->s : NULL;
}

/* Turns `map` (read at `at`; its values are taken) into *out, NULL for a
 * nemesis operation. FALSE with an error at `at` when a field is wrong. */
static gboolean op_from_map(EdnReader *r, EdnPos at, HistoryValue *map, HistoryOp **out, GError **error)
{
  *out = NULL;
  HistoryValue *field[F_COUNT] = { NULL };
  for (guint k = 0; k + 1 < map->items->len; k += 2) {
    int f = field_of(g_ptr_array_index(map->items, k));
    if (f >= 0 && !field[f])
      field[f] = g_ptr_array_index(map->items, k + 1);
  }
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
  /* Take the value and key out of the map rather than copy them. */
  for (guint k = 0; k + 1 < map->items->len; k += 2) {
    HistoryValue *v = g_ptr_array_index(map->items, k + 1);
    if (v == field[F_VALUE]) {
      history_value_free(op->value);
      op->value = v;
      g_ptr_array_index(map->items, k + 1) = NULL;
    } else if (v == field[F_KEY]) {
      op->key = v;
      g_ptr_array_index(map->items, k + 1) = NULL;
    }
  }
  *out = g_steal_pointer(&op);
  return TRUE;
bad:
  edn_error_at(r, at, error, "%s", cause->message);
  g_error_free(cause);
  return FALSE;
}

/* Reads one element of the history at the cursor and appends its op. */
static gboolean read_op(EdnReader *r, GPtrArray *ops, GError **error)
{
  EdnPos at = edn_pos(r);
  g_autoptr(HistoryValue) v = edn_read(r, error);
  if (!v)
    return FALSE;
  if (v->kind != HISTORY_MAP) {
    g_autofree char *shown = history_value_to_string(v);
    edn_error_at(r, at, error, "expected an operation map {:process ..., :type ..., :f ...}, got %.40s%s",
                 shown, strlen(shown) > 40 ? "..." : "");
    return FALSE;
  }
  HistoryOp *op = NULL;
  if (!op_from_map(r, at, v, &op, error))
    return FALSE;
  if (op) {
    if (op->index < 0)
      op->index = (gint64) ops->len;
    g_ptr_array_add(ops, op);
  }
  return TRUE;
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
