/* HDFS's decisions on hand-built clusters (models/hdfs/hdfs_placement.c,
 * hdfs_replication.c): rack-aware and random placement, the choice of a
 * new target for an under-replicated block and of an excess replica to
 * delete, the replication queues' priorities, and one round of
 * re-replication scheduling under the per-node stream limit. */
#include "models/hdfs/hdfs.h"
#include <CUnit/CUnit.h>

/* Three racks of four DataNodes, ids 10.. (rack = index / 4 + 1). */
static void cluster(HdfsDn *dns, guint n)
{
  for (guint i = 0; i < n; i++)
    dns[i] = (HdfsDn) { (int) (10 + i), (int) (i / 4 + 1), TRUE, 0, 0 };
}

static int rack(const HdfsDn *dns, guint n, int id) { return hdfs_rack_of(dns, n, id); }

static gboolean distinct(const int *ids, guint n)
{
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      if (ids[i] == ids[j])
        return FALSE;
  return TRUE;
}

static void test_rack_aware_new_block(void)
{
  HdfsDn dns[12];
  cluster(dns, 12);
  for (uint64_t seed = 1; seed <= 200; seed++) {
    SimRng rng;
    sim_rng_init_indexed(&rng, seed, "test", 0);
    int chosen[HDFS_MAX_RF];
    /* Writer on a DataNode: the first replica there. */
    guint n = hdfs_choose_targets(HDFS_PLACE_RACK_AWARE, dns, 12, NULL, 15, chosen, 0, 3, &rng);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_EQUAL(chosen[0], 15);
    CU_ASSERT_NOT_EQUAL(rack(dns, 12, chosen[1]), rack(dns, 12, chosen[0]));
    CU_ASSERT_EQUAL(rack(dns, 12, chosen[2]), rack(dns, 12, chosen[1]));
    CU_ASSERT_TRUE(distinct(chosen, n));
    /* A writer on no DataNode: the same shape from a random first. */
    n = hdfs_choose_targets(HDFS_PLACE_RACK_AWARE, dns, 12, NULL, -1, chosen, 0, 3, &rng);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_NOT_EQUAL(rack(dns, 12, chosen[1]), rack(dns, 12, chosen[0]));
    CU_ASSERT_EQUAL(rack(dns, 12, chosen[2]), rack(dns, 12, chosen[1]));
    CU_ASSERT_TRUE(distinct(chosen, n));
    /* No rack ever holds all three: a rack's loss loses no block. */
    CU_ASSERT_FALSE(rack(dns, 12, chosen[0]) == rack(dns, 12, chosen[2]));
    /* Five replicas: the first three as above, then any distinct nodes. */
    n = hdfs_choose_targets(HDFS_PLACE_RACK_AWARE, dns, 12, NULL, -1, chosen, 0, 5, &rng);
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_TRUE(distinct(chosen, n));
  }
}

static void test_rack_aware_fallbacks(void)
{
  HdfsDn dns[12];
  cluster(dns, 12);
  SimRng rng;
  sim_rng_init_indexed(&rng, 7, "test", 0);
  int chosen[HDFS_MAX_RF];
  /* A dead writer is not used; dead nodes are never chosen. */
  for (guint i = 0; i < 4; i++)
    dns[i].live = FALSE;
  for (int k = 0; k < 50; k++) {
    guint n = hdfs_choose_targets(HDFS_PLACE_RACK_AWARE, dns, 12, NULL, 10, chosen, 0, 3, &rng);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    for (guint i = 0; i < n; i++)
      CU_ASSERT_NOT_EQUAL(rack(dns, 12, chosen[i]), 1);
    CU_ASSERT_NOT_EQUAL(rack(dns, 12, chosen[1]), rack(dns, 12, chosen[0]));
  }
  /* One rack only: still three distinct nodes. */
  HdfsDn one[4];
  cluster(one, 4);
  guint n = hdfs_choose_targets(HDFS_PLACE_RACK_AWARE, one, 4, NULL, -1, chosen, 0, 3, &rng);
  CU_ASSERT_EQUAL(n, 3);
  CU_ASSERT_TRUE(distinct(chosen, n));
  /* Fewer candidates than replicas: as many as there are. */
  n = hdfs_choose_targets(HDFS_PLACE_RACK_AWARE, one, 4, NULL, -1, chosen, 0, 5, &rng);
  CU_ASSERT_EQUAL(n, 4);
  /* The ok mask: only nodes 12 and 13 may take a replica. */
  gboolean ok[4] = { FALSE, FALSE, TRUE, TRUE };
  n = hdfs_choose_targets(HDFS_PLACE_RACK_AWARE, one, 4, ok, 10, chosen, 0, 3, &rng);
  CU_ASSERT_EQUAL_FATAL(n, 2);
  CU_ASSERT_TRUE((chosen[0] == 12 && chosen[1] == 13) || (chosen[0] == 13 && chosen[1] == 12));
}

