/* The sequential models the linearizability checker knows. Each is a prepare
 * function (history values -> LincheckOp), an initial state, a step function
 * and a describe function, gathered in the table at the end of this file.
 *
 *   register      read / write; the initial value is nil
 *   cas-register  read / write / cas [old new]
 *   kv            get / put / append on string values, one register per key
 *                 (append concatenates; a get of nil matches the empty value)
 *   mutex         acquire / release
 *   set           add x / read returning the whole set as a list or set
 *   multi-register, fifo-queue, unordered-queue: in lincheck_multireg.c and
 *                 lincheck_queues.c (their functions in lincheck_models.h)
 * What :fail and :info mean for each model is in docs/lincheck.md. */
#include "sim/check/lincheck_models.h"
#include "sim/kernel/errors.h"
#include <string.h>

enum { OP_READ, OP_WRITE, OP_CAS, OP_APPEND, OP_ACQUIRE, OP_RELEASE, OP_ADD };

gboolean lincheck_unknown_f(const char *model, const char *f, const char *known, GError **error)
{
  g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
              "model %s has no operation '%s' (expected %s)", model, f, known);
  return FALSE;
}

gboolean lincheck_scalar_atom(LincheckAtoms *atoms, const HistoryValue *v, const char *what,
                              gint64 *out, GError **error)
{
  *out = lincheck_atom(atoms, v);
  if (*out < 0) {
    g_autofree char *text = history_value_to_string(v);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s must be a single value, got %s", what, text);
    return FALSE;
  }
  return TRUE;
}

void lincheck_state_copy(const LincheckState *s, LincheckState *out)
{
  out->x = s->x;
  out->blob = s->blob ? g_bytes_ref(s->blob) : NULL;
}

gboolean lincheck_blob_equal(GBytes *a, GBytes *b)
{
  if (!a || !b)
    return a == b;
  return g_bytes_equal(a, b);
}

void lincheck_init_zero(LincheckState *out)
{
  out->x = 0;
  out->blob = NULL;
}

const gint64 *lincheck_blob_atoms(GBytes *b, gsize *n)
{
  gsize size = 0;
  const gint64 *a = b ? g_bytes_get_data(b, &size) : NULL;
  *n = size / sizeof(gint64);
  return a;
}

GBytes *lincheck_blob_of_atoms(const gint64 *a, gsize n)
{
  return n ? g_bytes_new(a, n * sizeof(gint64)) : NULL;
}

/* ---- dropping unobservable unknown ops ------------------------------------
 *
 * The reduce functions below rest on one fact about a model whose state is
 * "the current value" (a register, a kv key without appends):
 *
 * Let U be an unknown op that sets the state to value v, and suppose no op
 * can observe v: no ok op returns or requires v, and no op (of any outcome)
 * is conditional on v. Take any linearization L containing U. The ops after
 * U, up to the next op that changes the state, all see v; each would be a
 * read returning v (there is none) or an op conditional on v (none). So the
 * next op after U in L, if any, changes the state unconditionally, and
 * removing U from L leaves every other op's outcome unchanged: L without U
 * is a linearization too. Conversely any linearization without U is one of
 * the original (U may never happen). Dropping several such ops is sound one
 * at a time: removing ops never creates an observer.
 *
 * Tried and not kept: binding an unknown op that is the only producer of a
 * value an ok op observed to complete before that op. Sound, but the search
 * already fails every branch where it has not happened by then, and the
 * benchmarks took the same number of steps. */

/* The set of values some op can observe: a GHashTable of gint64. */
static GHashTable *seen_new(void)
{
  return g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
}

/* Notes that value `v` can be observed. */
static void seen_add(GHashTable *seen, gint64 v)
{
  if (!g_hash_table_contains(seen, &v)) {
    gint64 *k = g_new(gint64, 1);
    *k = v;
    g_hash_table_add(seen, k);
  }
}

