/* The common part of the ring library: the algorithm registry, ring_new()
 * and accessors, the sorted continuum shared by ketama/vnodes/bounded, ring
 * shares, and load-aware placement (RingLoad). */
#include "models/ring/ring_internal.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const RingAlgo *const ring_registry[] = {
  &ring_algo_ketama, &ring_algo_vnodes, &ring_algo_jump,
  &ring_algo_rendezvous, &ring_algo_bounded, &ring_algo_modulo,
};

const RingAlgo *ring_algo_find(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(ring_registry); i++)
    if (strcmp(ring_registry[i]->name, name) == 0)
      return ring_registry[i];
  return NULL;
}

const RingAlgo *const *ring_algos(guint *n_out)
{
  *n_out = G_N_ELEMENTS(ring_registry);
  return ring_registry;
}

Ring *ring_new(const RingAlgo *algo, const RingConfig *config,
               const RingServer *servers, guint n_servers, GError **error)
{
  g_return_val_if_fail(algo != NULL, NULL);
  if (n_servers == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: no servers given", algo->name);
    return NULL;
  }
  if (n_servers > G_MAXINT32) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: too many servers", algo->name);
    return NULL;
  }
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < n_servers; i++) {
    const RingServer *s = &servers[i];
    if (s->addr == NULL || s->addr[0] == '\0') {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "server %u: empty address", i + 1);
      return NULL;
    }
    if (!(s->weight >= RING_WEIGHT_MIN && s->weight <= RING_WEIGHT_MAX)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "server '%s': weight %g is not a number from %g to %g",
                  s->addr, s->weight, RING_WEIGHT_MIN, RING_WEIGHT_MAX);
      return NULL;
    }
    if (!g_hash_table_add(seen, (gpointer) s->addr)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "server '%s' is listed twice", s->addr);
      return NULL;
    }
  }

  Ring *ring = g_new0(Ring, 1);
  ring->algo = algo;
  if (config)
    ring->config = *config;
  if (ring->config.vnodes == 0)
    ring->config.vnodes = 100;
  if (ring->config.epsilon == 0)
    ring->config.epsilon = 0.25;
  ring->n_servers = n_servers;
  ring->addrs = g_new0(char *, n_servers + 1);
  ring->weights = g_new(double, n_servers);
  ring->uniform = TRUE;
  for (guint i = 0; i < n_servers; i++) {
    ring->addrs[i] = g_strdup(servers[i].addr);
    ring->weights[i] = servers[i].weight;
    if (servers[i].weight != servers[0].weight)
      ring->uniform = FALSE;
  }
  if (!isfinite(ring->config.epsilon) || ring->config.epsilon < 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "epsilon must be a positive number");
    ring_free(ring);
    return NULL;
  }
  if (!algo->build(ring, error)) {
    ring_free(ring);
    return NULL;
  }
  return ring;
}

void ring_free(Ring *ring)
{
  if (ring == NULL)
    return;
  if (ring->algo->free)
    ring->algo->free(ring);
  g_strfreev(ring->addrs);
  g_free(ring->weights);
  g_free(ring);
}

const RingAlgo *ring_algo(const Ring *ring) { return ring->algo; }
guint ring_n_servers(const Ring *ring) { return ring->n_servers; }
gsize ring_n_points(const Ring *ring) { return ring->n_points; }

const char *ring_server_addr(const Ring *ring, guint index)
{
  g_return_val_if_fail(index < ring->n_servers, NULL);
  return ring->addrs[index];
}

double ring_server_weight(const Ring *ring, guint index)
{
  g_return_val_if_fail(index < ring->n_servers, 0);
  return ring->weights[index];
}

guint ring_lookup(const Ring *ring, const char *key, gsize len)
{
  return ring->algo->lookup(ring, key, len);
}

guint ring_preference(const Ring *ring, const char *key, gsize len, guint n, guint *out)
{
  if (n > ring->n_servers)
    n = ring->n_servers;
  if (n == 0)
    return 0;
  return ring->algo->preference(ring, key, len, n, out);
}

/* ---- the continuum ---- */

typedef struct { uint64_t point; guint32 owner; } RingPoint;

static int ring_point_cmp(const void *a, const void *b)
{
  const RingPoint *x = a, *y = b;
  if (x->point != y->point)
    return x->point < y->point ? -1 : 1;
  return x->owner < y->owner ? -1 : x->owner > y->owner;
}

