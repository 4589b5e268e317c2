/* ZooKeeper recipes (models/zk/zk_queue.c, zk_lock.c, zk_election.c): the
 * queue's decision on hand-built getChildren answers, then the recipes on
 * a zk.server ensemble through scenario_run — under each network fault
 * (scenarios/zk_recipe_faults.lua), the GC pause with and without the
 * czxid fencing token, the herd effect, and the election's two leaders
 * under a pause. */
#include "models/zk/zk_queue.h"
#include "sim/lua/scenario.h"
#include "tests/scenario_util.h"
#include <CUnit/CUnit.h>

static ZkResult children(int64_t n, int64_t first, int64_t pred)
{
  return (ZkResult) { .err = ZK_OK, .nchildren = n, .first = first, .pred = pred };
}

static void test_decide(void)
{
  int64_t watch = -1;
  ZkResult r = children(3, 4, 0);
  /* Mine is the smallest: the lock is held (either recipe). */
  CU_ASSERT_EQUAL(zk_queue_decide(4, &r, ZK_QUEUE_PREDECESSOR, &watch), ZK_QUEUE_STEP_FIRST);
  CU_ASSERT_EQUAL(zk_queue_decide(4, &r, ZK_QUEUE_HERD, &watch), ZK_QUEUE_STEP_FIRST);
  CU_ASSERT_EQUAL(watch, -1);
  /* Children 4, 6, 9, mine 9: watch the next lowest, 6, not the first. */
  r = children(3, 4, 6);
  CU_ASSERT_EQUAL(zk_queue_decide(9, &r, ZK_QUEUE_PREDECESSOR, &watch), ZK_QUEUE_STEP_WATCH);
  CU_ASSERT_EQUAL(watch, 6);
  /* The herd recipe waits for any change instead. */
  watch = -1;
  CU_ASSERT_EQUAL(zk_queue_decide(9, &r, ZK_QUEUE_HERD, &watch), ZK_QUEUE_STEP_WAIT);
  CU_ASSERT_EQUAL(watch, -1);
  /* Nothing smaller than mine, yet mine is not first: mine is gone. */
  r = children(2, 10, 0);
  CU_ASSERT_EQUAL(zk_queue_decide(9, &r, ZK_QUEUE_PREDECESSOR, &watch), ZK_QUEUE_STEP_GONE);
  r = children(0, 0, 0);
  CU_ASSERT_EQUAL(zk_queue_decide(9, &r, ZK_QUEUE_HERD, &watch), ZK_QUEUE_STEP_GONE);
  /* A smaller child but a count of one: the one child is not mine. */
  r = children(1, 3, 3);
  CU_ASSERT_EQUAL(zk_queue_decide(9, &r, ZK_QUEUE_PREDECESSOR, &watch), ZK_QUEUE_STEP_GONE);
  /* Errors: an expired session or a missing directory is gone, another
   * error is read again. */
  r = children(3, 9, 0);
  r.err = ZK_SESSIONEXPIRED;
  CU_ASSERT_EQUAL(zk_queue_decide(9, &r, ZK_QUEUE_PREDECESSOR, &watch), ZK_QUEUE_STEP_GONE);
  r.err = ZK_NONODE;
  CU_ASSERT_EQUAL(zk_queue_decide(9, &r, ZK_QUEUE_PREDECESSOR, &watch), ZK_QUEUE_STEP_GONE);
  r.err = ZK_BADVERSION;
  CU_ASSERT_EQUAL(zk_queue_decide(9, &r, ZK_QUEUE_PREDECESSOR, &watch), ZK_QUEUE_STEP_REREAD);
}

/* Runs `path` at `seed` with `key`=`value` (both may be NULL). */
static Scenario *run(const char *path, uint64_t seed, const char *key, const char *value)
{
  const char *set[] = { key, value };
  return test_scenario_run(path, seed, set, key ? 1 : 0);
}