static void test_rereplication_targets(void)
{
  HdfsDn dns[12];
  cluster(dns, 12);
  SimRng rng;
  sim_rng_init_indexed(&rng, 3, "test", 0);
  for (int k = 0; k < 100; k++) {
    /* Two left on rack 2: the third goes to another rack. */
    int chosen[HDFS_MAX_RF] = { 14, 15 };
    guint n = hdfs_choose_targets(HDFS_PLACE_RACK_AWARE, dns, 12, NULL, -1, chosen, 2, 1, &rng);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_NOT_EQUAL(rack(dns, 12, chosen[2]), 2);
    /* Left on racks 1 and 3: the third on the second's rack. */
    int c2[HDFS_MAX_RF] = { 10, 19 };
    n = hdfs_choose_targets(HDFS_PLACE_RACK_AWARE, dns, 12, NULL, -1, c2, 2, 1, &rng);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_EQUAL(rack(dns, 12, c2[2]), 3);
    CU_ASSERT_NOT_EQUAL(c2[2], 19);
    /* One left: the next on another rack. */
    int c3[HDFS_MAX_RF] = { 11 };
    n = hdfs_choose_targets(HDFS_PLACE_RACK_AWARE, dns, 12, NULL, -1, c3, 1, 2, &rng);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_NOT_EQUAL(rack(dns, 12, c3[1]), 1);
    CU_ASSERT_EQUAL(rack(dns, 12, c3[2]), rack(dns, 12, c3[1]));
  }
}

static void test_random_policy(void)
{
  HdfsDn dns[12];
  cluster(dns, 12);
  SimRng rng;
  sim_rng_init_indexed(&rng, 11, "test", 0);
  guint hits[12] = { 0 }, same_rack = 0;
  const guint draws = 11000;
  for (guint k = 0; k < draws; k++) {
    int chosen[HDFS_MAX_RF];
    guint n = hdfs_choose_targets(HDFS_PLACE_RANDOM, dns, 12, NULL, 10, chosen, 0, 3, &rng);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_TRUE(distinct(chosen, n));
    for (guint i = 0; i < n; i++)
      hits[chosen[i] - 10]++;
    same_rack += rack(dns, 12, chosen[0]) == rack(dns, 12, chosen[1])
                 && rack(dns, 12, chosen[1]) == rack(dns, 12, chosen[2]);
  }
  /* The writer gets no preference: each node holds 3/12 of the replicas
   * (2750 of 33000; binomial sd about 45). */
  for (guint i = 0; i < 12; i++)
    CU_ASSERT_TRUE(hits[i] > 2500 && hits[i] < 3000);
  /* All three on one rack: 3 * C(4,3) / C(12,3) = 12/220 of the blocks,
   * 600 of 11000 (sd about 24). */
  CU_ASSERT_TRUE(same_rack > 500 && same_rack < 700);
}

static void test_excess(void)
{
  HdfsDn dns[12];
  cluster(dns, 12);
  /* Racks 1, 2, 2, 3: delete from rack 2, the newest there. */
  int holders[] = { 10, 14, 15, 18 };
  CU_ASSERT_EQUAL(hdfs_choose_excess(dns, 12, holders, 4), 2);
  /* Every rack distinct: the newest. */
  int spread[] = { 10, 14, 18, 11 };
  CU_ASSERT_EQUAL(hdfs_choose_excess(dns, 12, spread, 4), 3);
}

static void test_priority(void)
{
  CU_ASSERT_EQUAL(hdfs_repl_priority(0, 0, 3), HDFS_PRIO_MISSING);
  CU_ASSERT_EQUAL(hdfs_repl_priority(1, 0, 3), HDFS_PRIO_HIGHEST);
  CU_ASSERT_EQUAL(hdfs_repl_priority(2, 0, 3), HDFS_PRIO_UNDER);
  CU_ASSERT_EQUAL(hdfs_repl_priority(2, 0, 10), HDFS_PRIO_VERY_UNDER);
  CU_ASSERT_EQUAL(hdfs_repl_priority(2, 1, 3), HDFS_PRIO_NONE);
  CU_ASSERT_EQUAL(hdfs_repl_priority(3, 0, 3), HDFS_PRIO_NONE);
  CU_ASSERT_EQUAL(hdfs_repl_priority(1, 1, 3), HDFS_PRIO_HIGHEST);
}

/* Holder sets for the scheduling tests. */
static HdfsNeed need(int64_t block, guint rf, guint pending, int h0, int h1)
{
  HdfsNeed n = { block, rf, 0, { 0 }, pending };
  if (h0 >= 0)
    n.holders[n.nholders++] = h0;
  if (h1 >= 0)
    n.holders[n.nholders++] = h1;
  return n;
}

