/* Membership views of the kv stores and the ring built over them. Servers
 * are placed by node name with weight 1; a key k is hashed as "key-k" (the
 * same key names as models/ring's measurements). A view can be kept in a
 * node's durable state (m:n, m:<i>) so it survives a crash. */
#include "models/kv/kv.h"
#include "sim/kernel/errors.h"
#include <string.h>

struct KvRing {
  Sim *sim;
  GArray *ids; /* int, ascending */
  Ring *ring;
};

static gint cmp_int(gconstpointer a, gconstpointer b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return x < y ? -1 : x > y;
}

static Ring *build(Sim *sim, GArray *ids, GError **error)
{
  SimNode *first = sim_node(sim, g_array_index(ids, int, 0));
  const RingAlgo *algo = ring_algo_find(sim_node_param_string(first, "ring"));
  if (!algo) {
    /* A bad parameter must not crash the run: report it and carry on. */
    sim_violation(sim, "kv_config", "unknown ring algorithm '%s'; using vnodes",
                  sim_node_param_string(first, "ring"));
    algo = ring_algo_find("vnodes");
  }
  RingConfig config = { 0 };
  int64_t vnodes = sim_node_param_int(first, "vnodes");
  config.vnodes = vnodes > 0 && vnodes <= 100000 ? (guint) vnodes : 100;
  g_autofree RingServer *servers = g_new0(RingServer, ids->len);
  for (guint i = 0; i < ids->len; i++) {
    servers[i].addr = sim_node_name(sim_node(sim, g_array_index(ids, int, i)));
    servers[i].weight = 1;
  }
  return ring_new(algo, &config, servers, ids->len, error);
}

KvRing *kv_ring_new(Sim *sim, const int *ids, guint n, GError **error)
{
  g_return_val_if_fail(n >= 1, NULL);
  KvRing *r = g_new0(KvRing, 1);
  r->sim = sim;
  r->ids = g_array_new(FALSE, FALSE, sizeof(int));
  g_array_append_vals(r->ids, ids, n);
  g_array_sort(r->ids, cmp_int);
  r->ring = build(sim, r->ids, error);
  if (!r->ring) {
    kv_ring_free(r);
    return NULL;
  }
  return r;
}

void kv_ring_free(KvRing *ring)
{
  if (!ring)
    return;
  g_array_unref(ring->ids);
  if (ring->ring)
    ring_free(ring->ring);
  g_free(ring);
}

KvRing *kv_ring_with(const KvRing *ring, int id, GError **error)
{
  g_autoptr(GArray) ids = g_array_copy(ring->ids);
  if (!kv_ring_has(ring, id))
    g_array_append_val(ids, id);
  return kv_ring_new(ring->sim, (const int *) ids->data, ids->len, error);
}

KvRing *kv_ring_without(const KvRing *ring, int id, GError **error)
{
  g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint i = 0; i < ring->ids->len; i++)
    if (g_array_index(ring->ids, int, i) != id)
      g_array_append_val(ids, g_array_index(ring->ids, int, i));
  if (ids->len == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "a ring cannot lose its last server");
    return NULL;
  }
  return kv_ring_new(ring->sim, (const int *) ids->data, ids->len, error);
}

void kv_ring_save(SimNode *node, const KvRing *ring)
{
  char buf[32];
  for (guint i = 0; i < kv_ring_size(ring); i++) {
    g_snprintf(buf, sizeof buf, "m:%u", i);
    sim_durable_set(node, buf, kv_ring_ids(ring)[i]);
  }
  sim_durable_set(node, "m:n", kv_ring_size(ring));
}

KvRing *kv_ring_load(SimNode *node)
{
  int64_t n = 0;
  Sim *sim = sim_node_sim(node);
  if (!sim_durable_get(node, "m:n", &n) || n <= 0 || n > (int64_t) sim_node_count(sim))
    return NULL;
  g_autofree int *ids = g_new(int, n);
  char buf[32];
  for (int64_t i = 0; i < n; i++) {
    int64_t id = -1;
    g_snprintf(buf, sizeof buf, "m:%" G_GINT64_FORMAT, i);
    sim_durable_get(node, buf, &id);
    if (id < 0 || id >= (int64_t) sim_node_count(sim))
      return NULL;
    ids[i] = (int) id;
  }
  return kv_ring_new(sim, ids, (guint) n, NULL);
}

gboolean kv_node_has_left(SimNode *node)
{
  return sim_durable_get(node, "leave_at", NULL);
}

guint kv_ring_size(const KvRing *ring) { return ring->ids->len; }
const int *kv_ring_ids(const KvRing *ring) { return (const int *) ring->ids->data; }

gboolean kv_ring_has(const KvRing *ring, int id)
{
  for (guint i = 0; i < ring->ids->len; i++)
    if (g_array_index(ring->ids, int, i) == id)
      return TRUE;
  return FALSE;
}

guint kv_ring_preference(const KvRing *ring, int64_t key, guint n, int *out)
{
  char buf[32];
  int len = g_snprintf(buf, sizeof buf, "key-%" G_GINT64_FORMAT, key);
  guint idx[64];
  if (n > G_N_ELEMENTS(idx))
    n = G_N_ELEMENTS(idx);
  guint got = ring_preference(ring->ring, buf, (gsize) len, n, idx);
  for (guint i = 0; i < got; i++)
    out[i] = g_array_index(ring->ids, int, idx[i]);
  return got;
}

static gboolean declares(const SimModel *model, const char *param)
{
  for (const SimParamSpec *p = model->params; p && p->name; p++)
    if (strcmp(p->name, param) == 0)
      return TRUE;
  return FALSE;
}

GArray *kv_initial_members(Sim *sim, const SimModel *model, gboolean include_joined)
{
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(int));
  gboolean has_join = declares(model, "join");
  for (guint i = 0; i < sim_node_count(sim); i++) {
    SimNode *n = sim_node(sim, (int) i);
    if (sim_node_model(n) != model)
      continue;
    if (has_join && !include_joined && sim_node_param_bool(n, "join"))
      continue;
    if (kv_node_has_left(n))
      continue;
    int id = (int) i;
    g_array_append_val(ids, id);
  }
  return ids;
}

KvRing *kv_initial_ring(Sim *sim, const SimModel *model, gboolean include_joined)
{
  g_autoptr(GArray) ids = kv_initial_members(sim, model, include_joined);
  if (ids->len == 0)
    return NULL;
  /* Only duplicate names could fail, and node names are unique. */
  return kv_ring_new(sim, (const int *) ids->data, ids->len, NULL);
}

int kv_first_node(Sim *sim, const SimModel *model)
{
  for (guint i = 0; i < sim_node_count(sim); i++)
    if (sim_node_model(sim_node(sim, (int) i)) == model)
      return (int) i;
  return -1;
}

guint kv_client_replicas(SimNode *client, const SimModel *server)
{
  Sim *sim = sim_node_sim(client);
  int first = kv_first_node(sim, server);
  if (first < 0) {
    sim_fail(sim, "node '%s' (%s): the scenario has no %s replica", sim_node_name(client),
             sim_node_model(client)->name, server->name);
    return 0;
  }
  return (guint) CLAMP(sim_node_param_int(sim_node(sim, first), "replicas"), 1, 64);
}
