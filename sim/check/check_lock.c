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

typedef struct {
  gsize index;  /* into the writes */
  const CheckLockInterval *grant;
} Accepted;

static int cmp_accepted(const void *a, const void *b, void *data)
{
  const Accepted *x = a, *y = b;
  const CheckLockWrite *w = data;
  if (w[x->index].at != w[y->index].at)
    return w[x->index].at < w[y->index].at ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

guint64 check_lock_unsafe_writes(const CheckLockInterval *iv, gsize n, const CheckLockWrite *w, gsize m,
                                 const CheckLockSink *sink)
{
  /* Accepted writes in the order the resource took them. */
  g_autoptr(GArray) acc = g_array_new(FALSE, FALSE, sizeof(Accepted));
  for (gsize k = 0; k < m; k++)
    if (w[k].accepted) {
      Accepted a = { k, find_grant(iv, n, w[k].client, w[k].seq) };
      g_array_append_val(acc, a);
    }
  g_array_sort_with_data(acc, cmp_accepted, (gpointer) w);
  /* The newest grant (latest start) among the writes taken so far, and the
   * newest of a client other than that grant's: enough to tell whether a
   * newer grant of *another* client has written already. */
  const CheckLockInterval *newest = NULL, *newest_other = NULL;
  guint64 count = 0;
  for (guint i = 0; i < acc->len; i++) {
    const Accepted *a = &g_array_index(acc, Accepted, i);
    const CheckLockWrite *x = &w[a->index];
    const CheckLockInterval *g = a->grant;
    const CheckLockInterval *other = !g ? NULL : newest && newest->client != g->client ? newest : newest_other;
    gboolean unsafe = !g || (other && other->start > g->start);
    if (g && (!newest || g->start > newest->start)) {
      if (newest && newest->client != g->client)
        newest_other = newest;
      newest = g;
    } else if (g && g->client != newest->client && (!newest_other || g->start > newest_other->start)) {
      newest_other = g;
    }
    if (!unsafe)
      continue;
    count++;
    if (sink && sink->report) {
      g_autofree char *who = name_of(sink, x->client);
      g_autofree char *b = g ? name_of(sink, other->client) : NULL;
      g_autofree char *s = g
          ? g_strdup_printf("write of %s (grant %" G_GINT64_FORMAT ") accepted at %.6f s after %s was granted the "
                            "lock at %.6f s and wrote", who, x->seq, sim_time_to_seconds(x->at), b,
                            sim_time_to_seconds(other->start))
          : g_strdup_printf("write of %s accepted at %.6f s under unknown grant %" G_GINT64_FORMAT,
                            who, sim_time_to_seconds(x->at), x->seq);
      sink->report(x->at, s, sink->data);
    }
  }
  return count;
}
