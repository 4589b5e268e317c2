/* vnodes: a continuum of 64-bit points, V virtual nodes per server of mean
 * weight (server i gets max(1, round(V * w_i * n / W)) points, at
 * hash("ADDR-k")); a key maps to the first point >= hash(key), wrapping.
 * bounded reuses this ring and adds load limits (ring_core.c, RingLoad). */
#include "models/ring/ring_internal.h"
#include "sim/kernel/errors.h"
#include <math.h>

/* With weights within RING_WEIGHT_MIN..MAX the product cannot overflow; the
 * clamp only keeps the cast defined. */
static guint vnodes_count(const Ring *ring, guint i, double total)
{
  double v = round((double) ring->config.vnodes * ring->weights[i] * (double) ring->n_servers / total);
  return v < 1 ? 1 : v > RING_MAX_POINTS ? RING_MAX_POINTS + 1u : (guint) v;
}

gboolean ring_vnodes_build(Ring *ring, GError **error)
{
  double total = 0;
  for (guint i = 0; i < ring->n_servers; i++)
    total += ring->weights[i];
  gsize n = 0;
  for (guint i = 0; i < ring->n_servers; i++)
    n += vnodes_count(ring, i, total);
  if (n > RING_MAX_POINTS) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: %" G_GSIZE_FORMAT " virtual nodes is too many (at most %d; use fewer --vnodes)", ring->algo->name,
                n, RING_MAX_POINTS);
    return FALSE;
  }
  uint64_t *points = g_new(uint64_t, n);
  guint32 *owner = g_new(guint32, n);
  gsize c = 0;
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < ring->n_servers; i++) {
    guint v = vnodes_count(ring, i, total);
    for (guint k = 0; k < v; k++) {
      g_string_printf(s, "%s-%u", ring->addrs[i], k);
      points[c] = ring_hash64(ring->config.hash, s->str, s->len);
      owner[c++] = i;
    }
  }
  g_string_free(s, TRUE);
  ring->space_bits = 64;
  ring_continuum_set(ring, points, owner, n);
  return TRUE;
}

guint ring_vnodes_lookup(const Ring *ring, const char *key, gsize len)
{
  return ring->owner[ring_continuum_find(ring, ring_hash64(ring->config.hash, key, len))];
}

guint ring_vnodes_preference(const Ring *ring, const char *key, gsize len, guint n, guint *out)
{
  gsize start = ring_continuum_find(ring, ring_hash64(ring->config.hash, key, len));
  return ring_continuum_preference(ring, start, n, out);
}

const RingAlgo ring_algo_vnodes = {
  .name = "vnodes",
  .summary = "consistent-hash ring, V virtual nodes per server, 64-bit hash",
  .build = ring_vnodes_build,
  .lookup = ring_vnodes_lookup,
  .preference = ring_vnodes_preference,
  .free = ring_continuum_free,
};

const RingAlgo ring_algo_bounded = {
  .name = "bounded",
  .summary = "vnodes ring with bounded loads (Mirrokni et al.), capacity ceil((1+eps)*mean)",
  .build = ring_vnodes_build,
  .lookup = ring_vnodes_lookup,
  .preference = ring_vnodes_preference,
  .free = ring_continuum_free,
};
