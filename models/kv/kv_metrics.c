/* End-of-run metrics of the kv stores, computed in the models' finish hooks
 * from the history, the clients' records and the replicas' durable stores.
 * Every loop runs over sorted keys or arrays, so the output is deterministic. */
#include "models/kv/kv.h"
#include "sim/check/check_kv.h"
#include <string.h>

static char *name(const char *prefix, const char *what)
{
  return g_strdup_printf("%s_%s", prefix, what);
}

static gboolean is_client(SimNode *const *clients, guint n, int id)
{
  for (guint i = 0; i < n; i++)
    if (sim_node_id(clients[i]) == id)
      return TRUE;
  return FALSE;
}

void kv_metrics_availability(Sim *sim, SimNode *const *clients, guint n, const char *prefix)
{
  const GArray *h = sim_history(sim);
  /* [read|write][ok|fail|info] */
  double counts[2][3] = { { 0 } };
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (e->type == SIM_OP_INVOKE || !is_client(clients, n, e->process))
      continue;
    int f = strcmp(e->f, "read") == 0 ? 0 : strcmp(e->f, "write") == 0 ? 1 : -1;
    if (f < 0)
      continue;
    counts[f][e->type == SIM_OP_OK ? 0 : e->type == SIM_OP_FAIL ? 1 : 2]++;
  }
  static const char *const fs[] = { "read", "write" };
  for (int f = 0; f < 2; f++) {
    double total = counts[f][0] + counts[f][1] + counts[f][2];
    g_autofree char *a = g_strdup_printf("%s_%s_availability", prefix, fs[f]);
    g_autofree char *ok = g_strdup_printf("%s_%s_ok", prefix, fs[f]);
    g_autofree char *info = g_strdup_printf("%s_%s_info", prefix, fs[f]);
    if (total > 0)
      sim_metric_set(sim, a, counts[f][0] / total);
    sim_metric_set(sim, ok, counts[f][0]);
    sim_metric_set(sim, info, counts[f][1] + counts[f][2]);
  }
}

typedef struct {
  Sim *sim;
  const CheckKvOp *reads;
} StaleSink;

static void report_stale(gsize read, gsize witness, const char *what, void *data)
{
  (void) witness;
  StaleSink *sink = data;
  sim_violation_at(sink->sim, "stale_read", sink->reads[read].completed, "%s", what);
}

/* An invocation waiting for its completion entry. */
typedef struct {
  SimTime invoked;
  gssize write; /* index in the writes array, or -1 for a read */
} Invoked;

/* Collects the clients' reads and writes of integer keys from the history:
 * every write (uncertain unless it completed ok) and every ok read. */
static void collect_ops(Sim *sim, SimNode *const *clients, guint n, GArray *writes, GArray *reads)
{
  const GArray *h = sim_history(sim);
  g_autoptr(GHashTable) open = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (!is_client(clients, n, e->process) || !e->has_key || e->key.kind != SIM_V_INT)
      continue;
    gboolean write = strcmp(e->f, "write") == 0;
    if (!write && strcmp(e->f, "read") != 0)
      continue;
    gint64 op = (gint64) e->op;
    if (e->type == SIM_OP_INVOKE) {
      Invoked inv = { e->time, -1 };
      if (write) {
        CheckKvOp w = { e->key.a, e->value.kind == SIM_V_INT ? e->value.a : 0, FALSE, FALSE, e->time, 0 };
        g_array_append_val(writes, w);
        inv.write = (gssize) writes->len - 1;
      }
      g_hash_table_insert(open, g_memdup2(&op, sizeof op), g_memdup2(&inv, sizeof inv));
      continue;
    }
    const Invoked *inv = g_hash_table_lookup(open, &op);
    if (!inv)
      continue;
    if (inv->write >= 0 && e->type == SIM_OP_OK) {
      CheckKvOp *w = &g_array_index(writes, CheckKvOp, inv->write);
      w->certain = TRUE;
      w->completed = e->time;
    } else if (inv->write < 0 && e->type == SIM_OP_OK && (e->value.kind == SIM_V_INT || e->value.kind == SIM_V_NIL)) {
      CheckKvOp r = { e->key.a, e->value.a, e->value.kind == SIM_V_NIL, TRUE, inv->invoked, e->time };
      g_array_append_val(reads, r);
    }
    g_hash_table_remove(open, &op);
  }
}

