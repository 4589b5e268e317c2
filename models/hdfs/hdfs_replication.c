/* Re-replication scheduling: what HDFS's replication monitor
 * (BlockManager.computeReplicationWork, every
 * dfs.namenode.replication.interval) does with the under-replicated blocks,
 * as a pure function over plain arrays. */
#include "models/hdfs/hdfs.h"
#include <stdlib.h>

int hdfs_repl_priority(guint live, guint pending, guint rf)
{
  if (live == 0)
    return HDFS_PRIO_MISSING;
  if (live + pending >= rf)
    return HDFS_PRIO_NONE;
  if (live == 1)
    return HDFS_PRIO_HIGHEST;
  if (live * 3 < rf)
    return HDFS_PRIO_VERY_UNDER;
  return HDFS_PRIO_UNDER;
}

typedef struct {
  int prio;
  guint index;
  int64_t block;
} Ranked;

static int ranked_cmp(const void *a, const void *b)
{
  const Ranked *x = a, *y = b;
  if (x->prio != y->prio)
    return x->prio < y->prio ? -1 : 1;
  return x->block < y->block ? -1 : x->block > y->block;
}

static int dn_index(const HdfsDn *dns, guint ndns, int id)
{
  for (guint i = 0; i < ndns; i++)
    if (dns[i].id == id)
      return (int) i;
  return -1;
}

/* A random live holder of `need` with a free outgoing stream, or -1. */
static int choose_source(const HdfsNeed *need, const HdfsDn *dns, guint ndns, guint max_streams, SimRng *rng)
{
  int cand[HDFS_MAX_RF];
  guint n = 0;
  for (guint h = 0; h < need->nholders && h < HDFS_MAX_RF; h++) {
    int i = dn_index(dns, ndns, need->holders[h]);
    if (i >= 0 && dns[i].live && dns[i].streams_out < max_streams)
      cand[n++] = i;
  }
  if (n == 0)
    return -1;
  return cand[n == 1 ? 0 : sim_rng_below(rng, n)];
}

guint hdfs_schedule_replication(const HdfsNeed *needs, guint nneeds, HdfsDn *dns, guint ndns,
                                HdfsPolicy policy, guint max_streams, guint max_blocks,
                                SimRng *rng, GArray *out)
{
  g_autofree Ranked *ranked = g_new(Ranked, nneeds ? nneeds : 1);
  guint nr = 0;
  for (guint i = 0; i < nneeds; i++) {
    int p = hdfs_repl_priority(needs[i].nholders, needs[i].pending, needs[i].rf);
    if (p == HDFS_PRIO_NONE || p == HDFS_PRIO_MISSING)
      continue;
    ranked[nr++] = (Ranked) { p, i, needs[i].block };
  }
  qsort(ranked, nr, sizeof *ranked, ranked_cmp);
  g_autofree gboolean *ok = g_new(gboolean, ndns ? ndns : 1);
  guint scheduled = 0;
  for (guint r = 0; r < nr && scheduled < max_blocks; r++) {
    const HdfsNeed *need = &needs[ranked[r].index];
    int src = choose_source(need, dns, ndns, max_streams, rng);
    if (src < 0)
      continue;
    for (guint i = 0; i < ndns; i++)
      ok[i] = dns[i].live && dns[i].streams_in < max_streams;
    int chosen[HDFS_MAX_RF];
    guint have = MIN(need->nholders, (guint) HDFS_MAX_RF);
    for (guint h = 0; h < have; h++)
      chosen[h] = need->holders[h];
    guint want = need->rf - need->nholders - need->pending;
    guint total = hdfs_choose_targets(policy, dns, ndns, ok, -1, chosen, have, want, rng);
    gboolean any = FALSE;
    for (guint t = have; t < total; t++) {
      if (dns[src].streams_out >= max_streams)
        break;
      int dst = dn_index(dns, ndns, chosen[t]);
      dns[src].streams_out++;
      dns[dst].streams_in++;
      HdfsTransfer tr = { need->block, dns[src].id, dns[dst].id };
      g_array_append_val(out, tr);
      any = TRUE;
    }
    if (any)
      scheduled++;
  }
  return scheduled;
}
