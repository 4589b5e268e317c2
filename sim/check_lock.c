/* The mutual-exclusion checker: see sim/check_lock.h. Quadratic in the worst
 * case but intervals are sorted by start, so each scan stops early; a run has
 * at most a few thousand grants. */
#include "sim/check_lock.h"
#include <stdlib.h>

static int cmp_interval(const void *a, const void *b)
{
  const CheckLockInterval *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->client != y->client)
    return x->client < y->client ? -1 : 1;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

guint64 check_lock_overlaps(CheckLockInterval *iv, gsize n, CheckLockReport report, void *data)
{
  if (n > 1)
    qsort(iv, n, sizeof *iv, cmp_interval);
  guint64 count = 0;
  for (gsize i = 0; i < n; i++) {
    if (iv[i].end <= iv[i].start)
      continue;
    for (gsize j = i + 1; j < n && iv[j].start < iv[i].end; j++) {
      if (iv[j].client == iv[i].client || iv[j].end <= iv[j].start)
        continue;
      count++;
      if (report) {
        g_autofree char *s = g_strdup_printf(
            "node %d (grant %" G_GINT64_FORMAT ", %.6f-%.6f s) and node %d (grant %" G_GINT64_FORMAT
            ", %.6f-%.6f s) both held the lock", iv[i].client, iv[i].seq, sim_time_to_seconds(iv[i].start),
            sim_time_to_seconds(iv[i].end), iv[j].client, iv[j].seq, sim_time_to_seconds(iv[j].start),
            sim_time_to_seconds(iv[j].end));
        report(s, data);
      }
    }
  }
  return count;
}

static const CheckLockInterval *find_grant(const CheckLockInterval *iv, gsize n, int client, int64_t seq)
{
  for (gsize i = 0; i < n; i++)
    if (iv[i].client == client && iv[i].seq == seq)
      return &iv[i];
  return NULL;
}

guint64 check_lock_unsafe_writes(const CheckLockInterval *iv, gsize n, const CheckLockWrite *w, gsize m,
                                 CheckLockReport report, void *data)
{
  guint64 count = 0;
  for (gsize k = 0; k < m; k++) {
    if (!w[k].accepted)
      continue;
    const CheckLockInterval *g = find_grant(iv, n, w[k].client, w[k].seq);
    const CheckLockInterval *other = NULL;
    if (g)
      for (gsize i = 0; i < n && iv[i].start <= w[k].at && !other; i++)
        if (iv[i].client != g->client && iv[i].start > g->start)
          other = &iv[i];
    if (g && !other)
      continue;
    count++;
    if (report) {
      g_autofree char *s = other
          ? g_strdup_printf("write of node %d (grant %" G_GINT64_FORMAT ") accepted at %.6f s after node %d "
                            "was granted the lock at %.6f s", w[k].client, w[k].seq, sim_time_to_seconds(w[k].at),
                            other->client, sim_time_to_seconds(other->start))
          : g_strdup_printf("write of node %d accepted at %.6f s under unknown grant %" G_GINT64_FORMAT,
                            w[k].client, sim_time_to_seconds(w[k].at), w[k].seq);
      report(s, data);
    }
  }
  return count;
}
