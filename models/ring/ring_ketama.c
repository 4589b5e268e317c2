/* ketama: the libketama continuum. Server i gets
 *   ks = floorf(share_i * 40.0 * n)   with share_i = (float) w_i / (float) W
 * MD5 digests of "ADDR-k" (k = 0..ks-1), each giving four 32-bit points
 * (bytes 4j..4j+3, little-endian). A key maps to the first point >= the
 * little-endian value of the first 4 bytes of MD5(key), wrapping to the first
 * point. The float/double arithmetic of libketama's ks is reproduced, so equal
 * weights give 160 points per server. Points that collide are ordered by
 * server index (libketama's qsort leaves that order unspecified). */
#include "models/ring/ring_internal.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <stdio.h>

static guint ketama_digests(const Ring *ring, guint i, double total)
{
  float pct = (float) ring->weights[i] / (float) total;
  /* libketama: floorf(pct * 40.0 * (float) numservers), the product in double. */
  double x = (double) pct * 40.0 * (double) (float) ring->n_servers;
  float ks = floorf((float) x);
  return ks > 0 ? (guint) ks : 0;
}

static gboolean ketama_build(Ring *ring, GError **error)
{
  double total = 0;
  for (guint i = 0; i < ring->n_servers; i++)
    total += ring->weights[i];
  gsize n = 0;
  for (guint i = 0; i < ring->n_servers; i++)
    n += 4 * (gsize) ketama_digests(ring, i, total);
  if (n == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "ketama: no server has any points");
    return FALSE;
  }
  uint64_t *points = g_new(uint64_t, n);
  guint32 *owner = g_new(guint32, n);
  gsize c = 0;
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < ring->n_servers; i++) {
    guint ks = ketama_digests(ring, i, total);
    for (guint k = 0; k < ks; k++) {
      guint8 d[16];
      g_string_printf(s, "%s-%u", ring->addrs[i], k);
      ring_md5(s->str, s->len, d);
      for (int j = 0; j < 4; j++) {
        points[c] = (uint64_t) d[4 * j] | (uint64_t) d[4 * j + 1] << 8 |
                    (uint64_t) d[4 * j + 2] << 16 | (uint64_t) d[4 * j + 3] << 24;
        owner[c++] = i;
      }
    }
  }
  g_string_free(s, TRUE);
  ring->space_bits = 32;
  ring_continuum_set(ring, points, owner, n);
  return TRUE;
}

static uint64_t ketama_key_point(const char *key, gsize len)
{
  guint8 d[16];
  ring_md5(key, len, d);
  return (uint64_t) d[0] | (uint64_t) d[1] << 8 | (uint64_t) d[2] << 16 | (uint64_t) d[3] << 24;
}

static guint ketama_lookup(const Ring *ring, const char *key, gsize len)
{
  return ring->owner[ring_continuum_find(ring, ketama_key_point(key, len))];
}

static guint ketama_preference(const Ring *ring, const char *key, gsize len, guint n, guint *out)
{
  return ring_continuum_preference(ring, ring_continuum_find(ring, ketama_key_point(key, len)), n, out);
}

const RingAlgo ring_algo_ketama = {
  .name = "ketama",
  .summary = "libketama-compatible MD5 continuum, 160 points per server of mean weight",
  .build = ketama_build,
  .lookup = ketama_lookup,
  .preference = ketama_preference,
  .free = ring_continuum_free,
};
