/* The algorithms without a continuum: jump, rendezvous, modulo. */
#include "models/ring/ring_internal.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/rng.h"
#include <math.h>
#include <string.h>

static gboolean ring_require_uniform(Ring *ring, GError **error)
{
  if (!ring->uniform) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s does not support weights: give every server the same weight",
                ring->algo->name);
    return FALSE;
  }
  return TRUE;
}

static gboolean ring_contains(const guint *out, guint n, guint s)
{
  for (guint k = 0; k < n; k++)
    if (out[k] == s)
      return TRUE;
  return FALSE;
}

/* ---- jump ---- */

static guint jump_lookup(const Ring *ring, const char *key, gsize len)
{
  return (guint) ring_jump_hash(ring_hash64(ring->config.hash, key, len), (gint32) ring->n_servers);
}

/* Replica r is jump(splitmix(h + r)); r = 0 is the plain jump(h). */
static guint jump_preference(const Ring *ring, const char *key, gsize len, guint n, guint *out)
{
  uint64_t h = ring_hash64(ring->config.hash, key, len);
  guint got = 0;
  guint64 tries = 64 * (guint64) ring->n_servers;
  for (guint64 r = 0; r < tries && got < n; r++) {
    uint64_t k = r == 0 ? h : sim_mix64(h + r);
    guint s = (guint) ring_jump_hash(k, (gint32) ring->n_servers);
    if (!ring_contains(out, got, s))
      out[got++] = s;
  }
  for (guint s = 0; s < ring->n_servers && got < n; s++)
    if (!ring_contains(out, got, s))
      out[got++] = s;
  return got;
}

const RingAlgo ring_algo_jump = {
  .name = "jump",
  .summary = "jump consistent hash (Lamport & Veach 2014), equal weights",
  .build = ring_require_uniform,
  .lookup = jump_lookup,
  .preference = jump_preference,
  .free = NULL,
};

/* ---- modulo ---- */

static guint modulo_lookup(const Ring *ring, const char *key, gsize len)
{
  return (guint) (ring_hash64(ring->config.hash, key, len) % ring->n_servers);
}

static guint modulo_preference(const Ring *ring, const char *key, gsize len, guint n, guint *out)
{
  guint first = modulo_lookup(ring, key, len);
  for (guint r = 0; r < n; r++)
    out[r] = (first + r) % ring->n_servers;
  return n;
}

const RingAlgo ring_algo_modulo = {
  .name = "modulo",
  .summary = "hash mod N, the baseline, equal weights",
  .build = ring_require_uniform,
  .lookup = modulo_lookup,
  .preference = modulo_preference,
  .free = NULL,
};

/* ---- rendezvous ---- */

static gboolean rendezvous_build(Ring *ring, GError **error)
{
  (void) error;
  ring->seeds = g_new(uint64_t, ring->n_servers);
  for (guint i = 0; i < ring->n_servers; i++)
    ring->seeds[i] = ring_hash64(ring->config.hash, ring->addrs[i], strlen(ring->addrs[i]));
  return TRUE;
}

static void rendezvous_free(Ring *ring)
{
  g_clear_pointer(&ring->seeds, g_free);
}

/* Score of server i for key hash h: with equal weights the mixed hash itself
 * (higher wins); with weights -w_i / ln(u), u = the top 53 bits in (0, 1).
 * Both orders agree when weights are equal. Ties go to the lower index. */
static double rendezvous_score(const Ring *ring, uint64_t h, guint i)
{
  uint64_t x = sim_mix64(h ^ ring->seeds[i]);
  if (ring->uniform)
    return (double) (x >> 11);
  double u = ((double) (x >> 11) + 0.5) * 0x1p-53;
  return -ring->weights[i] / log(u);
}

static guint rendezvous_lookup(const Ring *ring, const char *key, gsize len)
{
  uint64_t h = ring_hash64(ring->config.hash, key, len);
  guint best = 0;
  double best_score = rendezvous_score(ring, h, 0);
  for (guint i = 1; i < ring->n_servers; i++) {
    double sc = rendezvous_score(ring, h, i);
    if (sc > best_score) {
      best = i;
      best_score = sc;
    }
  }
  return best;
}

/* The n highest scores, by insertion into a small sorted list. */
static guint rendezvous_preference(const Ring *ring, const char *key, gsize len, guint n, guint *out)
{
  uint64_t h = ring_hash64(ring->config.hash, key, len);
  g_autofree double *top = g_new(double, n);
  guint got = 0;
  for (guint i = 0; i < ring->n_servers; i++) {
    double sc = rendezvous_score(ring, h, i);
    if (got == n && sc <= top[n - 1])
      continue;
    guint pos = got < n ? got++ : n - 1;
    while (pos > 0 && top[pos - 1] < sc) {
      top[pos] = top[pos - 1];
      out[pos] = out[pos - 1];
      pos--;
    }
    top[pos] = sc;
    out[pos] = i;
  }
  return got;
}

const RingAlgo ring_algo_rendezvous = {
  .name = "rendezvous",
  .summary = "highest random weight, weighted score -w/ln(u)",
  .build = rendezvous_build,
  .lookup = rendezvous_lookup,
  .preference = rendezvous_preference,
  .free = rendezvous_free,
};