static gboolean seen_has(GHashTable *seen, gint64 v)
{
  return g_hash_table_contains(seen, &v);
}

/* ---- register and cas-register ---------------------------------------- */

/* Prepares read/write (and cas when `with_cas`). */
static gboolean register_prepare_common(const char *model, gboolean with_cas, const char *f,
                                        const HistoryValue *in, const HistoryValue *result,
                                        LincheckAtoms *atoms, LincheckOp *out,
                                        gboolean *read_only, GError **error)
{
  if (strcmp(f, "read") == 0) {
    out->f = OP_READ;
    *read_only = TRUE;
    return !result || lincheck_scalar_atom(atoms, result, "a read's result", &out->a, error);
  }
  if (strcmp(f, "write") == 0) {
    out->f = OP_WRITE;
    return lincheck_scalar_atom(atoms, in, "a write's value", &out->a, error);
  }
  if (with_cas && strcmp(f, "cas") == 0) {
    out->f = OP_CAS;
    if (in->kind != HISTORY_LIST || in->items->len != 2) {
      g_autofree char *text = history_value_to_string(in);
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "a cas value must be [old new], got %s", text);
      return FALSE;
    }
    return lincheck_scalar_atom(atoms, g_ptr_array_index(in->items, 0), "cas's old value", &out->a, error) &&
           lincheck_scalar_atom(atoms, g_ptr_array_index(in->items, 1), "cas's new value", &out->b, error);
  }
  return lincheck_unknown_f(model, f, with_cas ? "read, write or cas" : "read or write", error);
}

static gboolean register_prepare(const char *f, const HistoryValue *in, const HistoryValue *result,
                                 LincheckAtoms *atoms, LincheckOp *out, gboolean *read_only,
                                 GError **error)
{
  return register_prepare_common("register", FALSE, f, in, result, atoms, out, read_only, error);
}

static gboolean cas_register_prepare(const char *f, const HistoryValue *in,
                                     const HistoryValue *result, LincheckAtoms *atoms,
                                     LincheckOp *out, gboolean *read_only, GError **error)
{
  return register_prepare_common("cas-register", TRUE, f, in, result, atoms, out, read_only, error);
}

static gboolean register_step(const LincheckState *s, const LincheckOp *op, LincheckState *out)
{
  switch (op->f) {
  case OP_READ:
    if (!op->unknown && s->x != op->a)
      return FALSE;
    out->x = s->x;
    break;
  case OP_WRITE:
    out->x = op->a;
    break;
  case OP_CAS:
    if (s->x != op->a)
      return FALSE;
    out->x = op->b;
    break;
  default:
    return FALSE;
  }
  out->blob = NULL;
  return TRUE;
}

/* register and cas-register: the state is the value. An ok read of v
 * observes v; a cas [v _] of any outcome is conditional on v (an info cas
 * counts: it may have succeeded only because of that write). An unknown
 * write of v, or unknown cas [_ v], is dropped when nothing observes v (the
 * fact above). It is not dropped when some cas expects v, even if that cas
 * is the op itself (cas [v v]). */
static void register_reduce(const LincheckOp *ops, guint n, gboolean *drop)
{
  g_autoptr(GHashTable) seen = seen_new();
  for (guint i = 0; i < n; i++) {
    if (ops[i].f == OP_READ && !ops[i].unknown)
      seen_add(seen, ops[i].a);
    else if (ops[i].f == OP_CAS)
      seen_add(seen, ops[i].a);
  }
  for (guint i = 0; i < n; i++) {
    if (!ops[i].unknown)
      continue;
    if (ops[i].f == OP_WRITE)
      drop[i] = !seen_has(seen, ops[i].a);
    else if (ops[i].f == OP_CAS)
      drop[i] = !seen_has(seen, ops[i].b);
  }
}

