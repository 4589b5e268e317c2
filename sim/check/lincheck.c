/* The linearizability check (see sim/check/lincheck.h): pairs invocations
 * with completions, splits the history by key, prepares each key's ops for
 * its model, and schedules the keys' searches (sim/check/lincheck_search.c)
 * in rounds until one is violated, all are decided or a limit is hit. */
#include "sim/check/lincheck.h"
#include "sim/check/lincheck_search.h"
#include "sim/kernel/errors.h"
#include <string.h>
#include <unistd.h>

/* The searches a check left holding memory (see LincheckResult.leftover). */
struct LincheckLeftover {
  GPtrArray *searches;   /* LincheckKeySearch* */
};

static void leftover_free(struct LincheckLeftover *l)
{
  for (guint k = 0; k < l->searches->len; k++)
    lincheck_key_search_free(g_ptr_array_index(l->searches, k), NULL);
  g_ptr_array_unref(l->searches);
  g_free(l);
}

/* A number of bytes read from the first line of `path`, or 0 ("max" and
 * unreadable files give 0). */
static guint64 read_bytes_file(const char *path)
{
  g_autofree char *text = NULL;
  guint64 v = 0;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return 0;
  if (!g_ascii_string_to_unsigned(g_strstrip(text), 10, 1, G_MAXUINT64, &v, NULL))
    return 0;
  return v;
}

guint64 lincheck_default_max_memory(void)
{
  guint64 total = 0;
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0)
    total = (guint64) pages * (guint64) page;
  /* A container's limit (cgroup v2, then v1) when lower than the machine's. */
  const char *limits[] = { "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes" };
  for (guint k = 0; k < G_N_ELEMENTS(limits); k++) {
    guint64 v = read_bytes_file(limits[k]);
    if (v && (total == 0 || v < total))
      total = v;
  }
  return total ? total / 2 : (guint64) 1 << 30;
}

/* One partition: the calls with a given key. */
typedef struct {
  GPtrArray *calls;   /* LincheckCall*, borrowed from the pairing array */
} Partition;

static void partition_free(gpointer p)
{
  Partition *part = p;
  g_ptr_array_unref(part->calls);
  g_free(part);
}

/* A new call for invocation `op` at history position `pos`, splitting a
 * [k v] value into key and value when the model reads tuples. */
static LincheckCall *call_new(const LincheckModel *model, const HistoryOp *op, guint pos)
{
  LincheckCall *c = g_new0(LincheckCall, 1);
  c->inv = op;
  c->inv_pos = pos;
  c->done_pos = G_MAXUINT;
  c->key = op->key;
  c->in = op->value;
  if (model->split_tuples && !c->key && op->value->kind == HISTORY_LIST && op->value->items->len == 2) {
    c->key = g_ptr_array_index(op->value->items, 0);
    c->in = g_ptr_array_index(op->value->items, 1);
    c->split = TRUE;
  }
  return c;
}

/* Records completion `op` (at `pos`) of call `c`, or FALSE with an error
 * when it names another operation. */
static gboolean call_complete(LincheckCall *c, const HistoryOp *op, guint pos, GError **error)
{
  if (strcmp(c->inv->f, op->f) != 0) {
    g_autofree char *where = history_op_where(op);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: process %" G_GINT64_FORMAT " completes %s but invoked %s at line %u",
                where, op->process, op->f, c->inv->f, c->inv->line);
    return FALSE;
  }
  c->done = op;
  if (op->type == HISTORY_OK) {
    c->done_pos = pos;
    c->out = op->value;
    if (c->split && op->value->kind == HISTORY_LIST && op->value->items->len == 2)
      c->out = g_ptr_array_index(op->value->items, 1);
  }
  return TRUE;
}

/* Inserts `key` -> call index `idx` into a gint64-keyed table. */
static void pending_put(GHashTable *pending, gint64 key, guint idx)
{
  gint64 *k = g_new(gint64, 1);
  *k = key;
  g_hash_table_insert(pending, k, GUINT_TO_POINTER(idx + 1));
}

/* The call index under `key`, or -1. */
static gint64 pending_get(GHashTable *pending, gint64 key)
{
  guint v = GPOINTER_TO_UINT(g_hash_table_lookup(pending, &key));
  return v ? (gint64) v - 1 : -1;
}

