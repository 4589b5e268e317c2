/* Private layout of a Ring, shared by the algorithm files (ring_*.c). */
#pragma once
#include "models/ring/ring.h"

struct Ring {
  const RingAlgo *algo;
  RingConfig config;
  guint n_servers;
  char **addrs;            /* n_servers copies */
  double *weights;         /* n_servers */
  gboolean uniform;        /* all weights equal */

  /* Continuum (ketama, vnodes, bounded): points sorted ascending, ties by
   * owner index; owner[i] is the server of points[i]. */
  gsize n_points;
  uint64_t *points;
  guint32 *owner;
  guint space_bits;        /* 32 (ketama) or 64 */

  /* rendezvous: per-server seed hash(addr). */
  uint64_t *seeds;
};

/* Sorts (points, owner) pairs by point then owner and stores them in ring. */
void ring_continuum_set(Ring *ring, uint64_t *points, guint32 *owner, gsize n);
/* Index of the first point >= h, wrapping to 0. n_points >= 1. */
static inline gsize ring_continuum_find(const Ring *ring, uint64_t h)
{
  const uint64_t *p = ring->points;
  gsize lo = 0, n = ring->n_points;
  while (n > 0) {
    gsize half = n / 2;
    if (p[lo + half] < h) {
      lo += half + 1;
      n -= half + 1;
    } else {
      n = half;
    }
  }
  return lo == ring->n_points ? 0 : lo;
}
/* Preference walk from point index `start`: first n distinct owners. */
guint ring_continuum_preference(const Ring *ring, gsize start, guint n, guint *out);
void ring_continuum_free(Ring *ring);
/* Builds the vnodes continuum (also used by bounded). */
gboolean ring_vnodes_build(Ring *ring, GError **error);
guint ring_vnodes_lookup(const Ring *ring, const char *key, gsize len);
guint ring_vnodes_preference(const Ring *ring, const char *key, gsize len, guint n, guint *out);

extern const RingAlgo ring_algo_ketama;
extern const RingAlgo ring_algo_vnodes;
extern const RingAlgo ring_algo_jump;
extern const RingAlgo ring_algo_rendezvous;
extern const RingAlgo ring_algo_bounded;
extern const RingAlgo ring_algo_modulo;