static void test_schedule_order_and_limits(void)
{
  HdfsDn dns[12];
  cluster(dns, 12);
  SimRng rng;
  sim_rng_init_indexed(&rng, 5, "test", 0);
  /* Block 9 has one replica left (highest priority), 2 and 3 two. */
  HdfsNeed needs[] = { need(2, 3, 0, 10, 14), need(3, 3, 0, 11, 15), need(9, 3, 0, 12, -1) };
  g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(HdfsTransfer));
  guint s = hdfs_schedule_replication(needs, 3, dns, 12, HDFS_PLACE_RACK_AWARE, 2, 1, &rng, out);
  CU_ASSERT_EQUAL(s, 1);
  CU_ASSERT_EQUAL_FATAL(out->len, 2); /* both missing copies of block 9 */
  for (guint i = 0; i < out->len; i++) {
    const HdfsTransfer *t = &g_array_index(out, HdfsTransfer, i);
    CU_ASSERT_EQUAL(t->block, 9);
    CU_ASSERT_EQUAL(t->src, 12);
    CU_ASSERT_NOT_EQUAL(t->dst, 12);
  }
  CU_ASSERT_EQUAL(dns[2].streams_out, 2);
  /* Node 12 is now at its limit: nothing more from it. */
  g_array_set_size(out, 0);
  HdfsNeed again[] = { need(9, 3, 0, 12, -1) };
  CU_ASSERT_EQUAL(hdfs_schedule_replication(again, 1, dns, 12, HDFS_PLACE_RACK_AWARE, 2, 10, &rng, out), 0);
  CU_ASSERT_EQUAL(out->len, 0);
  /* Pending copies count: a block with a copy on its way needs no more. */
  HdfsNeed pend[] = { need(2, 3, 1, 10, 14) };
  CU_ASSERT_EQUAL(hdfs_schedule_replication(pend, 1, dns, 12, HDFS_PLACE_RACK_AWARE, 2, 10, &rng, out), 0);
}

static void test_schedule_stream_limit(void)
{
  HdfsDn dns[12];
  cluster(dns, 12);
  SimRng rng;
  sim_rng_init_indexed(&rng, 9, "test", 0);
  /* 40 blocks, each with two replicas on nodes 10 and 14. With
   * max_streams = 2 the two sources send at most 4 copies, and no target
   * receives more than 2. */
  HdfsNeed needs[40];
  for (guint i = 0; i < 40; i++)
    needs[i] = need(i + 1, 3, 0, 10, 14);
  g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(HdfsTransfer));
  guint s = hdfs_schedule_replication(needs, 40, dns, 12, HDFS_PLACE_RANDOM, 2, 100, &rng, out);
  CU_ASSERT_EQUAL(s, 4);
  CU_ASSERT_EQUAL(out->len, 4);
  guint in[12] = { 0 };
  for (guint i = 0; i < out->len; i++) {
    const HdfsTransfer *t = &g_array_index(out, HdfsTransfer, i);
    CU_ASSERT_TRUE(t->src == 10 || t->src == 14);
    CU_ASSERT_TRUE(t->dst != 10 && t->dst != 14);
    in[t->dst - 10]++;
    /* Lowest block ids first within one priority. */
    CU_ASSERT_TRUE(t->block <= 4);
  }
  for (guint i = 0; i < 12; i++)
    CU_ASSERT_TRUE(in[i] <= 2);
  CU_ASSERT_EQUAL(dns[0].streams_out, 2);
  CU_ASSERT_EQUAL(dns[4].streams_out, 2);
  /* max_blocks caps the round below the stream limit. */
  HdfsDn fresh[12];
  cluster(fresh, 12);
  g_array_set_size(out, 0);
  CU_ASSERT_EQUAL(hdfs_schedule_replication(needs, 40, fresh, 12, HDFS_PLACE_RANDOM, 2, 3, &rng, out), 3);
}

void suite_hdfs(void)
{
  CU_pSuite s = CU_add_suite("hdfs", NULL, NULL);
  CU_add_test(s, "rack-aware placement: writer, another rack, the second's rack", test_rack_aware_new_block);
  CU_add_test(s, "rack-aware placement: dead nodes, one rack, too few nodes, the ok mask", test_rack_aware_fallbacks);
  CU_add_test(s, "re-replication targets keep the rack spread", test_rereplication_targets);
  CU_add_test(s, "random placement: uniform, racks ignored", test_random_policy);
  CU_add_test(s, "excess replica: from a rack with two", test_excess);
  CU_add_test(s, "replication queue priorities", test_priority);
  CU_add_test(s, "scheduling: priority order, pending copies, a source at its limit", test_schedule_order_and_limits);
  CU_add_test(s, "scheduling: max_streams per source and target, max_blocks", test_schedule_stream_limit);
}
