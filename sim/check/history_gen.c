/* Generator of linearizable register histories (see sim/check/history_gen.h). */
#include "sim/check/history_gen.h"
#include "sim/kernel/rng.h"

typedef struct {
  guint process;
  gboolean write;
  gint64 value;     /* written value, or the value read */
  gint64 inv, lin, done;
  gboolean info;
} GenOp;

typedef struct {
  gint64 time;
  guint kind;       /* 0 completion, 1 invocation: completions first at a tie */
  guint op;
} GenEvent;

static int gen_by_lin(gconstpointer a, gconstpointer b, gpointer ops)
{
  const GenOp *x = &((GenOp *) ops)[*(const guint *) a], *y = &((GenOp *) ops)[*(const guint *) b];
  if (x->lin != y->lin)
    return x->lin < y->lin ? -1 : 1;
  return x->process < y->process ? -1 : x->process > y->process;
}

static int gen_by_time(gconstpointer a, gconstpointer b)
{
  const GenEvent *x = a, *y = b;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return x->op < y->op ? -1 : x->op > y->op;
}

/* A new op record for event `e` of `g`. */
static HistoryOp *gen_record(const GenOp *g, gboolean invoke, gint64 index, gint64 time)
{
  HistoryOp *op = g_new0(HistoryOp, 1);
  op->source = g_intern_static_string("<generated>");
  op->index = index;
  op->line = (guint) index + 1;
  op->time = time;
  op->process = g->process;
  op->type = invoke ? HISTORY_INVOKE : g->info ? HISTORY_INFO : HISTORY_OK;
  op->f = g_strdup(g->write ? "write" : "read");
  if (g->write || !invoke) {
    op->value = history_value_new(g->value == 0 ? HISTORY_NIL : HISTORY_INT);
    op->value->i = g->value;
  } else {
    op->value = history_value_new(HISTORY_NIL);
  }
  return op;
}

void history_gen_register(uint64_t seed, guint processes, guint n_ops, double info_rate,
                          GPtrArray *out)
{
  history_gen_register_values(seed, processes, n_ops, info_rate, 0, out);
}

void history_gen_register_values(uint64_t seed, guint processes, guint n_ops, double info_rate,
                                 guint n_values, GPtrArray *out)
{
  g_return_if_fail(processes > 0);
  SimRng rng;
  sim_rng_init(&rng, seed, "lincheck-gen");
  g_autofree GenOp *ops = g_new0(GenOp, n_ops);
  g_autofree gint64 *clock = g_new0(gint64, processes);
  gint64 next_value = 1;
  for (guint i = 0; i < n_ops; i++) {
    GenOp *g = &ops[i];
    g->process = (guint) sim_rng_below(&rng, processes);
    g->write = sim_rng_below(&rng, 2) == 0;
    if (g->write)
      g->value = n_values ? 1 + (gint64) sim_rng_below(&rng, n_values) : next_value++;
    g->inv = clock[g->process] + 1 + (gint64) sim_rng_below(&rng, 1000);
    g->done = g->inv + 1 + (gint64) sim_rng_below(&rng, 3000);
    g->lin = g->inv + (gint64) sim_rng_below(&rng, (uint64_t) (g->done - g->inv + 1));
    g->info = sim_rng_chance(&rng, info_rate);
    /* An info op's process is gone: its next op starts afresh under a new id. */
    clock[g->process] = g->done;
  }
  /* Apply effects in linearization order to compute what reads returned. */
  g_autofree guint *order = g_new(guint, n_ops);
  for (guint i = 0; i < n_ops; i++)
    order[i] = i;
  g_qsort_with_data(order, (gint) n_ops, sizeof(guint), gen_by_lin, ops);
  gint64 reg = 0;
  for (guint k = 0; k < n_ops; k++) {
    GenOp *g = &ops[order[k]];
    if (g->write)
      reg = g->value;
    else
      g->value = reg;
  }
  g_autoptr(GArray) evs = g_array_sized_new(FALSE, FALSE, sizeof(GenEvent), 2 * n_ops);
  for (guint i = 0; i < n_ops; i++) {
    GenEvent a = { ops[i].inv, 1, i }, b = { ops[i].done, 0, i };
    g_array_append_val(evs, a);
    g_array_append_val(evs, b);
  }
  g_array_sort(evs, gen_by_time);
  /* Processes that saw an info are renamed, as Jepsen does, so that no
   * process has two operations pending. */
  g_autofree guint *incarnation = g_new0(guint, processes);
  g_autofree guint *name = g_new0(guint, n_ops);
  for (guint k = 0; k < evs->len; k++) {
    GenEvent *e = &g_array_index(evs, GenEvent, k);
    GenOp *g = &ops[e->op];
    guint p = g->process;
    if (e->kind == 1)
      name[e->op] = p + processes * incarnation[p];
    else if (g->info)
      incarnation[p]++;
    GenOp shown = *g;
    shown.process = name[e->op];
    g_ptr_array_add(out, gen_record(&shown, e->kind == 1, (gint64) out->len, e->time));
  }
}