static void test_network_faults(void)
{
  const char *faults[] = { "none", "loss", "dup", "reorder", "delay", "all", "partition" };
  for (guint f = 0; f < G_N_ELEMENTS(faults); f++)
    for (uint64_t seed = 1; seed <= 2; seed++) {
      g_autoptr(Scenario) sc = run("scenarios/zk_recipe_faults.lua", seed, "fault", faults[f]);
      CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
      guint64 me = sim_violations(sc->sim, "mutual_exclusion"), rs = sim_violations(sc->sim, "resource_safety"),
              sl = sim_violations(sc->sim, "single_leader");
      double acq = test_scenario_metric(sc, "acquisitions"), terms = test_scenario_metric(sc, "leader_terms");
      if (me || rs || sl || acq < 5 || terms < 5)
        fprintf(stderr, "\nzk_recipe_faults fault=%s seed %" G_GUINT64_FORMAT ": mutual_exclusion %" G_GUINT64_FORMAT
                " resource_safety %" G_GUINT64_FORMAT " single_leader %" G_GUINT64_FORMAT
                " acquisitions %g leader_terms %g\n", faults[f], seed, me, rs, sl, acq, terms);
      CU_ASSERT_EQUAL(me, 0);
      CU_ASSERT_EQUAL(rs, 0);
      CU_ASSERT_EQUAL(sl, 0);
      CU_ASSERT_TRUE(acq >= 5);
      CU_ASSERT_TRUE(terms >= 5);
    }
}

/* The pause: two holders either way; the stale write lands without
 * fencing and is rejected with it. */
static void test_gc_pause(void)
{
  for (uint64_t seed = 1; seed <= 3; seed++) {
    g_autoptr(Scenario) plain = run("scenarios/zk_lock_gc_pause.lua", seed, NULL, NULL);
    g_autoptr(Scenario) fenced = run("scenarios/zk_lock_gc_pause.lua", seed, "model", "lock.zk.fenced");
    CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fenced);
    CU_ASSERT_TRUE(sim_violations(plain->sim, "mutual_exclusion") >= 1);
    CU_ASSERT_TRUE(test_scenario_metric(plain, "unsafe_writes") >= 1);
    CU_ASSERT_TRUE(sim_violations(fenced->sim, "mutual_exclusion") >= 1);
    CU_ASSERT_EQUAL(test_scenario_metric(fenced, "unsafe_writes"), 0);
    CU_ASSERT_EQUAL(test_scenario_metric(fenced, "stale_token_rejections"), 1);
  }
}

static void test_herd(void)
{
  g_autoptr(Scenario) sc = run("scenarios/zk_herd.lua", 1, NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  CU_ASSERT_TRUE(test_scenario_metric(sc, "herd_growth") >= 2);
  CU_ASSERT_TRUE(test_scenario_metric(sc, "zk_growth") > 0 && test_scenario_metric(sc, "zk_growth") <= 1.3);
  CU_ASSERT_TRUE(test_scenario_metric(sc, "msgs_per_acquisition_herd_large") > test_scenario_metric(sc, "msgs_per_acquisition_zk_large"));
}

static void test_election(void)
{
  for (uint64_t seed = 1; seed <= 2; seed++) {
    g_autoptr(Scenario) crash = run("scenarios/zk_election.lua", seed, NULL, NULL);
    g_autoptr(Scenario) pause = run("scenarios/zk_election.lua", seed, "fault", "pause");
    CU_ASSERT_PTR_NOT_NULL_FATAL(crash);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pause);
    CU_ASSERT_EQUAL(sim_violations(crash->sim, "single_leader"), 0);
    CU_ASSERT_EQUAL(test_scenario_metric(crash, "leader_terms"), 2);
    CU_ASSERT_TRUE(sim_violations(pause->sim, "single_leader") >= 1);
  }
}

void suite_zk_recipes(void)
{
  CU_pSuite s = CU_add_suite("zk_recipes", NULL, NULL);
  CU_add_test(s, "queue: first, predecessor, herd wait, gone, errors", test_decide);
  CU_add_test(s, "lock.zk.fenced and zk.election under each network fault", test_network_faults);
  CU_add_test(s, "GC pause: two holders; czxid fencing rejects the stale write", test_gc_pause);
  CU_add_test(s, "herd effect: naive recipe grows with contenders, predecessor recipe flat", test_herd);
  CU_add_test(s, "election: one leader after a crash, two under a pause", test_election);
}