/* register and cas-register: the initial value is any single value. */
static gboolean register_initial(const HistoryValue *v, LincheckAtoms *atoms, LincheckState *out,
                                 GError **error)
{
  out->blob = NULL;
  return lincheck_scalar_atom(atoms, v, "a register's initial value", &out->x, error);
}

static void register_describe(const LincheckState *s, const LincheckAtoms *atoms, GString *out)
{
  g_string_append(out, lincheck_atom_text(atoms, s->x));
}

/* ---- kv ---------------------------------------------------------------- */

/* The text of a kv value: strings and keywords as themselves, integers in
 * decimal, nil as empty; NULL for anything else. */
static char *kv_text(const HistoryValue *v)
{
  switch (v->kind) {
  case HISTORY_NIL: return g_strdup("");
  case HISTORY_STR: case HISTORY_KW: case HISTORY_SYM: return g_strdup(v->s);
  case HISTORY_INT: return g_strdup_printf("%" G_GINT64_FORMAT, v->i);
  default: return NULL;
  }
}

/* The payload of a kv value (NULL for empty), or FALSE with an error. */
static gboolean kv_blob(const HistoryValue *v, GBytes **out, GError **error)
{
  char *text = kv_text(v);
  if (!text) {
    g_autofree char *shown = history_value_to_string(v);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "a kv value must be a string or an integer, got %s", shown);
    return FALSE;
  }
  gsize len = strlen(text);
  if (len == 0) {
    g_free(text);
    *out = NULL;
  } else {
    *out = g_bytes_new_take(text, len);
  }
  return TRUE;
}

static gboolean kv_prepare(const char *f, const HistoryValue *in, const HistoryValue *result,
                           LincheckAtoms *atoms, LincheckOp *out, gboolean *read_only,
                           GError **error)
{
  (void) atoms;
  if (strcmp(f, "get") == 0 || strcmp(f, "read") == 0) {
    out->f = OP_READ;
    *read_only = TRUE;
    return !result || kv_blob(result, &out->blob, error);
  }
  if (strcmp(f, "put") == 0 || strcmp(f, "write") == 0) {
    out->f = OP_WRITE;
    return kv_blob(in, &out->blob, error);
  }
  if (strcmp(f, "append") == 0) {
    out->f = OP_APPEND;
    return kv_blob(in, &out->blob, error);
  }
  return lincheck_unknown_f("kv", f, "get, put or append", error);
}

static gboolean kv_step(const LincheckState *s, const LincheckOp *op, LincheckState *out)
{
  switch (op->f) {
  case OP_READ:
    if (!op->unknown && !lincheck_blob_equal(s->blob, op->blob))
      return FALSE;
    lincheck_state_copy(s, out);
    return TRUE;
  case OP_WRITE:
    out->x = 0;
    out->blob = op->blob ? g_bytes_ref(op->blob) : NULL;
    return TRUE;
  case OP_APPEND: {
    if (!op->blob || !s->blob) {
      GBytes *b = op->blob ? op->blob : s->blob;
      out->x = 0;
      out->blob = b ? g_bytes_ref(b) : NULL;
      return TRUE;
    }
    gsize n1 = 0, n2 = 0;
    const guint8 *d1 = g_bytes_get_data(s->blob, &n1);
    const guint8 *d2 = g_bytes_get_data(op->blob, &n2);
    guint8 *buf = g_malloc(n1 + n2);
    memcpy(buf, d1, n1);
    memcpy(buf + n1, d2, n2);
    out->x = 0;
    out->blob = g_bytes_new_take(buf, n1 + n2);
    return TRUE;
  }
  default:
    return FALSE;
  }
}

/* Orders payloads (GBytes*, non-NULL) byte-wise, a prefix before the
 * longer payloads that extend it. */
static int blob_cmp(gconstpointer a, gconstpointer b)
{
  return g_bytes_compare(*(GBytes *const *) a, *(GBytes *const *) b);
}

