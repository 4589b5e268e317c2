/* The multi-register model (Knossos's knossos.model/multi-register): a map
 * of registers, each initially nil, and one operation, :txn, whose value is
 * a list of micro-operations [:read k v] / [:write k v] applied in order, all
 * at one instant. A state is the sorted (key, value) atom pairs of the
 * registers that are not nil. */
#include "sim/check/lincheck_models.h"
#include "sim/kernel/errors.h"
#include <string.h>

/* A micro-operation as three atoms in an op's payload: is-write, key, value. */
enum { MOP_READ = 0, MOP_WRITE = 1 };

/* Reads micro-op `m` ([f k v]) into mop[0..2]; FALSE with an error. */
static gboolean mop_parse(const HistoryValue *m, LincheckAtoms *atoms, gint64 *mop, GError **error)
{
  const char *what = NULL;
  if (m->kind != HISTORY_LIST || m->items->len != 3) {
    what = "a micro-operation must be [:read k v] or [:write k v]";
  } else {
    const HistoryValue *f = g_ptr_array_index(m->items, 0);
    const char *name = f->kind == HISTORY_KW || f->kind == HISTORY_STR ? f->s : "";
    if (strcmp(name, "read") == 0 || strcmp(name, "r") == 0)
      mop[0] = MOP_READ;
    else if (strcmp(name, "write") == 0 || strcmp(name, "w") == 0)
      mop[0] = MOP_WRITE;
    else
      what = "a micro-operation's function must be :read (:r) or :write (:w)";
  }
  if (what) {
    g_autofree char *shown = history_value_to_string(m);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s, got %s", what, shown);
    return FALSE;
  }
  return lincheck_scalar_atom(atoms, g_ptr_array_index(m->items, 1), "a register's key", &mop[1], error) &&
         lincheck_scalar_atom(atoms, g_ptr_array_index(m->items, 2), "a register's value", &mop[2], error);
}

gboolean lincheck_multireg_prepare(const char *f, const HistoryValue *in, const HistoryValue *result,
                                   LincheckAtoms *atoms, LincheckOp *out, gboolean *read_only,
                                   GError **error)
{
  if (strcmp(f, "txn") != 0)
    return lincheck_unknown_f("multi-register", f, "txn", error);
  /* An ok txn's reads are in its completion; an unknown one has only its
   * invocation, whose reads constrain nothing. */
  const HistoryValue *v = result ? result : in;
  if (v->kind != HISTORY_LIST) {
    g_autofree char *shown = history_value_to_string(v);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "a txn's value must be a list of micro-operations, got %s",
                shown);
    return FALSE;
  }
  guint n = v->items->len;
  g_autofree gint64 *mops = g_new(gint64, 3 * MAX(n, 1));
  gboolean writes = FALSE;
  for (guint k = 0; k < n; k++) {
    if (!mop_parse(g_ptr_array_index(v->items, k), atoms, &mops[3 * k], error))
      return FALSE;
    writes = writes || mops[3 * k] == MOP_WRITE;
  }
  out->f = 0;
  out->blob = lincheck_blob_of_atoms(mops, 3 * n);
  *read_only = !writes;
  return TRUE;
}

/* The value of key k in the sorted pairs (n pairs), 0 (nil) when absent. */
static gint64 pairs_get(const gint64 *pairs, gsize n, gint64 k)
{
  for (gsize i = 0; i < n; i++)
    if (pairs[2 * i] == k)
      return pairs[2 * i + 1];
  return 0;
}

/* Sets key k to v in the sorted pairs (*n of them, room for one more);
 * v == 0 (nil) removes the key. */
static void pairs_set(gint64 *pairs, gsize *n, gint64 k, gint64 v)
{
  gsize i = 0;
  while (i < *n && pairs[2 * i] < k)
    i++;
  gboolean present = i < *n && pairs[2 * i] == k;
  if (present && v != 0) {
    pairs[2 * i + 1] = v;
  } else if (present) {
    memmove(&pairs[2 * i], &pairs[2 * i + 2], (*n - i - 1) * 2 * sizeof(gint64));
    (*n)--;
  } else if (v != 0) {
    memmove(&pairs[2 * i + 2], &pairs[2 * i], (*n - i) * 2 * sizeof(gint64));
    pairs[2 * i] = k;
    pairs[2 * i + 1] = v;
    (*n)++;
  }
}

gboolean lincheck_multireg_step(const LincheckState *s, const LincheckOp *op, LincheckState *out)
{
  gsize np = 0, nm = 0;
  const gint64 *state = lincheck_blob_atoms(s->blob, &np);
  const gint64 *mops = lincheck_blob_atoms(op->blob, &nm);
  np /= 2;
  nm /= 3;
  g_autofree gint64 *pairs = g_new(gint64, 2 * (np + nm) + 2);
  if (np)
    memcpy(pairs, state, np * 2 * sizeof(gint64));
  gboolean wrote = FALSE;
  for (gsize i = 0; i < nm; i++) {
    const gint64 *m = &mops[3 * i];
    if (m[0] == MOP_READ) {
      if (!op->unknown && pairs_get(pairs, np, m[1]) != m[2])
        return FALSE;
    } else {
      pairs_set(pairs, &np, m[1], m[2]);
      wrote = TRUE;
    }
  }
  if (!wrote) {
    lincheck_state_copy(s, out);
    return TRUE;
  }
  out->x = 0;
  out->blob = lincheck_blob_of_atoms(pairs, 2 * np);
  return TRUE;
}

gboolean lincheck_multireg_initial(const HistoryValue *v, LincheckAtoms *atoms, LincheckState *out,
                                   GError **error)
{
  if (v->kind != HISTORY_MAP) {
    g_autofree char *shown = history_value_to_string(v);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "a multi-register's initial value is a map such as {:x 0 :y 0}, got %s", shown);
    return FALSE;
  }
  guint n = v->items->len / 2;
  g_autofree gint64 *pairs = g_new(gint64, 2 * n + 2);
  gsize np = 0;
  for (guint k = 0; k < n; k++) {
    gint64 key, val;
    if (!lincheck_scalar_atom(atoms, g_ptr_array_index(v->items, 2 * k), "a register's key", &key, error) ||
        !lincheck_scalar_atom(atoms, g_ptr_array_index(v->items, 2 * k + 1), "a register's value", &val, error))
      return FALSE;
    pairs_set(pairs, &np, key, val);
  }
  out->x = 0;
  out->blob = lincheck_blob_of_atoms(pairs, 2 * np);
  return TRUE;
}

void lincheck_multireg_describe(const LincheckState *s, const LincheckAtoms *atoms, GString *out)
{
  gsize n = 0;
  const gint64 *pairs = lincheck_blob_atoms(s->blob, &n);
  g_string_append_c(out, '{');
  for (gsize i = 0; i < n / 2; i++)
    g_string_append_printf(out, "%s%s %s", i ? ", " : "", lincheck_atom_text(atoms, pairs[2 * i]),
                           lincheck_atom_text(atoms, pairs[2 * i + 1]));
  g_string_append_c(out, '}');
}
