/* Measurements of placement quality: balance (ring shares, keys per server)
 * and the keys moved when a server joins. Used by `faultsim ring --measure`
 * and by tests/test_ring.c. Keys are "key-0", "key-1", ...: deterministic. */
#include "models/ring/ring_internal.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

double ring_cv(const double *x, gsize n)
{
  if (n == 0)
    return 0;
  double sum = 0;
  for (gsize i = 0; i < n; i++)
    sum += x[i];
  double mean = sum / (double) n;
  if (mean == 0)
    return 0;
  double ss = 0;
  for (gsize i = 0; i < n; i++)
    ss += (x[i] - mean) * (x[i] - mean);
  return sqrt(ss / (double) n) / mean;
}

char *ring_measure_addr(guint i)
{
  return g_strdup_printf("10.%u.%u.%u:11211", (i >> 16) & 255, (i >> 8) & 255, i & 255);
}

static Ring *ring_measure_ring(const RingAlgo *algo, const RingConfig *config,
                               guint first, guint n, GError **error)
{
  g_autofree RingServer *servers = g_new(RingServer, n);
  g_auto(GStrv) addrs = g_new0(char *, n + 1);
  for (guint i = 0; i < n; i++) {
    addrs[i] = ring_measure_addr(first + i);
    servers[i].addr = addrs[i];
    servers[i].weight = 1;
  }
  return ring_new(algo, config, servers, n, error);
}

static gsize ring_key(char *buf, gsize size, guint64 k)
{
  int len = snprintf(buf, size, "key-%" G_GUINT64_FORMAT, k);
  return (gsize) len;
}

gboolean ring_measure_balance(const RingAlgo *algo, const RingConfig *config,
                              guint n_servers, guint64 n_keys, RingBalance *out,
                              GError **error)
{
  g_autoptr(Ring) ring = ring_measure_ring(algo, config, 0, n_servers, error);
  if (ring == NULL)
    return FALSE;
  g_autofree double *x = g_new(double, n_servers);
  out->ring_cv = ring_shares(ring, x) ? ring_cv(x, n_servers) : NAN;
  g_autoptr(RingLoad) load = ring_load_new(ring, n_keys);
  char key[32];
  for (guint64 k = 0; k < n_keys; k++) {
    gsize len = ring_key(key, sizeof key, k);
    ring_load_assign(load, key, len);
  }
  double max = 0, sum = 0;
  for (guint i = 0; i < n_servers; i++) {
    x[i] = (double) ring_load_count(load, i);
    sum += x[i];
    if (x[i] > max)
      max = x[i];
  }
  out->keys_cv = ring_cv(x, n_servers);
  out->keys_max_mean = sum > 0 ? max / (sum / n_servers) : 0;
  return TRUE;
}

gboolean ring_measure_join(const RingAlgo *algo, const RingConfig *config,
                           guint n_before, guint64 n_keys, guint trial,
                           RingJoin *out, GError **error)
{
  guint first = trial * (n_before + 1);
  g_autoptr(Ring) before = ring_measure_ring(algo, config, first, n_before, error);
  if (before == NULL)
    return FALSE;
  g_autoptr(Ring) after = ring_measure_ring(algo, config, first, n_before + 1, error);
  if (after == NULL)
    return FALSE;
  /* Bounded placement depends on the whole key set: compare load-aware
   * assignments of the same keys in the same order. */
  g_autoptr(RingLoad) lb = ring_load_new(before, n_keys);
  g_autoptr(RingLoad) la = ring_load_new(after, n_keys);
  out->moved = out->moved_not_new = 0;
  char key[32];
  for (guint64 k = 0; k < n_keys; k++) {
    gsize len = ring_key(key, sizeof key, k);
    guint a = ring_load_assign(lb, key, len);
    guint b = ring_load_assign(la, key, len);
    if (a != b) {
      out->moved++;
      if (b != n_before)
        out->moved_not_new++;
    }
  }
  return TRUE;
}

guint64 ring_count_moved(const Ring *before, const Ring *after, guint64 n_keys)
{
  guint64 moved = 0;
  char key[32];
  for (guint64 k = 0; k < n_keys; k++) {
    gsize len = ring_key(key, sizeof key, k);
    if (ring_lookup(before, key, len) != ring_lookup(after, key, len))
      moved++;
  }
  return moved;
}
