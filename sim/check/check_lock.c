/* The mutual-exclusion checker: see sim/check/check_lock.h. Quadratic in the worst
 * case but intervals are sorted by start, so each scan stops early; a run has
 * at most a few thousand grants. */
#include "sim/check/check_lock.h"
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

/* The client's name for reports: from the sink, else "node N". */
static char *name_of(const CheckLockSink *sink, int client)
{
  if (sink->names && client >= 0 && (gsize) client < sink->nnames && sink->names[client])
    return g_strdup(sink->names[client]);
  return g_strdup_printf("node %d", client);
}

guint64 check_lock_overlaps(CheckLockInterval *iv, gsize n, const CheckLockSink *sink)
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
      if (sink && sink->report) {
        g_autofree char *a = name_of(sink, iv[i].client), *b = name_of(sink, iv[j].client);
        g_autofree char *s = g_strdup_printf(
            "%s (grant %" G_GINT64_FORMAT ", %.6f-%.6f s) and %s (grant %" G_GINT64_FORMAT
            ", %.6f-%.6f s) both held the lock", a, iv[i].seq, sim_time_to_seconds(iv[i].start),
            sim_time_to_seconds(iv[i].end), b, iv[j].seq, sim_time_to_seconds(iv[j].start),
            sim_time_to_seconds(iv[j].end));
        sink->report(iv[j].start, s, sink->data);
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
                                 const CheckLockSink *sink)
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
    if (sink && sink->report) {
      g_autofree char *a = name_of(sink, w[k].client);
      g_autofree char *b = other ? name_of(sink, other->client) : NULL;
      g_autofree char *s = other
          ? g_strdup_printf("write of %s (grant %" G_GINT64_FORMAT ") accepted at %.6f s after %s "
                            "was granted the lock at %.6f s", a, w[k].seq, sim_time_to_seconds(w[k].at),
                            b, sim_time_to_seconds(other->start))
          : g_strdup_printf("write of %s accepted at %.6f s under unknown grant %" G_GINT64_FORMAT,
                            a, sim_time_to_seconds(w[k].at), w[k].seq);
      sink->report(w[k].at, s, sink->data);
    }
  }
  return count;
}
