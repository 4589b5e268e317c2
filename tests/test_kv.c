/* The replicated key-value stores (models/kv/) end to end: ABD histories are
 * linearizable across seeds (checked from the history file), kv.quorum's
 * versions follow real time unless its clock versions meet a skewed clock,
 * R = W = 1 quorums serve stale reads under a partition and R = W = 2 do not,
 * availability under random downtime matches the k-of-N formula, a join or
 * a leave moves ~1/11 of the keys on a ring and ~10/11 with modulo placement
 * (a leave under load, losing no key), and a sloppy quorum keeps writes
 * going while two of a key's three replicas are down, where a strict one
 * cannot. */
#include "sim/kernel/internal.h"
#include "sim/check/lincheck.h"
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static Scenario *run_set(const char *path, guint64 seed, const char *const *set, const char *history)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  options.history_path = (char *) history;
  g_autoptr(GHashTable) overrides = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; set && set[i]; i += 2)
    g_hash_table_insert(overrides, (gpointer) set[i], (gpointer) set[i + 1]);
  GError *error = NULL;
  Scenario *sc = scenario_run(path, seed, overrides, &options, &error);
  if (!sc) {
    fprintf(stderr, "\n%s\n", error->message);
    g_error_free(error);
  }
  return sc;
}

static double metric(Scenario *sc, const char *name)
{
  SimMetric *m = g_hash_table_lookup(sc->sim->metrics, name);
  return m ? m->value : NAN;
}

static gboolean verdict(Scenario *sc)
{
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  return scenario_verdict(sc, failures);
}

/* The real-time check as a model reports it: invariant stale_read and
 * metric PREFIX_stale_reads agree. */
static double stale(Scenario *sc, const char *prefix)
{
  g_autofree char *name = g_strdup_printf("%s_stale_reads", prefix);
  double m = metric(sc, name);
  CU_ASSERT_EQUAL(m, (double) sim_violations(sc->sim, "stale_read"));
  return m;
}

static LincheckVerdict check_ops(GPtrArray *ops)
{
  LincheckResult result = { 0 };
  GError *error = NULL;
  LincheckLimits limits = { 50000000, 0, 0 };
  if (!lincheck_check(lincheck_model_lookup("register"), ops, &limits, &result, &error)) {
    fprintf(stderr, "\n%s\n", error->message);
    g_error_free(error);
    return LINCHECK_UNKNOWN;
  }
  LincheckVerdict v = result.verdict;
  lincheck_result_clear(&result);
  return v;
}

/* Makes the last ok read of a non-nil value return a value nobody wrote. */
static gboolean tamper(GPtrArray *ops)
{
  for (guint i = ops->len; i-- > 0;) {
    HistoryOp *op = g_ptr_array_index(ops, i);
    if (op->type == HISTORY_OK && strcmp(op->f, "read") == 0 && op->value->kind == HISTORY_INT) {
      op->value->i = 987654321;
      return TRUE;
    }
  }
  return FALSE;
}