void ring_continuum_set(Ring *ring, uint64_t *points, guint32 *owner, gsize n)
{
  RingPoint *tmp = g_new(RingPoint, n);
  for (gsize i = 0; i < n; i++) {
    tmp[i].point = points[i];
    tmp[i].owner = owner[i];
  }
  qsort(tmp, n, sizeof *tmp, ring_point_cmp);
  for (gsize i = 0; i < n; i++) {
    points[i] = tmp[i].point;
    owner[i] = tmp[i].owner;
  }
  g_free(tmp);
  ring->points = points;
  ring->owner = owner;
  ring->n_points = n;
}

guint ring_continuum_preference(const Ring *ring, gsize start, guint n, guint *out)
{
  guint got = 0;
  for (gsize step = 0; step < ring->n_points && got < n; step++) {
    gsize i = start + step;
    if (i >= ring->n_points)
      i -= ring->n_points;
    guint s = ring->owner[i];
    gboolean dup = FALSE;
    for (guint k = 0; k < got && !dup; k++)
      dup = out[k] == s;
    if (!dup)
      out[got++] = s;
  }
  return got;
}

void ring_continuum_free(Ring *ring)
{
  g_clear_pointer(&ring->points, g_free);
  g_clear_pointer(&ring->owner, g_free);
  ring->n_points = 0;
}

gboolean ring_shares(const Ring *ring, double *share)
{
  if (ring->n_points == 0)
    return FALSE;
  uint64_t mask = ring->space_bits >= 64 ? G_MAXUINT64 : ((uint64_t) 1 << ring->space_bits) - 1;
  double space = ldexp(1.0, (int) ring->space_bits);
  for (guint i = 0; i < ring->n_servers; i++)
    share[i] = 0;
  for (gsize i = 0; i < ring->n_points; i++) {
    /* Point i owns the arc (previous point, point i]; point 0 owns the
     * wrap-around arc. Differences are taken modulo the circle. */
    uint64_t prev = ring->points[i == 0 ? ring->n_points - 1 : i - 1];
    uint64_t arc = (ring->points[i] - prev) & mask;
    double a = (double) arc;
    if (ring->n_points == 1)
      a = space;
    share[ring->owner[i]] += a / space;
  }
  return TRUE;
}

/* ---- load-aware placement ---- */

struct RingLoad {
  const Ring *ring;
  guint64 *count;
  guint64 *capacity;
};

RingLoad *ring_load_new(const Ring *ring, guint64 n_keys)
{
  RingLoad *load = g_new0(RingLoad, 1);
  load->ring = ring;
  load->count = g_new0(guint64, ring->n_servers);
  load->capacity = g_new(guint64, ring->n_servers);
  double total = 0;
  for (guint i = 0; i < ring->n_servers; i++)
    total += ring->weights[i];
  for (guint i = 0; i < ring->n_servers; i++) {
    if (ring->algo == &ring_algo_bounded) {
      /* Multiply before dividing so equal weights give exactly
       * ceil((1+eps) * m / n). */
      double c = ceil((1.0 + ring->config.epsilon) * (double) n_keys * ring->weights[i] / total);
      /* No server needs room for more than every key; the cap also keeps
       * a huge epsilon from overflowing the cast. */
      load->capacity[i] = c < 1 ? 1 : c >= (double) n_keys ? MAX(n_keys, 1) : (guint64) c;
    } else {
      load->capacity[i] = G_MAXUINT64;
    }
  }
  return load;
}

guint ring_load_assign(RingLoad *load, const char *key, gsize len)
{
  const Ring *ring = load->ring;
  if (ring->algo != &ring_algo_bounded) {
    guint s = ring_lookup(ring, key, len);
    load->count[s]++;
    return s;
  }
  uint64_t h = ring_hash64(ring->config.hash, key, len);
  gsize start = ring_continuum_find(ring, h);
  for (gsize step = 0; step < ring->n_points; step++) {
    gsize i = start + step;
    if (i >= ring->n_points)
      i -= ring->n_points;
    guint s = ring->owner[i];
    if (load->count[s] < load->capacity[s]) {
      load->count[s]++;
      return s;
    }
  }
  return RING_NONE;
}

guint64 ring_load_count(const RingLoad *load, guint server)
{
  g_return_val_if_fail(server < load->ring->n_servers, 0);
  return load->count[server];
}

guint64 ring_load_capacity(const RingLoad *load, guint server)
{
  g_return_val_if_fail(server < load->ring->n_servers, 0);
  return load->capacity[server];
}

void ring_load_free(RingLoad *load)
{
  if (load == NULL)
    return;
  g_free(load->count);
  g_free(load->capacity);
  g_free(load);
}

void ring_assign_batch(const Ring *ring, const char *const *keys, gsize n_keys, guint *out)
{
  g_autoptr(RingLoad) load = ring_load_new(ring, n_keys);
  for (gsize i = 0; i < n_keys; i++)
    out[i] = ring_load_assign(load, keys[i], strlen(keys[i]));
}
