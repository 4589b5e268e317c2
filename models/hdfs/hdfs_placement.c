/* Block placement, as HDFS's BlockPlacementPolicyDefault chooses targets
 * (HDFS Architecture Guide, "Replica Placement: The First Baby Steps": one
 * replica on the writer's node, another on a node in a different (remote)
 * rack, the last on a different node in the same remote rack), and the
 * "random" policy that ignores racks. Pure functions over HdfsDn arrays. */
#include "models/hdfs/hdfs.h"
#include <string.h>

gboolean hdfs_policy_parse(const char *text, HdfsPolicy *out)
{
  if (g_strcmp0(text, "rack_aware") == 0)
    *out = HDFS_PLACE_RACK_AWARE;
  else if (g_strcmp0(text, "random") == 0)
    *out = HDFS_PLACE_RANDOM;
  else
    return FALSE;
  return TRUE;
}

int hdfs_rack_of(const HdfsDn *dns, guint ndns, int id)
{
  for (guint i = 0; i < ndns; i++)
    if (dns[i].id == id)
      return dns[i].rack;
  return -1;
}

static gboolean in_list(const int *ids, guint n, int id)
{
  for (guint i = 0; i < n; i++)
    if (ids[i] == id)
      return TRUE;
  return FALSE;
}

/* Rack filters for pick(). */
typedef enum { ANY_RACK, ON_RACK, OFF_RACK } RackRule;

/* A uniformly random candidate obeying `rule` about `rack` (OFF_RACK: on
 * none of the racks of chosen[] when `off_all`, else not on `rack`), or -1.
 * Draws only when there are at least two candidates. */
static int pick(const HdfsDn *dns, guint ndns, const gboolean *ok, const int *chosen, guint nchosen,
                RackRule rule, int rack, SimRng *rng)
{
  guint count = 0;
  for (int pass = 0; pass < 2; pass++) {
    guint want = 0;
    if (pass == 1) {
      if (count == 0)
        return -1;
      want = count == 1 ? 0 : (guint) sim_rng_below(rng, count);
    }
    guint seen = 0;
    for (guint i = 0; i < ndns; i++) {
      const HdfsDn *d = &dns[i];
      if (!d->live || (ok && !ok[i]) || in_list(chosen, nchosen, d->id))
        continue;
      if ((rule == ON_RACK && d->rack != rack) || (rule == OFF_RACK && d->rack == rack))
        continue;
      if (pass == 0)
        count++;
      else if (seen++ == want)
        return d->id;
    }
  }
  return -1;
}

/* A candidate by `rule`, falling back to any candidate. */
static int pick_or_any(const HdfsDn *dns, guint ndns, const gboolean *ok, const int *chosen, guint nchosen,
                       RackRule rule, int rack, SimRng *rng)
{
  int id = pick(dns, ndns, ok, chosen, nchosen, rule, rack, rng);
  return id >= 0 ? id : pick(dns, ndns, ok, chosen, nchosen, ANY_RACK, -1, rng);
}

/* Index of `id` in dns, or -1. */
static int index_of(const HdfsDn *dns, guint ndns, int id)
{
  for (guint i = 0; i < ndns; i++)
    if (dns[i].id == id)
      return (int) i;
  return -1;
}

/* A candidate on a rack none of chosen[] is on, falling back to any. */
static int pick_new_rack(const HdfsDn *dns, guint ndns, const gboolean *ok, const int *chosen, guint nchosen,
                         SimRng *rng)
{
  /* Mark the racks in use by excluding their nodes through a local ok[]. */
  g_autofree gboolean *mask = g_new(gboolean, ndns ? ndns : 1);
  for (guint i = 0; i < ndns; i++) {
    mask[i] = !ok || ok[i];
    for (guint c = 0; c < nchosen && mask[i]; c++)
      if (hdfs_rack_of(dns, ndns, chosen[c]) == dns[i].rack)
        mask[i] = FALSE;
  }
  int id = pick(dns, ndns, mask, chosen, nchosen, ANY_RACK, -1, rng);
  return id >= 0 ? id : pick(dns, ndns, ok, chosen, nchosen, ANY_RACK, -1, rng);
}

guint hdfs_choose_targets(HdfsPolicy policy, const HdfsDn *dns, guint ndns, const gboolean *ok,
                          int writer, int *chosen, guint nchosen, guint want, SimRng *rng)
{
  guint n = nchosen;
  while (want > 0 && n < HDFS_MAX_RF) {
    int id = -1;
    if (policy == HDFS_PLACE_RANDOM || n >= 3) {
      id = pick(dns, ndns, ok, chosen, n, ANY_RACK, -1, rng);
    } else if (n == 0) {
      int w = index_of(dns, ndns, writer);
      if (w >= 0 && dns[w].live && (!ok || ok[w]))
        id = writer;
      else
        id = pick(dns, ndns, ok, chosen, n, ANY_RACK, -1, rng);
    } else if (n == 1) {
      id = pick_or_any(dns, ndns, ok, chosen, n, OFF_RACK, hdfs_rack_of(dns, ndns, chosen[0]), rng);
    } else {
      int r0 = hdfs_rack_of(dns, ndns, chosen[0]), r1 = hdfs_rack_of(dns, ndns, chosen[1]);
      if (r0 == r1)
        id = pick_new_rack(dns, ndns, ok, chosen, n, rng);
      else
        id = pick_or_any(dns, ndns, ok, chosen, n, ON_RACK, r1, rng);
    }
    if (id < 0)
      break;
    chosen[n++] = id;
    want--;
  }
  return n;
}

guint hdfs_choose_excess(const HdfsDn *dns, guint ndns, const int *holders, guint n)
{
  for (guint i = n; i-- > 0;) {
    int rack = hdfs_rack_of(dns, ndns, holders[i]);
    for (guint j = 0; j < n; j++)
      if (j != i && hdfs_rack_of(dns, ndns, holders[j]) == rack)
        return i;
  }
  return n - 1;
}

gboolean hdfs_size_parse(const char *text, uint64_t *bytes)
{
  uint64_t b = 0;
  if (!sim_bytes_parse(text, &b, NULL) || b > HDFS_MAX_BLOCK)
    return FALSE;
  *bytes = b;
  return TRUE;
}