/* Pairs invocations with completions in history order: by op id for
 * records that carry one, by process for the others (one pending op per
 * process). Fills `calls` (owning LincheckCall*), or FALSE with a
 * "FILE:LINE:" error. */
static gboolean pair_calls(const LincheckModel *model, GPtrArray *ops, GPtrArray *calls,
                           GError **error)
{
  g_autoptr(GHashTable) by_process = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) by_id = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint pos = 0; pos < ops->len; pos++) {
    const HistoryOp *op = g_ptr_array_index(ops, pos);
    g_autofree char *where = NULL;
    GHashTable *pending = op->has_op_id ? by_id : by_process;
    gint64 key = op->has_op_id ? op->op_id : op->process;
    gint64 idx = pending_get(pending, key);
    if (op->type == HISTORY_INVOKE) {
      if (idx >= 0) {
        where = history_op_where(op);
        const LincheckCall *c = g_ptr_array_index(calls, (guint) idx);
        if (op->has_op_id)
          g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                      "%s: op %" G_GINT64_FORMAT " invoked again while pending since line %u",
                      where, op->op_id, c->inv->line);
        else
          g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                      "%s: process %" G_GINT64_FORMAT " invokes %s while its %s from line %u is "
                      "still pending (without op ids a process may have one pending operation)",
                      where, op->process, op->f, c->inv->f, c->inv->line);
        return FALSE;
      }
      pending_put(pending, key, calls->len);
      g_ptr_array_add(calls, call_new(model, op, pos));
      continue;
    }
    if (idx < 0) {
      where = history_op_where(op);
      if (op->has_op_id)
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                    "%s: %s completion of %s (op %" G_GINT64_FORMAT ") by process %" G_GINT64_FORMAT
                    " with no pending invocation", where, history_type_name(op->type),
                    op->f, op->op_id, op->process);
      else
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                    "%s: %s completion of %s by process %" G_GINT64_FORMAT " with no pending invocation",
                    where, history_type_name(op->type), op->f, op->process);
      return FALSE;
    }
    LincheckCall *c = g_ptr_array_index(calls, (guint) idx);
    if (c->inv->process != op->process) {
      where = history_op_where(op);
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "%s: op %" G_GINT64_FORMAT " was invoked by process %" G_GINT64_FORMAT
                  " at line %u but completed by process %" G_GINT64_FORMAT,
                  where, op->op_id, c->inv->process, c->inv->line, op->process);
      return FALSE;
    }
    if (!call_complete(c, op, pos, error))
      return FALSE;
    g_hash_table_remove(pending, &key);
  }
  return TRUE;
}

/* Converts w->all into model ops: fills w->calls and w->ops, leaving out
 * unknown read-only ops (they can neither constrain nor change anything).
 * FALSE with a "FILE:LINE: message" error when the model refuses an op. */
static gboolean work_prepare(const LincheckModel *model, LincheckAtoms *atoms, LincheckWork *w,
                             GError **error)
{
  guint n = w->all->len;
  w->ops = g_new0(LincheckOp, n);
  w->calls = g_ptr_array_sized_new(n);
  for (guint i = 0; i < n; i++) {
    LincheckCall *c = g_ptr_array_index(w->all, i);
    LincheckOp *op = &w->ops[w->calls->len];
    gboolean known = c->done && c->done->type == HISTORY_OK;
    gboolean read_only = FALSE;
    GError *perr = NULL;
    memset(op, 0, sizeof *op);
    op->unknown = !known;
    if (!model->prepare(c->inv->f, c->in, known ? c->out : NULL, atoms, op, &read_only, &perr)) {
      g_autofree char *where = history_op_where(known ? c->done : c->inv);
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: %s", where, perr->message);
      g_error_free(perr);
      g_clear_pointer(&op->blob, g_bytes_unref);
      return FALSE;
    }
    if (op->unknown && read_only) {
      g_clear_pointer(&op->blob, g_bytes_unref);
      continue;
    }
    g_ptr_array_add(w->calls, c);
  }
  return TRUE;
}

