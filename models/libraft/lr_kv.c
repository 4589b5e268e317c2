/* The key-value state machine libraft.server runs under the library: the
 * same commands and results as faultsim's own Raft key-value machine
 * (models/raft/raft_kv.c: read, write, cas of a key, each client op
 * applied once), so one client and one linearizability check serve both. */
#include "models/libraft/lr_bytes.h"
#include "models/raft/raft.h"
#include <string.h>

struct LrKv {
  GHashTable *kv;   /* key → value, gint64 boxed */
  GHashTable *done; /* op → LrKvResult */
};

static gint64 *box(int64_t v) { return g_memdup2(&v, sizeof v); }

static GHashTable *table(void) { return g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free); }

LrKv *lr_kv_new(void)
{
  LrKv *m = g_new(LrKv, 1);
  m->kv = table();
  m->done = table();
  return m;
}

void lr_kv_free(LrKv *m)
{
  if (!m)
    return;
  g_hash_table_unref(m->kv);
  g_hash_table_unref(m->done);
  g_free(m);
}

static LrKvResult exec(LrKv *m, const RaftKvCmd *cmd)
{
  LrKvResult r = { TRUE, FALSE, 0 };
  gint64 key = cmd->has_key ? cmd->key : G_MININT64;
  gint64 *cur = g_hash_table_lookup(m->kv, &key);
  switch (cmd->kind) {
  case RAFT_READ:
    r.has = cur != NULL;
    r.value = cur ? *cur : 0;
    break;
  case RAFT_WRITE:
  case RAFT_CAS:
    if (cmd->kind == RAFT_CAS && (!cur || *cur != cmd->a)) {
      r.ok = FALSE;
      break;
    }
    g_hash_table_insert(m->kv, box(key), box(cmd->kind == RAFT_WRITE ? cmd->a : cmd->b));
    break;
  default:
    break;
  }
  return r;
}

const LrKvResult *lr_kv_apply(LrKv *m, int64_t c, int64_t k, int64_t v)
{
  RaftKvCmd cmd;
  raft_cmd_unpack(&cmd, c, k, v);
  gint64 op = (gint64) cmd.op;
  LrKvResult *done = g_hash_table_lookup(m->done, &op);
  if (!done) {
    LrKvResult r = exec(m, &cmd);
    done = g_memdup2(&r, sizeof r);
    g_hash_table_insert(m->done, box(op), done);
  }
  return done;
}

static gint cmp_i64(gconstpointer a, gconstpointer b)
{
  gint64 x = **(gint64 *const *) a, y = **(gint64 *const *) b;
  return (x > y) - (x < y);
}

/* The keys of `t`, sorted. */
static GPtrArray *sorted_keys(GHashTable *t)
{
  GPtrArray *keys = g_ptr_array_new();
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, t);
  while (g_hash_table_iter_next(&it, &k, NULL))
    g_ptr_array_add(keys, k);
  g_ptr_array_sort(keys, cmp_i64);
  return keys;
}

/* The map (count, then key and value each), then the applied ops (count,
 * then op, ok, has and value each). */
void lr_kv_snapshot(const LrKv *m, LrWriter *w)
{
  g_autoptr(GPtrArray) keys = sorted_keys(m->kv);
  lr_put_u64(w, keys->len);
  for (guint i = 0; i < keys->len; i++) {
    gint64 *k = keys->pdata[i];
    lr_put_u64(w, (uint64_t) *k);
    lr_put_u64(w, (uint64_t) *(gint64 *) g_hash_table_lookup(m->kv, k));
  }
  g_autoptr(GPtrArray) ops = sorted_keys(m->done);
  lr_put_u64(w, ops->len);
  for (guint i = 0; i < ops->len; i++) {
    const LrKvResult *r = g_hash_table_lookup(m->done, ops->pdata[i]);
    lr_put_u64(w, (uint64_t) *(gint64 *) ops->pdata[i]);
    lr_put_u64(w, (uint64_t) r->ok);
    lr_put_u64(w, (uint64_t) r->has);
    lr_put_u64(w, (uint64_t) r->value);
  }
}

gboolean lr_kv_restore(LrKv *m, const void *data, size_t len)
{
  LrReader r = { data, len, 0, FALSE };
  GHashTable *kv = table(), *done = table();
  uint64_t n = lr_get_u64(&r);
  for (uint64_t i = 0; i < n && !r.bad; i++) {
    int64_t k = (int64_t) lr_get_u64(&r), v = (int64_t) lr_get_u64(&r);
    g_hash_table_insert(kv, box(k), box(v));
  }
  n = lr_get_u64(&r);
  for (uint64_t i = 0; i < n && !r.bad; i++) {
    int64_t op = (int64_t) lr_get_u64(&r);
    LrKvResult res;
    res.ok = lr_get_u64(&r) != 0;
    res.has = lr_get_u64(&r) != 0;
    res.value = (int64_t) lr_get_u64(&r);
    g_hash_table_insert(done, box(op), g_memdup2(&res, sizeof res));
  }
  if (r.bad || r.at != r.len) {
    g_hash_table_unref(kv);
    g_hash_table_unref(done);
    return FALSE;
  }
  g_hash_table_unref(m->kv);
  g_hash_table_unref(m->done);
  m->kv = kv;
  m->done = done;
  return TRUE;
}