static void test_abd_linearizable(void)
{
  g_autofree char *dir = g_dir_make_tmp("kv-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "history.jsonl", NULL);
  for (guint64 seed = 1; seed <= 20; seed++) {
    g_autoptr(Scenario) sc = run_set("scenarios/kv_abd.lua", seed, NULL, path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_TRUE(verdict(sc));
    CU_ASSERT_EQUAL(sim_violations(sc->sim, "linearizable"), 0);
    CU_ASSERT_EQUAL(stale(sc, "abd"), 0);
    CU_ASSERT(sim_stats(sc->sim)->ok > 300);
    CU_ASSERT(sim_stats(sc->sim)->dropped > 0); /* the loss was real */
    GError *error = NULL;
    g_autoptr(GPtrArray) ops = history_read_file(path, HISTORY_FORMAT_AUTO, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
    CU_ASSERT_EQUAL(check_ops(ops), LINCHECK_OK);
    /* The check can fail: one read of a value never written breaks it. */
    if (seed <= 3) {
      CU_ASSERT_TRUE_FATAL(tamper(ops));
      CU_ASSERT_EQUAL(check_ops(ops), LINCHECK_VIOLATION);
    }
  }
  g_unlink(path);
  g_rmdir(dir);
}

/* Versions must follow real time (scenarios/kv_realtime.lua: N = 5,
 * R = W = 3, no faults). They did not when each client stamped writes with
 * its own Lamport clock. */
static void test_versions_follow_real_time(void)
{
  static const char *const clock[] = { "versions", "clock", NULL };
  for (guint64 seed = 1; seed <= 5; seed++) {
    g_autoptr(Scenario) read = run_set("scenarios/kv_realtime.lua", seed, NULL, NULL);
    g_autoptr(Scenario) wall = run_set("scenarios/kv_realtime.lua", seed, clock, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(read);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wall);
    CU_ASSERT_EQUAL(stale(read, "kv"), 0);
    CU_ASSERT_EQUAL(stale(wall, "kv"), 0);
    CU_ASSERT(metric(read, "kv_reads_checked") > 1000);
    CU_ASSERT_TRUE(verdict(read));
    CU_ASSERT_TRUE(verdict(wall));
  }
}

/* Coordinator clocks lose writes when one is behind; a read phase does not
 * care (scenarios/kv_clock_skew.lua). */
static void test_clock_skew_loses_writes(void)
{
  static const char *const read[] = { "versions", "read", NULL };
  static const char *const agree[] = { "skew", "0ms", NULL };
  for (guint64 seed = 1; seed <= 5; seed++) {
    g_autoptr(Scenario) skewed = run_set("scenarios/kv_clock_skew.lua", seed, NULL, NULL);
    g_autoptr(Scenario) queried = run_set("scenarios/kv_clock_skew.lua", seed, read, NULL);
    g_autoptr(Scenario) synced = run_set("scenarios/kv_clock_skew.lua", seed, agree, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(skewed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(queried);
    CU_ASSERT_PTR_NOT_NULL_FATAL(synced);
    CU_ASSERT(stale(skewed, "kv") >= 10);
    CU_ASSERT_EQUAL(stale(queried, "kv"), 0);
    CU_ASSERT_EQUAL(stale(synced, "kv"), 0);
    CU_ASSERT_TRUE(verdict(skewed));
    CU_ASSERT_TRUE(verdict(queried));
    CU_ASSERT_TRUE(verdict(synced));
  }
}

static void test_quorum_partition(void)
{
  static const char *const strict[] = { "r", "2", "w", "2", NULL };
  for (guint64 seed = 1; seed <= 5; seed++) {
    g_autoptr(Scenario) weak = run_set("scenarios/kv_partition.lua", seed, NULL, NULL);
    g_autoptr(Scenario) quorum = run_set("scenarios/kv_partition.lua", seed, strict, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(weak);
    CU_ASSERT_PTR_NOT_NULL_FATAL(quorum);
    CU_ASSERT(stale(weak, "kv") >= 10);
    CU_ASSERT(metric(weak, "kv_read_availability") > 0.99);
    CU_ASSERT_EQUAL(stale(quorum, "kv"), 0);
    CU_ASSERT(metric(quorum, "kv_reads_checked") > 100);
    CU_ASSERT(metric(quorum, "kv_read_availability") < 0.9);
    CU_ASSERT(metric(quorum, "kv_write_availability") < 0.9);
    CU_ASSERT_TRUE(verdict(weak));
    CU_ASSERT_TRUE(verdict(quorum));
  }
}

static void test_availability_formula(void)
{
  /* N, R, W, versions: with "read" a write needs max(R, W) replicas (its
   * version query, then its acks), with "clock" W. */
  static const char *const configs[][4] = { { "3", "1", "1", "read" }, { "3", "2", "2", "read" },
                                            { "3", "3", "1", "read" }, { "3", "3", "1", "clock" },
                                            { "5", "3", "3", "read" } };
  const guint seeds = 10;
  for (guint c = 0; c < G_N_ELEMENTS(configs); c++) {
    const char *set[] = { "n", configs[c][0], "r", configs[c][1], "w", configs[c][2], "versions", configs[c][3], NULL };
    for (int f = 0; f < 2; f++) {
      const char *measured = f ? "kv_write_availability" : "kv_read_availability";
      const char *formula = f ? "kv_write_availability_formula" : "kv_read_availability_formula";
      const char *nominal = f ? "kv_write_availability_nominal" : "kv_read_availability_nominal";
      /* Per seed: measured minus the formula at the run's measured down
       * fraction; the mean difference must be within 3 standard errors. */
      double sum = 0, sum2 = 0, asum = 0, nom = NAN;
      for (guint64 seed = 1; seed <= seeds; seed++) {
        g_autoptr(Scenario) sc = run_set("scenarios/kv_availability.lua", seed, set, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        double a = metric(sc, measured), e = metric(sc, formula);
        nom = metric(sc, nominal);
        asum += a;
        sum += a - e;
        sum2 += (a - e) * (a - e);
      }
      double mean = sum / seeds;
      double sd = sqrt(MAX(0.0, (sum2 - seeds * mean * mean) / (seeds - 1)));
      double se = sd / sqrt(seeds);
      CU_ASSERT(se > 0);
      CU_ASSERT(fabs(mean) <= 3 * se);
      CU_ASSERT(fabs(asum / seeds - nom) < 0.03);
    }
  }
}

static void test_join_moves(void)
{
  static const char *const modulo[] = { "ring", "modulo", NULL };
  static const char *const three[] = { "replicas", "3", NULL };
  g_autoptr(Scenario) ring = run_set("scenarios/kv_join.lua", 1, NULL, NULL);
  g_autoptr(Scenario) mod = run_set("scenarios/kv_join.lua", 1, modulo, NULL);
  g_autoptr(Scenario) n3 = run_set("scenarios/kv_join.lua", 2, three, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mod);
  CU_ASSERT_PTR_NOT_NULL_FATAL(n3);
  double k = 11000;
  CU_ASSERT(fabs(metric(ring, "kv_keys_moved") / k - 1.0 / 11) < 0.02);
  CU_ASSERT(fabs(metric(mod, "kv_keys_moved") / k - 10.0 / 11) < 0.03);
  CU_ASSERT(fabs(metric(n3, "kv_keys_moved") / k - 3.0 / 11) < 0.04);
  Scenario *all[] = { ring, mod, n3 };
  for (guint i = 0; i < 3; i++) {
    CU_ASSERT_EQUAL(metric(all[i], "kv_divergent_keys"), 0);
    CU_ASSERT_EQUAL(metric(all[i], "kv_keys"), k);
    CU_ASSERT(metric(all[i], "kv_handoff_ms") > 0 && metric(all[i], "kv_handoff_ms") < 1000);
    CU_ASSERT_TRUE(verdict(all[i]));
  }
}

/* The membership checks every leave run must pass: all of the remaining 10
 * servers hold every key they should, nothing diverges, and the clients'
 * reads and writes all succeeded through the leave. */
static void check_leave_run(Scenario *sc, double share, double tolerance)
{
  const double k = 11000;
  double moved = metric(sc, "kv_keys_moved");
  if (fabs(moved / k - share) >= tolerance)
    fprintf(stderr, "\nkv_leave: moved %g of %g keys, expected a share of %g\n", moved, k, share);
  CU_ASSERT(fabs(moved / k - share) < tolerance);
  CU_ASSERT_EQUAL(metric(sc, "kv_members"), 10);
  CU_ASSERT_EQUAL(metric(sc, "kv_divergent_keys"), 0);
  CU_ASSERT_EQUAL(metric(sc, "kv_under_replicated_keys"), 0);
  CU_ASSERT_EQUAL(metric(sc, "kv_lost_keys"), 0);
  CU_ASSERT(metric(sc, "kv_keys") >= k);
  CU_ASSERT_EQUAL(metric(sc, "kv_read_availability"), 1);
  CU_ASSERT_EQUAL(metric(sc, "kv_write_availability"), 1);
  CU_ASSERT(metric(sc, "kv_read_ok") > 50 && metric(sc, "kv_write_ok") > 50);
  CU_ASSERT_EQUAL(stale(sc, "kv"), 0);
  CU_ASSERT(metric(sc, "kv_handoff_ms") > 0 && metric(sc, "kv_handoff_ms") < 1000);
  CU_ASSERT_TRUE(verdict(sc));
}

static void test_leave_moves(void)
{
  static const char *const rings[] = { "vnodes", "ketama", "jump", "rendezvous" };
  for (guint r = 0; r < G_N_ELEMENTS(rings); r++)
    for (guint64 seed = 1; seed <= 2; seed++) {
      const char *set[] = { "ring", rings[r], NULL };
      g_autoptr(Scenario) sc = run_set("scenarios/kv_leave.lua", seed + r, set, NULL);
      CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
      check_leave_run(sc, 1.0 / 11, 0.02);
    }
  static const char *const modulo[] = { "ring", "modulo", NULL };
  static const char *const three[] = { "replicas", "3", NULL };
  static const char *const middle[] = { "leave", "s6", NULL };
  for (guint64 seed = 1; seed <= 2; seed++) {
    g_autoptr(Scenario) mod = run_set("scenarios/kv_leave.lua", seed, modulo, NULL);
    g_autoptr(Scenario) n3 = run_set("scenarios/kv_leave.lua", seed + 2, three, NULL);
    g_autoptr(Scenario) mid = run_set("scenarios/kv_leave.lua", seed + 4, middle, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mod);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mid);
    check_leave_run(mod, 10.0 / 11, 0.03);
    check_leave_run(n3, 3.0 / 11, 0.04);
    check_leave_run(mid, 1.0 / 11, 0.02);
  }
}

static void test_sloppy_quorum(void)
{
  static const char *const sloppy[] = { "sloppy", "true", NULL };
  for (guint64 seed = 1; seed <= 5; seed++) {
    g_autoptr(Scenario) strict = run_set("scenarios/kv_sloppy.lua", seed, NULL, NULL);
    g_autoptr(Scenario) hinted = run_set("scenarios/kv_sloppy.lua", seed, sloppy, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(strict);
    CU_ASSERT_PTR_NOT_NULL_FATAL(hinted);
    /* Strict: with two of three replicas down, W = 2 is out of reach. */
    CU_ASSERT(metric(strict, "kv_outage_writes") > 50);
    CU_ASSERT_EQUAL(metric(strict, "kv_outage_write_availability"), 0);
    CU_ASSERT_EQUAL(metric(strict, "kv_hinted_writes"), 0); /* reported, not missing */
    CU_ASSERT_EQUAL(metric(strict, "kv_sloppy_fallbacks"), 0);
    CU_ASSERT(metric(strict, "kv_read_availability") > 0.99);
    /* Sloppy: fallbacks take the writes as hints and deliver them later. */
    CU_ASSERT(metric(hinted, "kv_outage_writes") > 50);
    CU_ASSERT_EQUAL(metric(hinted, "kv_outage_write_availability"), 1);
    CU_ASSERT_EQUAL(metric(hinted, "kv_write_availability"), 1);
    CU_ASSERT(metric(hinted, "kv_hinted_writes") >= metric(hinted, "kv_outage_writes"));
    CU_ASSERT(metric(hinted, "kv_hints_delivered") >= 2); /* one per crashed replica */
    CU_ASSERT_EQUAL(metric(hinted, "kv_hints_pending"), 0);
    CU_ASSERT_EQUAL(metric(hinted, "kv_divergent_keys"), 0);
    CU_ASSERT_EQUAL(metric(hinted, "kv_under_replicated_keys"), 0);
    CU_ASSERT_TRUE(verdict(strict));
    CU_ASSERT_TRUE(verdict(hinted));
  }
}

void suite_kv(void)
{
  CU_pSuite s = CU_add_suite("kv", NULL, NULL);
  CU_add_test(s, "abd histories are linearizable (20 seeds)", test_abd_linearizable);
  CU_add_test(s, "quorum: versions follow real time (N=5, R=W=3, no faults)", test_versions_follow_real_time);
  CU_add_test(s, "quorum: a clock behind loses writes with clock versions only", test_clock_skew_loses_writes);
  CU_add_test(s, "quorum: stale reads with R=W=1, none with R=W=2", test_quorum_partition);
  CU_add_test(s, "availability matches the k-of-N formula", test_availability_formula);
  CU_add_test(s, "join moves 1/11 (ring) or 10/11 (modulo) of keys", test_join_moves);
  CU_add_test(s, "leave moves 1/11 (ring) or 10/11 (modulo) of keys, loses none", test_leave_moves);
  CU_add_test(s, "sloppy quorum: writes survive two replicas down, hints delivered", test_sloppy_quorum);
}
