/* The real-time stale-read checker (check_kv.h). Two sorted views of the
 * writes: by (key, value), to find the write a read returned, and the
 * acknowledged ones by (key, completion time) with a running maximum of
 * invocation times, to find the latest-invoked write that completed
 * before a read began. */
#include "sim/check/check_kv.h"

static int64_t value_of(const CheckKvOp *op) { return op->value; }
static int64_t completed_of(const CheckKvOp *op) { return op->completed; }

typedef struct {
  const CheckKvOp *ops;
  int64_t (*field)(const CheckKvOp *);
} Order;

/* Orders indices into order->ops by key, then field, then index. */
static gint by_key_field(gconstpointer pa, gconstpointer pb, gpointer data)
{
  const Order *order = data;
  gsize ia = *(const gsize *) pa, ib = *(const gsize *) pb;
  const CheckKvOp *a = &order->ops[ia], *b = &order->ops[ib];
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  int64_t fa = order->field(a), fb = order->field(b);
  if (fa != fb)
    return fa < fb ? -1 : 1;
  return ia < ib ? -1 : ia > ib;
}

/* The number of positions in ix[0..n) (sorted by key, then by `field`)
 * whose op has a key below `key`, or the same key and field(op) below `x`. */
static gsize lower_bound(const CheckKvOp *ops, const gsize *ix, gsize n, int64_t key, int64_t x,
                         int64_t (*field)(const CheckKvOp *))
{
  gsize lo = 0, hi = n;
  while (lo < hi) {
    gsize mid = lo + (hi - lo) / 2;
    const CheckKvOp *w = &ops[ix[mid]];
    if (w->key < key || (w->key == key && field(w) < x))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* When the write the read returned finished, as seen by the rule in
 * check_kv.h: G_MININT64 for the initial value, G_MAXINT64 when the value
 * may come from an uncertain write (never stale), and otherwise the latest
 * completion among the acknowledged writes of that value. Sets *found to
 * the write used (or -1). */
static SimTime source_completed(const CheckKvOp *writes, const gsize *by_value, gsize nw, const CheckKvOp *r,
                                gssize *found)
{
  *found = -1;
  if (r->initial)
    return G_MININT64;
  gsize i = lower_bound(writes, by_value, nw, r->key, r->value, value_of);
  if (i == nw || writes[by_value[i]].key != r->key || writes[by_value[i]].value != r->value)
    return G_MININT64; /* no write wrote it: the key's initial value */
  SimTime done = G_MININT64;
  for (; i < nw && writes[by_value[i]].key == r->key && writes[by_value[i]].value == r->value; i++) {
    const CheckKvOp *w = &writes[by_value[i]];
    if (!w->certain) {
      *found = (gssize) by_value[i];
      return G_MAXINT64;
    }
    if (w->completed >= done) {
      done = w->completed;
      *found = (gssize) by_value[i];
    }
  }
  return done;
}

guint64 check_kv_stale_reads(const CheckKvOp *writes, gsize nw, const CheckKvOp *reads, gsize nr,
                             CheckKvReport report, void *data)
{
  g_autofree gsize *by_value = g_new(gsize, MAX(nw, 1));
  g_autofree gsize *acked = g_new(gsize, MAX(nw, 1));
  gsize na = 0;
  for (gsize i = 0; i < nw; i++) {
    by_value[i] = i;
    if (writes[i].certain)
      acked[na++] = i;
  }
  Order value_order = { writes, value_of }, completed_order = { writes, completed_of };
  g_qsort_with_data(by_value, (gint) nw, sizeof *by_value, by_key_field, &value_order);
  g_qsort_with_data(acked, (gint) na, sizeof *acked, by_key_field, &completed_order);
  /* latest[i]: of acked[start of its key .. i], the one invoked last. */
  g_autofree gsize *latest = g_new(gsize, MAX(na, 1));
  for (gsize i = 0; i < na; i++) {
    gboolean same_key = i > 0 && writes[acked[i]].key == writes[acked[i - 1]].key;
    latest[i] = same_key && writes[latest[i - 1]].invoked >= writes[acked[i]].invoked ? latest[i - 1] : acked[i];
  }
  guint64 stale = 0;
  for (gsize k = 0; k < nr; k++) {
    const CheckKvOp *r = &reads[k];
    gssize source;
    SimTime source_done = source_completed(writes, by_value, nw, r, &source);
    if (source_done == G_MAXINT64)
      continue;
    gsize end = lower_bound(writes, acked, na, r->key, r->invoked, completed_of);
    if (end == 0 || writes[acked[end - 1]].key != r->key)
      continue; /* no acknowledged write of the key finished before the read */
    const CheckKvOp *w = &writes[latest[end - 1]];
    if (w->invoked <= source_done)
      continue;
    stale++;
    if (!report)
      continue;
    g_autofree char *returned = r->initial ? g_strdup("nil") : g_strdup_printf("%" G_GINT64_FORMAT, r->value);
    g_autofree char *from = source < 0
        ? g_strdup("the initial value")
        : g_strdup_printf("written by an op that completed at %.6f s", sim_time_to_seconds(source_done));
    g_autofree char *what = g_strdup_printf(
        "read of key %" G_GINT64_FORMAT " invoked at %.6f s returned %s (%s), but the write of %" G_GINT64_FORMAT
        " invoked at %.6f s had completed at %.6f s",
        r->key, sim_time_to_seconds(r->invoked), returned, from, w->value, sim_time_to_seconds(w->invoked),
        sim_time_to_seconds(w->completed));
    report(k, (gsize) latest[end - 1], what, data);
  }
  return stale;
}
