/* The versioned map of a kv replica, written through to durable node state
 * so it survives crashes. Durable layout (integers only):
 *   kv:n          number of keys ever stored (the index length)
 *   kv:i:<i>      the i-th key ever stored
 *   kv:p:<k>      1 while key k is held, 0 after kv_store_delete
 *   kv:t:<k> kv:w:<k> kv:h:<k> kv:v:<k>   version ts, writer, has, value */
#include "models/kv/kv.h"

struct KvStore {
  SimNode *node;
  GHashTable *cells;   /* int64 key → KvCell* (held keys only) */
  GHashTable *indexed; /* int64 key → itself, every key ever in kv:i */
  int64_t n_indexed;
};

static void dkey(char *buf, gsize size, char kind, int64_t key)
{
  g_snprintf(buf, size, "kv:%c:%" G_GINT64_FORMAT, kind, key);
}

static int64_t dget(SimNode *node, char kind, int64_t key)
{
  char buf[48];
  int64_t v = 0;
  dkey(buf, sizeof buf, kind, key);
  sim_durable_get(node, buf, &v);
  return v;
}

static void dset(SimNode *node, char kind, int64_t key, int64_t value)
{
  char buf[48];
  dkey(buf, sizeof buf, kind, key);
  sim_durable_set(node, buf, value);
}

static gint64 *key_new(int64_t key)
{
  gint64 *k = g_new(gint64, 1);
  *k = key;
  return k;
}

KvStore *kv_store_open(SimNode *node)
{
  KvStore *s = g_new0(KvStore, 1);
  s->node = node;
  s->cells = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  s->indexed = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  sim_durable_get(node, "kv:n", &s->n_indexed);
  for (int64_t i = 0; i < s->n_indexed; i++) {
    int64_t key = dget(node, 'i', i);
    g_hash_table_add(s->indexed, key_new(key));
    if (!dget(node, 'p', key))
      continue;
    KvCell *c = g_new(KvCell, 1);
    c->version = (KvVersion) { dget(node, 't', key), dget(node, 'w', key) };
    c->has = dget(node, 'h', key) != 0;
    c->value = dget(node, 'v', key);
    g_hash_table_insert(s->cells, key_new(key), c);
  }
  return s;
}

void kv_store_free(KvStore *store)
{
  if (!store)
    return;
  g_hash_table_unref(store->cells);
  g_hash_table_unref(store->indexed);
  g_free(store);
}

KvCell kv_store_get(const KvStore *store, int64_t key)
{
  const KvCell *c = g_hash_table_lookup(store->cells, &key);
  return c ? *c : (KvCell) { KV_NONE, FALSE, 0 };
}

gboolean kv_store_contains(const KvStore *store, int64_t key)
{
  return g_hash_table_contains(store->cells, &key);
}

gboolean kv_store_merge(KvStore *store, int64_t key, const KvCell *cell)
{
  KvCell *c = g_hash_table_lookup(store->cells, &key);
  if (c && kv_version_cmp(cell->version, c->version) <= 0)
    return FALSE;
  if (!c) {
    c = g_new(KvCell, 1);
    g_hash_table_insert(store->cells, key_new(key), c);
  }
  *c = *cell;
  if (!g_hash_table_contains(store->indexed, &key)) {
    g_hash_table_add(store->indexed, key_new(key));
    dset(store->node, 'i', store->n_indexed, key);
    sim_durable_set(store->node, "kv:n", ++store->n_indexed);
  }
  dset(store->node, 'p', key, 1);
  dset(store->node, 't', key, cell->version.ts);
  dset(store->node, 'w', key, cell->version.nid);
  dset(store->node, 'h', key, cell->has);
  dset(store->node, 'v', key, cell->value);
  return TRUE;
}

void kv_store_delete(KvStore *store, int64_t key)
{
  if (g_hash_table_remove(store->cells, &key))
    dset(store->node, 'p', key, 0);
}

static gint cmp_i64(gconstpointer a, gconstpointer b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return x < y ? -1 : x > y;
}

GArray *kv_store_keys(const KvStore *store)
{
  GArray *keys = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), g_hash_table_size(store->cells));
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, store->cells);
  while (g_hash_table_iter_next(&it, &k, NULL))
    g_array_append_val(keys, *(int64_t *) k);
  g_array_sort(keys, cmp_i64);
  return keys;
}

GArray *kv_store_known_keys(const KvStore *store)
{
  GArray *keys = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), g_hash_table_size(store->indexed));
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, store->indexed);
  while (g_hash_table_iter_next(&it, &k, NULL))
    g_array_append_val(keys, *(int64_t *) k);
  g_array_sort(keys, cmp_i64);
  return keys;
}

guint kv_store_size(const KvStore *store) { return g_hash_table_size(store->cells); }

void kv_cell_to_msg(SimMsg *msg, const KvCell *cell)
{
  sim_msg_set(msg, "ts", cell->version.ts);
  sim_msg_set(msg, "nid", cell->version.nid);
  sim_msg_set(msg, "has", cell->has);
  sim_msg_set(msg, "val", cell->value);
}

KvCell kv_cell_from_msg(const SimMsg *msg)
{
  KvCell c;
  c.version.ts = sim_msg_get(msg, "ts", 0);
  c.version.nid = sim_msg_get(msg, "nid", -1);
  c.has = sim_msg_get(msg, "has", 0) != 0;
  c.value = sim_msg_get(msg, "val", 0);
  return c;
}
