/* The queue models of Knossos (knossos.model/fifo-queue and
 * unordered-queue): :enqueue x adds x; :dequeue returns and removes the
 * oldest element (fifo-queue) or any element (unordered-queue). A state is
 * the queue's elements as atoms: in order, oldest first (fifo), or sorted
 * (unordered: a multiset).
 *
 * An ok dequeue returning nil found the queue empty (Knossos counts that
 * as inconsistent; see docs/lincheck.md). A dequeue whose outcome is
 * unknown removed the oldest element in fifo-queue (the only one it can
 * remove); in unordered-queue which element it took is unknown, a choice
 * this search cannot branch on, so there it is taken as not having
 * happened, as Knossos does: its element stays in the queue. That never
 * makes a linearizable history look violated unless an ok dequeue later
 * found the queue empty. */
#include "sim/check/lincheck_models.h"
#include "sim/kernel/errors.h"
#include <string.h>

enum { Q_ENQUEUE, Q_DEQUEUE };

gboolean lincheck_queue_prepare(const char *f, const HistoryValue *in, const HistoryValue *result,
                                LincheckAtoms *atoms, LincheckOp *out, gboolean *read_only,
                                GError **error)
{
  (void) read_only;
  if (strcmp(f, "enqueue") == 0) {
    out->f = Q_ENQUEUE;
    if (in->kind == HISTORY_NIL) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "an enqueued element must not be nil");
      return FALSE;
    }
    return lincheck_scalar_atom(atoms, in, "an enqueued element", &out->a, error);
  }
  if (strcmp(f, "dequeue") == 0) {
    out->f = Q_DEQUEUE;
    return !result || lincheck_scalar_atom(atoms, result, "a dequeued element", &out->a, error);
  }
  return lincheck_unknown_f("queue", f, "enqueue or dequeue", error);
}

gboolean lincheck_queue_initial(const HistoryValue *v, LincheckAtoms *atoms, LincheckState *out,
                                GError **error)
{
  if (v->kind != HISTORY_LIST && v->kind != HISTORY_SET) {
    g_autofree char *shown = history_value_to_string(v);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "a queue's initial value is a list of elements, oldest first, such as [1 2], got %s", shown);
    return FALSE;
  }
  guint n = v->items->len;
  g_autofree gint64 *a = g_new(gint64, MAX(n, 1));
  for (guint k = 0; k < n; k++)
    if (!lincheck_scalar_atom(atoms, g_ptr_array_index(v->items, k), "a queue element", &a[k], error))
      return FALSE;
  out->x = 0;
  out->blob = lincheck_blob_of_atoms(a, n);
  return TRUE;
}

gboolean lincheck_fifo_step(const LincheckState *s, const LincheckOp *op, LincheckState *out)
{
  gsize n = 0;
  const gint64 *q = lincheck_blob_atoms(s->blob, &n);
  if (op->f == Q_ENQUEUE) {
    g_autofree gint64 *next = g_new(gint64, n + 1);
    if (n)
      memcpy(next, q, n * sizeof(gint64));
    next[n] = op->a;
    out->x = 0;
    out->blob = lincheck_blob_of_atoms(next, n + 1);
    return TRUE;
  }
  if (!op->unknown && op->a == 0) {   /* found the queue empty */
    if (n)
      return FALSE;
    lincheck_state_copy(s, out);
    return TRUE;
  }
  if (n == 0 || (!op->unknown && q[0] != op->a))
    return FALSE;
  out->x = 0;
  out->blob = lincheck_blob_of_atoms(q + 1, n - 1);
  return TRUE;
}

gboolean lincheck_unordered_step(const LincheckState *s, const LincheckOp *op, LincheckState *out)
{
  gsize n = 0;
  const gint64 *q = lincheck_blob_atoms(s->blob, &n);
  if (op->f == Q_ENQUEUE) {
    g_autofree gint64 *next = g_new(gint64, n + 1);
    gsize i = 0;
    while (i < n && q[i] <= op->a)
      i++;
    if (i)
      memcpy(next, q, i * sizeof(gint64));
    next[i] = op->a;
    if (n > i)
      memcpy(next + i + 1, q + i, (n - i) * sizeof(gint64));
    out->x = 0;
    out->blob = lincheck_blob_of_atoms(next, n + 1);
    return TRUE;
  }
  if (op->unknown)
    return FALSE;   /* see the note at the top */
  if (op->a == 0) {   /* found the queue empty */
    if (n)
      return FALSE;
    lincheck_state_copy(s, out);
    return TRUE;
  }
  gsize i = 0;
  while (i < n && q[i] != op->a)
    i++;
  if (i == n)
    return FALSE;
  g_autofree gint64 *next = g_new(gint64, MAX(n - 1, 1));
  if (i)
    memcpy(next, q, i * sizeof(gint64));
  if (n > i + 1)
    memcpy(next + i, q + i + 1, (n - i - 1) * sizeof(gint64));
  out->x = 0;
  out->blob = lincheck_blob_of_atoms(next, n - 1);
  return TRUE;
}

/* Appends the elements of s between `open` and `close`. */
static void queue_describe(const LincheckState *s, const LincheckAtoms *atoms, const char *open,
                           const char *close, GString *out)
{
  gsize n = 0;
  const gint64 *q = lincheck_blob_atoms(s->blob, &n);
  g_string_append(out, open);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf(out, "%s%s", i ? " " : "", lincheck_atom_text(atoms, q[i]));
  g_string_append(out, close);
}

void lincheck_fifo_describe(const LincheckState *s, const LincheckAtoms *atoms, GString *out)
{
  queue_describe(s, atoms, "[", "]", out);
}

void lincheck_unordered_describe(const LincheckState *s, const LincheckAtoms *atoms, GString *out)
{
  queue_describe(s, atoms, "#{", "}", out);
}