gboolean history_gen_corrupt_last_read(GPtrArray *ops, guint from, gint64 value)
{
  for (guint i = ops->len; i-- > from;) {
    HistoryOp *op = g_ptr_array_index(ops, i);
    if (op->type == HISTORY_OK && g_str_equal(op->f, "read")) {
      history_value_free(op->value);
      op->value = history_value_new(HISTORY_INT);
      op->value->i = value;
      return TRUE;
    }
  }
  return FALSE;
}

/* Orders ops by time, then by key (the position in `keyed` breaks ties). */
typedef struct {
  HistoryOp *op;
  guint key;
  guint pos;
} GenMerge;

static int gen_merge_cmp(gconstpointer a, gconstpointer b)
{
  const GenMerge *x = a, *y = b;
  if (x->op->time != y->op->time)
    return x->op->time < y->op->time ? -1 : 1;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->pos > y->pos) - (x->pos < y->pos);
}

void history_gen_kv_hard_first(uint64_t seed, guint keys, guint clients, guint hard_ops,
                               guint ops_per_key, guint bad_key, GPtrArray *out)
{
  g_return_if_fail(keys > 0 && clients > 0);
  g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(GenMerge));
  gint64 first = 0;   /* key 0's first time: every other key starts after it */
  for (guint k = 0; k < keys; k++) {
    g_autoptr(GPtrArray) ops = g_ptr_array_new();
    if (k == 0)
      history_gen_register_values(seed, clients, hard_ops, 0.05, 5, ops);
    else
      history_gen_register(seed + k, clients, ops_per_key, 0.05, ops);
    if (k == 0 || k == bad_key)
      history_gen_corrupt_last_read(ops, 0, 999999);
    gint64 shift = 0;
    if (ops->len > 0) {
      gint64 start = ((HistoryOp *) g_ptr_array_index(ops, 0))->time;
      if (k == 0)
        first = start;
      else if (start <= first)
        shift = first + 1 - start;
    }
    for (guint i = 0; i < ops->len; i++) {
      HistoryOp *op = g_ptr_array_index(ops, i);
      op->process += (gint64) k * 1000000;
      op->time += shift;
      op->key = history_value_new(HISTORY_INT);
      op->key->i = k;
      GenMerge m = { op, k, i };
      g_array_append_val(all, m);
    }
  }
  g_array_sort(all, gen_merge_cmp);
  for (guint i = 0; i < all->len; i++) {
    HistoryOp *op = g_array_index(all, GenMerge, i).op;
    op->index = (gint64) out->len;
    op->line = (guint) op->index + 1;
    g_ptr_array_add(out, op);
  }
}

char *history_gen_to_edn(GPtrArray *ops)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < ops->len; i++) {
    const HistoryOp *op = g_ptr_array_index(ops, i);
    g_string_append_printf(s, "{:index %" G_GINT64_FORMAT, op->index);
    if (op->time >= 0)
      g_string_append_printf(s, ", :time %" G_GINT64_FORMAT, op->time);
    g_string_append_printf(s, ", :process %" G_GINT64_FORMAT ", :type :%s, :f :%s", op->process,
                           history_type_name(op->type), op->f);
    if (op->key) {
      g_string_append(s, ", :key ");
      history_value_append(op->key, s);
    }
    g_string_append(s, ", :value ");
    history_value_append(op->value, s);
    g_string_append(s, "}\n");
  }
  return g_string_free(s, FALSE);
}