/* TRUE when payload `p` (non-empty) is a prefix of `b` (NULL = empty). */
static gboolean blob_has_prefix(GBytes *b, GBytes *p)
{
  gsize nb = 0, np = 0;
  const guint8 *db = b ? g_bytes_get_data(b, &nb) : NULL;
  const guint8 *dp = g_bytes_get_data(p, &np);
  return np <= nb && memcmp(db, dp, np) == 0;
}

/* kv with appends on the key: an unknown put of a non-empty v is dropped
 * when no ok read returned a value starting with v. Proof: in a
 * linearization L with that put, every state from it up to the next put is
 * v followed by appended text, so any read there would return a value
 * starting with v: there is none. The ops there are appends, which always
 * succeed, and the next put resets the state; removing the put changes no
 * outcome. The values read are sorted, so that the values starting with v
 * are the ones from the first value >= v on: one binary search per put. */
static void kv_reduce_appends(const LincheckOp *ops, guint n, gboolean *drop)
{
  g_autoptr(GPtrArray) reads = g_ptr_array_new();
  for (guint j = 0; j < n; j++)
    if (ops[j].f == OP_READ && !ops[j].unknown && ops[j].blob)
      g_ptr_array_add(reads, ops[j].blob);
  g_ptr_array_sort(reads, blob_cmp);
  for (guint i = 0; i < n; i++) {
    if (!ops[i].unknown || ops[i].f != OP_WRITE || !ops[i].blob)
      continue;
    guint lo = 0, hi = reads->len;   /* first read >= the put's value */
    while (lo < hi) {
      guint mid = lo + (hi - lo) / 2;
      if (g_bytes_compare(g_ptr_array_index(reads, mid), ops[i].blob) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    drop[i] = !(lo < reads->len && blob_has_prefix(g_ptr_array_index(reads, lo), ops[i].blob));
  }
}

/* kv: on a key without appends the state is the last value put, as for
 * register, so an unknown put of v is dropped when no ok read returned v
 * (the fact above). With appends, see kv_reduce_appends. */
static void kv_reduce(const LincheckOp *ops, guint n, gboolean *drop)
{
  for (guint i = 0; i < n; i++)
    if (ops[i].f == OP_APPEND) {
      kv_reduce_appends(ops, n, drop);
      return;
    }
  g_autoptr(GHashTable) seen = g_hash_table_new(g_bytes_hash, g_bytes_equal);
  gboolean seen_empty = FALSE;
  for (guint i = 0; i < n; i++) {
    if (ops[i].f != OP_READ || ops[i].unknown)
      continue;
    if (ops[i].blob)
      g_hash_table_add(seen, ops[i].blob);
    else
      seen_empty = TRUE;
  }
  for (guint i = 0; i < n; i++)
    if (ops[i].unknown && ops[i].f == OP_WRITE)
      drop[i] = ops[i].blob ? !g_hash_table_contains(seen, ops[i].blob) : !seen_empty;
}

/* kv: a key's initial value is a string or an integer (nil: empty). */
static gboolean kv_initial(const HistoryValue *v, LincheckAtoms *atoms, LincheckState *out, GError **error)
{
  (void) atoms;
  out->x = 0;
  return kv_blob(v, &out->blob, error);
}

static void kv_describe(const LincheckState *s, const LincheckAtoms *atoms, GString *out)
{
  (void) atoms;
  gsize n = 0;
  const char *d = s->blob ? g_bytes_get_data(s->blob, &n) : "";
  g_string_append_c(out, '"');
  g_string_append_len(out, d, (gssize) n);
  g_string_append_c(out, '"');
}

/* ---- mutex ------------------------------------------------------------- */

static gboolean mutex_prepare(const char *f, const HistoryValue *in, const HistoryValue *result,
                              LincheckAtoms *atoms, LincheckOp *out, gboolean *read_only,
                              GError **error)
{
  (void) in; (void) result; (void) atoms; (void) read_only;
  if (strcmp(f, "acquire") == 0)
    out->f = OP_ACQUIRE;
  else if (strcmp(f, "release") == 0)
    out->f = OP_RELEASE;
  else
    return lincheck_unknown_f("mutex", f, "acquire or release", error);
  return TRUE;
}

static gboolean mutex_step(const LincheckState *s, const LincheckOp *op, LincheckState *out)
{
  gboolean held = s->x != 0;
  if ((op->f == OP_ACQUIRE && held) || (op->f == OP_RELEASE && !held))
    return FALSE;
  out->x = !held;
  out->blob = NULL;
  return TRUE;
}

static void mutex_describe(const LincheckState *s, const LincheckAtoms *atoms, GString *out)
{
  (void) atoms;
  g_string_append(out, s->x ? "held" : "free");
}

/* ---- set --------------------------------------------------------------- */

static int atom_cmp(const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static gboolean set_prepare(const char *f, const HistoryValue *in, const HistoryValue *result,
                            LincheckAtoms *atoms, LincheckOp *out, gboolean *read_only,
                            GError **error)
{
  if (strcmp(f, "add") == 0) {
    out->f = OP_ADD;
    return lincheck_scalar_atom(atoms, in, "an added element", &out->a, error);
  }
  if (strcmp(f, "read") != 0)
    return lincheck_unknown_f("set", f, "add or read", error);
  out->f = OP_READ;
  *read_only = TRUE;
  if (!result || result->kind == HISTORY_NIL)
    return TRUE;
  if (result->kind != HISTORY_LIST && result->kind != HISTORY_SET) {
    g_autofree char *text = history_value_to_string(result);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "a set read must return a list, got %s", text);
    return FALSE;
  }
  g_autoptr(GArray) elems = g_array_sized_new(FALSE, FALSE, sizeof(gint64), result->items->len);
  for (guint k = 0; k < result->items->len; k++) {
    gint64 a;
    if (!lincheck_scalar_atom(atoms, g_ptr_array_index(result->items, k), "a set element", &a, error))
      return FALSE;
    g_array_append_val(elems, a);
  }
  g_array_sort(elems, atom_cmp);
  guint w = 0;
  for (guint k = 0; k < elems->len; k++)
    if (w == 0 || g_array_index(elems, gint64, w - 1) != g_array_index(elems, gint64, k))
      g_array_index(elems, gint64, w++) = g_array_index(elems, gint64, k);
  if (w > 0)
    out->blob = g_bytes_new(elems->data, w * sizeof(gint64));
  return TRUE;
}

static gboolean set_step(const LincheckState *s, const LincheckOp *op, LincheckState *out)
{
  if (op->f == OP_READ) {
    if (!op->unknown && !lincheck_blob_equal(s->blob, op->blob))
      return FALSE;
    lincheck_state_copy(s, out);
    return TRUE;
  }
  if (op->f != OP_ADD)
    return FALSE;
  gsize size = 0;
  const gint64 *e = s->blob ? g_bytes_get_data(s->blob, &size) : NULL;
  gsize n = size / sizeof(gint64), pos = 0;
  while (pos < n && e[pos] < op->a)
    pos++;
  if (pos < n && e[pos] == op->a) {
    lincheck_state_copy(s, out);
    return TRUE;
  }
  gint64 *next = g_new(gint64, n + 1);
  if (pos)
    memcpy(next, e, pos * sizeof(gint64));
  next[pos] = op->a;
  if (n > pos)
    memcpy(next + pos + 1, e + pos, (n - pos) * sizeof(gint64));
  out->x = 0;
  out->blob = g_bytes_new_take(next, (n + 1) * sizeof(gint64));
  return TRUE;
}

/* set: an unknown add(x) is dropped when no ok read contains x. Proof: in
 * a linearization with it, either x was already there (it changed nothing)
 * or every later state contains x, so no ok read comes later; adds always
 * succeed; removing it changes no other op's outcome. */
static void set_reduce(const LincheckOp *ops, guint n, gboolean *drop)
{
  g_autoptr(GHashTable) seen = seen_new();
  for (guint i = 0; i < n; i++) {
    if (ops[i].f != OP_READ || ops[i].unknown || !ops[i].blob)
      continue;
    gsize size = 0;
    const gint64 *e = g_bytes_get_data(ops[i].blob, &size);
    for (gsize k = 0; k < size / sizeof(gint64); k++)
      seen_add(seen, e[k]);
  }
  for (guint i = 0; i < n; i++)
    if (ops[i].unknown && ops[i].f == OP_ADD)
      drop[i] = !seen_has(seen, ops[i].a);
}

static void set_describe(const LincheckState *s, const LincheckAtoms *atoms, GString *out)
{
  gsize size = 0;
  const gint64 *e = s->blob ? g_bytes_get_data(s->blob, &size) : NULL;
  g_string_append(out, "#{");
  for (gsize k = 0; k < size / sizeof(gint64); k++) {
    if (k)
      g_string_append_c(out, ' ');
    g_string_append(out, lincheck_atom_text(atoms, e[k]));
  }
  g_string_append_c(out, '}');
}

/* ---- the table --------------------------------------------------------- */

static const LincheckModel models[] = {
  { .name = "register", .summary = "read/write register, initially nil (or --initial)",
    .prepare = register_prepare, .init = lincheck_init_zero, .initial = register_initial,
    .step = register_step,
    .describe = register_describe, .reduce = register_reduce },
  { .name = "cas-register", .summary = "read/write/cas [old new] register, initially nil (or --initial)",
    .prepare = cas_register_prepare, .init = lincheck_init_zero, .initial = register_initial,
    .step = register_step,
    .describe = register_describe, .reduce = register_reduce },
  { .name = "kv", .summary = "get/put/append string map, checked key by key",
    .prepare = kv_prepare, .init = lincheck_init_zero, .initial = kv_initial, .step = kv_step,
    .describe = kv_describe, .reduce = kv_reduce, .split_tuples = TRUE },
  { .name = "mutex", .summary = "acquire/release lock, initially free",
    .prepare = mutex_prepare, .init = lincheck_init_zero, .step = mutex_step,
    .describe = mutex_describe },
  { .name = "set", .summary = "add x / read returning the whole set",
    .prepare = set_prepare, .init = lincheck_init_zero, .step = set_step,
    .describe = set_describe, .reduce = set_reduce },
  { .name = "multi-register", .summary = "txn [[:read k v] [:write k v] ...] over registers, initially nil",
    .prepare = lincheck_multireg_prepare, .init = lincheck_init_zero,
    .initial = lincheck_multireg_initial, .initial_is_map = TRUE, .step = lincheck_multireg_step,
    .describe = lincheck_multireg_describe },
  { .name = "fifo-queue", .summary = "enqueue x / dequeue returning the oldest element",
    .prepare = lincheck_queue_prepare, .init = lincheck_init_zero, .initial = lincheck_queue_initial,
    .step = lincheck_fifo_step, .describe = lincheck_fifo_describe },
  { .name = "unordered-queue", .summary = "enqueue x / dequeue returning any element",
    .prepare = lincheck_queue_prepare, .init = lincheck_init_zero, .initial = lincheck_queue_initial,
    .step = lincheck_unordered_step, .describe = lincheck_unordered_describe },
};

const LincheckModel *lincheck_models(guint *n)
{
  *n = G_N_ELEMENTS(models);
  return models;
}

const LincheckModel *lincheck_model_lookup(const char *name)
{
  for (guint k = 0; k < G_N_ELEMENTS(models); k++)
    if (strcmp(models[k].name, name) == 0)
      return &models[k];
  return NULL;
}