guint64 kv_check_stale_reads(Sim *sim, SimNode *const *clients, guint n, const char *prefix)
{
  sim_invariant_declare(sim, "stale_read");
  g_autoptr(GArray) writes = g_array_new(FALSE, FALSE, sizeof(CheckKvOp));
  g_autoptr(GArray) reads = g_array_new(FALSE, FALSE, sizeof(CheckKvOp));
  collect_ops(sim, clients, n, writes, reads);
  StaleSink sink = { sim, (const CheckKvOp *) reads->data };
  guint64 stale = check_kv_stale_reads((const CheckKvOp *) writes->data, writes->len,
                                       (const CheckKvOp *) reads->data, reads->len, report_stale, &sink);
  g_autofree char *s = name(prefix, "stale_reads");
  g_autofree char *c = name(prefix, "reads_checked");
  sim_metric_set(sim, s, (double) stale);
  sim_metric_set(sim, c, (double) reads->len);
  return stale;
}

static gint cmp_i64(gconstpointer a, gconstpointer b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return x < y ? -1 : x > y;
}

/* Opens every server's store from durable state (crashed servers too),
 * keyed by node id, and collects the keys `keys_of` lists in each into
 * `all`, sorted (with repeats). */
static GHashTable *open_stores(SimNode *const *servers, guint n, GArray *(*keys_of)(const KvStore *), GArray *all)
{
  GHashTable *stores = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) kv_store_free);
  for (guint i = 0; i < n; i++) {
    KvStore *s = kv_store_open(servers[i]);
    g_hash_table_insert(stores, GINT_TO_POINTER(sim_node_id(servers[i])), s);
    g_autoptr(GArray) keys = keys_of(s);
    g_array_append_vals(all, keys->data, keys->len);
  }
  g_array_sort(all, cmp_i64);
  return stores;
}

guint64 kv_metrics_divergence(Sim *sim, SimNode *const *servers, guint n,
                              const KvRing *ring, guint replicas, const char *prefix)
{
  g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(int64_t));
  g_autoptr(GHashTable) stores = open_stores(servers, n, kv_store_keys, all);
  guint64 divergent = 0, distinct = 0;
  int pref[64];
  for (guint i = 0; i < all->len; i++) {
    int64_t key = g_array_index(all, int64_t, i);
    if (i > 0 && g_array_index(all, int64_t, i - 1) == key)
      continue;
    distinct++;
    guint np = kv_ring_preference(ring, key, replicas, pref);
    gboolean differ = FALSE;
    KvCell first = { KV_NONE, FALSE, 0 };
    for (guint r = 0; r < np; r++) {
      KvStore *s = g_hash_table_lookup(stores, GINT_TO_POINTER(pref[r]));
      KvCell c = s ? kv_store_get(s, key) : (KvCell) { KV_NONE, FALSE, 0 };
      if (r == 0)
        first = c;
      else if (kv_version_cmp(c.version, first.version) != 0 || c.has != first.has ||
               c.value != first.value)
        differ = TRUE;
    }
    divergent += differ;
  }
  g_autofree char *d = name(prefix, "divergent_keys");
  g_autofree char *k = name(prefix, "keys");
  sim_metric_set(sim, d, (double) divergent);
  sim_metric_set(sim, k, (double) distinct);
  return divergent;
}

guint64 kv_metrics_replication(Sim *sim, SimNode *const *servers, guint n,
                               const KvRing *ring, guint replicas, const char *prefix)
{
  g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(int64_t));
  g_autoptr(GHashTable) stores = open_stores(servers, n, kv_store_known_keys, all);
  guint64 under = 0, lost = 0;
  int pref[64];
  for (guint i = 0; i < all->len; i++) {
    int64_t key = g_array_index(all, int64_t, i);
    if (i > 0 && g_array_index(all, int64_t, i - 1) == key)
      continue;
    guint np = kv_ring_preference(ring, key, replicas, pref);
    guint held = 0;
    for (guint r = 0; r < np; r++) {
      KvStore *s = g_hash_table_lookup(stores, GINT_TO_POINTER(pref[r]));
      held += s && kv_store_contains(s, key);
    }
    under += held < np;
    lost += held == 0;
  }
  g_autofree char *u = name(prefix, "under_replicated_keys");
  g_autofree char *l = name(prefix, "lost_keys");
  sim_metric_set(sim, u, (double) under);
  sim_metric_set(sim, l, (double) lost);
  return under;
}