/* Frees what work_prepare and work_reduce allocated (not w->all). */
static void work_clear(LincheckWork *w)
{
  for (guint i = 0; w->calls && i < w->calls->len; i++)
    g_clear_pointer(&w->ops[i].blob, g_bytes_unref);
  g_clear_pointer(&w->ops, g_free);
  g_clear_pointer(&w->calls, g_ptr_array_unref);
  g_clear_pointer(&w->twin, g_free);
  g_clear_pointer(&w->init.blob, g_bytes_unref);
}

/* Orders indexes of ops by content (f, a, b, payload), then by index. */
static int op_content_cmp(gconstpointer pa, gconstpointer pb, gpointer data)
{
  const LincheckOp *ops = data;
  guint i = *(const guint *) pa, j = *(const guint *) pb;
  const LincheckOp *x = &ops[i], *y = &ops[j];
  if (x->f != y->f)
    return x->f < y->f ? -1 : 1;
  if (x->a != y->a)
    return x->a < y->a ? -1 : 1;
  if (x->b != y->b)
    return x->b < y->b ? -1 : 1;
  if (x->blob != y->blob) {
    if (!x->blob || !y->blob)
      return x->blob ? 1 : -1;
    int c = g_bytes_compare(x->blob, y->blob);
    if (c)
      return c;
  }
  return (i > j) - (i < j);
}

/* TRUE when two ops have the same content (and so the same steps). */
static gboolean op_same(const LincheckOp *x, const LincheckOp *y)
{
  return x->f == y->f && x->a == y->a && x->b == y->b && x->unknown == y->unknown &&
         (x->blob == y->blob || (x->blob && y->blob && g_bytes_equal(x->blob, y->blob)));
}

/* Fills w->twin: for each unknown op, the previous unknown op with the same
 * content (G_MAXUINT if none). */
static void work_twins(LincheckWork *w)
{
  guint n = w->calls->len, m = 0;
  w->twin = g_new(guint, n);
  g_autofree guint *idx = g_new(guint, n);
  for (guint i = 0; i < n; i++) {
    w->twin[i] = G_MAXUINT;
    if (w->ops[i].unknown)
      idx[m++] = i;
  }
  g_qsort_with_data(idx, (gint) m, sizeof(guint), op_content_cmp, w->ops);
  for (guint k = 1; k < m; k++)
    if (op_same(&w->ops[idx[k - 1]], &w->ops[idx[k]]))
      w->twin[idx[k]] = idx[k - 1];
}

/* Applies the model's reduce function to w (prepared): removes the unknown
 * ops it proves unobservable (counting them in r->n_dropped), then sets
 * w->twin. Known ops are never removed, whatever the model says. */
static void work_reduce(const LincheckModel *model, LincheckWork *w, LincheckResult *r)
{
  guint n = w->calls->len, m = 0;
  g_autofree gboolean *drop = g_new0(gboolean, n);
  if (model->reduce)
    model->reduce(w->ops, n, drop);
  for (guint i = 0; i < n; i++) {
    if (drop[i] && w->ops[i].unknown) {
      g_clear_pointer(&w->ops[i].blob, g_bytes_unref);
      r->n_dropped++;
      continue;
    }
    w->ops[m] = w->ops[i];
    g_ptr_array_index(w->calls, m) = g_ptr_array_index(w->calls, i);
    m++;
  }
  g_ptr_array_set_size(w->calls, m);
  work_twins(w);
}

/* TRUE when two map keys name the same key: equal values, or a keyword,
 * string or symbol with the same text (--initial '{:x 0}' for key "x"). */
static gboolean key_matches(const HistoryValue *a, const HistoryValue *b)
{
  if (history_value_equal(a, b))
    return TRUE;
  gboolean ta = a->kind == HISTORY_KW || a->kind == HISTORY_STR || a->kind == HISTORY_SYM;
  gboolean tb = b->kind == HISTORY_KW || b->kind == HISTORY_STR || b->kind == HISTORY_SYM;
  return ta && tb && strcmp(a->s, b->s) == 0;
}

/* Sets w->init: the model's initial state, or the one `initial` gives the
 * key of w (see lincheck_check_from). FALSE with an "--initial: " error. */
