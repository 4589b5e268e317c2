#include "sim/check/check_kv.h"

static int version_cmp(const CheckKvAccess *a, const CheckKvAccess *b)
{
  if (a->ts != b->ts)
    return a->ts < b->ts ? -1 : 1;
  return a->node < b->node ? -1 : a->node > b->node;
}

static gint cmp_access(gconstpointer pa, gconstpointer pb)
{
  const CheckKvAccess *a = pa, *b = pb;
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  if (a->at != b->at)
    return a->at < b->at ? -1 : 1;
  return version_cmp(a, b);
}

guint64 check_kv_stale_reads(CheckKvAccess *writes, gsize nw, CheckKvAccess *reads, gsize nr,
                             CheckKvReport report, void *data)
{
  if (nw > 0)
    qsort(writes, nw, sizeof *writes, cmp_access);
  if (nr > 0)
    qsort(reads, nr, sizeof *reads, cmp_access);
  /* Walk both in (key, time) order, keeping the newest version acknowledged
   * strictly before each read began. */
  guint64 stale = 0;
  gsize w = 0;
  const CheckKvAccess *newest = NULL;
  for (gsize i = 0; i < nr; i++) {
    const CheckKvAccess *r = &reads[i];
    if (i == 0 || r->key != reads[i - 1].key) {
      newest = NULL;
      while (w < nw && writes[w].key < r->key)
        w++;
    }
    for (; w < nw && writes[w].key == r->key && writes[w].at < r->at; w++)
      if (!newest || version_cmp(&writes[w], newest) > 0)
        newest = &writes[w];
    if (!newest || version_cmp(r, newest) >= 0)
      continue;
    stale++;
    if (report) {
      g_autofree char *s = g_strdup_printf(
          "read of key %" G_GINT64_FORMAT " at %.6f s returned version (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
          ") after version (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") was acknowledged at %.6f s",
          r->key, sim_time_to_seconds(r->at), r->ts, r->node, newest->ts, newest->node,
          sim_time_to_seconds(newest->at));
      report(r->at, s, data);
    }
  }
  return stale;
}