static gboolean work_initial(const LincheckModel *model, LincheckAtoms *atoms, const HistoryValue *initial,
                             LincheckWork *w, GError **error)
{
  const HistoryValue *v = initial;
  if (v && v->kind == HISTORY_MAP && !model->initial_is_map) {
    const LincheckCall *c = w->all->len ? g_ptr_array_index(w->all, 0) : NULL;
    v = NULL;
    for (guint k = 0; c && c->key && k + 1 < initial->items->len; k += 2)
      if (key_matches(g_ptr_array_index(initial->items, k), c->key)) {
        v = g_ptr_array_index(initial->items, k + 1);
        break;
      }
  }
  if (!v) {
    model->init(&w->init);
    return TRUE;
  }
  GError *cause = NULL;
  if (!model->initial(v, atoms, &w->init, &cause)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--initial: %s", cause->message);
    g_error_free(cause);
    return FALSE;
  }
  return TRUE;
}

gboolean lincheck_check(const LincheckModel *model, GPtrArray *ops, const LincheckLimits *limits,
                        LincheckResult *result, GError **error)
{
  return lincheck_check_from(model, ops, NULL, limits, result, error);
}

gboolean lincheck_check_from(const LincheckModel *model, GPtrArray *ops, const LincheckOptions *options,
                             const LincheckLimits *limits, LincheckResult *result, GError **error)
{
  const HistoryValue *initial = options ? options->initial : NULL;
  g_return_val_if_fail(model && ops && result, FALSE);
  memset(result, 0, sizeof *result);
  if (initial && !model->initial) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--initial: model %s takes no initial value",
                model->name);
    return FALSE;
  }
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func(g_free);
  if (!pair_calls(model, ops, calls, error))
    return FALSE;

  /* Split by key, in order of first appearance. */
  g_autoptr(GHashTable) by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(partition_free);
  for (guint i = 0; i < calls->len; i++) {
    LincheckCall *c = g_ptr_array_index(calls, i);
    if (c->done && c->done->type == HISTORY_FAIL)
      continue;
    char *k = c->key ? history_value_to_string(c->key) : g_strdup("");
    gpointer idx = NULL;
    if (!g_hash_table_lookup_extended(by_key, k, NULL, &idx)) {
      Partition *p = g_new0(Partition, 1);
      p->calls = g_ptr_array_new();
      idx = GUINT_TO_POINTER(parts->len);
      g_ptr_array_add(parts, p);
      g_hash_table_insert(by_key, k, idx);
    } else {
      g_free(k);
    }
    Partition *p = g_ptr_array_index(parts, GPOINTER_TO_UINT(idx));
    g_ptr_array_add(p->calls, c);
    result->n_ops++;
  }
  guint np = parts->len;
  result->n_keys = np;

  /* Every key is prepared before any search, so that an op the model
   * refuses is reported whatever the searches would have found. */
  g_autoptr(LincheckAtoms) atoms = lincheck_atoms_new();
  g_autofree LincheckWork *works = g_new0(LincheckWork, np);
  for (guint k = 0; k < np; k++) {
    works[k].all = ((Partition *) g_ptr_array_index(parts, k))->calls;
    if (!work_prepare(model, atoms, &works[k], error) ||
        !work_initial(model, atoms, initial, &works[k], error)) {
      for (guint j = 0; j <= k; j++)
        work_clear(&works[j]);
      memset(result, 0, sizeof *result);
      return FALSE;
    }
    work_reduce(model, &works[k], result);
  }

  /* Rounds: each undecided key runs for the round's allowance, which
   * doubles every round; the first violated key ends the check. */
  LincheckShared S = { .model = model, .atoms = atoms };
  if (limits) {
    S.max_steps = limits->max_steps;
    S.max_memory = limits->max_memory;
    if (limits->timeout_us > 0)
      S.deadline_us = g_get_monotonic_time() + limits->timeout_us; /* wallclock-ok: --timeout */
  }
  g_autofree LincheckKeySearch **ks = g_new0(LincheckKeySearch *, np);
  g_autofree gboolean *decided = g_new0(gboolean, np);
  guint undecided = np;
  guint64 allowance = LINCHECK_FIRST_ROUND_STEPS;
  LincheckVerdict verdict = LINCHECK_OK;
  while (undecided > 0 && verdict == LINCHECK_OK && !S.stop_reason) {
    for (guint k = 0; k < np && verdict == LINCHECK_OK && !S.stop_reason; k++) {
      if (decided[k])
        continue;
      if (!ks[k])
        ks[k] = lincheck_key_search_new(&works[k]);
      LincheckVerdict v = lincheck_key_search_run(ks[k], &S, allowance);
      if (v == LINCHECK_OK && options && options->keep_order) {
        if (!result->linearization)
          result->linearization = g_ptr_array_new_with_free_func(g_free);
        lincheck_key_search_order(ks[k], result->linearization);
      }
      if (v == LINCHECK_OK) {
        lincheck_key_search_free(ks[k], &S);
        ks[k] = NULL;
        decided[k] = TRUE;
        undecided--;
      } else if (v == LINCHECK_VIOLATION) {
        verdict = v;
        lincheck_key_search_report(ks[k], result);
      }
    }
    allowance = allowance > G_MAXUINT64 / 2 ? G_MAXUINT64 : allowance * 2;
  }
  if (verdict == LINCHECK_OK && undecided > 0) {
    verdict = LINCHECK_UNKNOWN;
    result->reason = g_steal_pointer(&S.stop_reason);
    result->n_undecided = undecided;
  }
  g_free(S.stop_reason);
  result->verdict = verdict;
  result->steps = S.steps;
  result->peak_memory = S.peak_memory;

  /* The searches still alive are freed by lincheck_result_clear. */
  for (guint k = 0; k < np; k++) {
    if (ks[k]) {
      if (!result->leftover) {
        result->leftover = g_new0(struct LincheckLeftover, 1);
        result->leftover->searches = g_ptr_array_new();
      }
      g_ptr_array_add(result->leftover->searches, ks[k]);
    }
    work_clear(&works[k]);
  }
  return TRUE;
}

void lincheck_result_clear(LincheckResult *r)
{
  g_free(r->reason);
  g_free(r->key);
  g_free(r->bad);
  if (r->concurrent)
    g_ptr_array_unref(r->concurrent);
  if (r->states)
    g_ptr_array_unref(r->states);
  if (r->window)
    g_array_unref(r->window);
  if (r->linearization)
    g_ptr_array_unref(r->linearization);
  if (r->leftover)
    leftover_free(r->leftover);
  memset(r, 0, sizeof *r);
}

char *lincheck_result_format(const LincheckResult *r)
{
  GString *s = g_string_new(NULL);
  switch (r->verdict) {
  case LINCHECK_OK:
    g_string_append_printf(s, "linearizable (%u operations, %u key%s, %" G_GUINT64_FORMAT " steps)\n",
                           r->n_ops, r->n_keys, r->n_keys == 1 ? "" : "s", r->steps);
    break;
  case LINCHECK_UNKNOWN:
    g_string_append_printf(s, "unknown: %s after %" G_GUINT64_FORMAT " steps (%u operations, %u of %u "
                           "key%s undecided)\n", r->reason ? r->reason : "search stopped", r->steps,
                           r->n_ops, r->n_undecided, r->n_keys, r->n_keys == 1 ? "" : "s");
    break;
  case LINCHECK_VIOLATION:
    g_string_append_printf(s, "not linearizable (%u operations, %" G_GUINT64_FORMAT " steps)\n",
                           r->n_ops, r->steps);
    if (r->key)
      g_string_append_printf(s, "key: %s\n", r->key);
    g_string_append_printf(s, "cannot place: %s\n", r->bad);
    g_string_append(s, "concurrent with it:\n");
    if (!r->concurrent || r->concurrent->len == 0)
      g_string_append(s, "  (none)\n");
    for (guint k = 0; r->concurrent && k < r->concurrent->len; k++)
      g_string_append_printf(s, "  %s\n", (char *) g_ptr_array_index(r->concurrent, k));
    g_string_append(s, "model states reached before it:\n");
    for (guint k = 0; r->states && k < r->states->len; k++)
      g_string_append_printf(s, "  %s\n", (char *) g_ptr_array_index(r->states, k));
    break;
  }
  return g_string_free(s, FALSE);
}
