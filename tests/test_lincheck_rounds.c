/* The linearizability search's scheduling and bounds: keys searched in
 * rounds so that a hard first key cannot hide a violation on another (the
 * shape of Porcupine's c50-bad test, regenerated in
 * tests/data/lincheck/kv_hard_first.edn), a step budget shared by all keys,
 * a memory cap ending the search with "unknown", the search memory kept
 * until the result is cleared (so a verdict is printed before the bulk
 * free), `faultsim lincheck --help` and usage errors, and kv.abd's
 * in-simulation check of an open-loop history (several operations pending
 * per client). */
#include "sim/check/history_gen.h"
#include "sim/check/history_read.h"
#include "sim/check/lincheck.h"
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include "tests/spawn.h"
#include <CUnit/CUnit.h>
#include <glib/gstdio.h>
#include <string.h>

#define HARD_FIRST_PATH "tests/data/lincheck/kv_hard_first.edn"

/* The generator's arguments for kv_hard_first.edn: seed 1, 10 keys of 5
 * clients each, 800 ops on the hard key 0, 50 on each other key, key 5
 * corrupted. */
static GPtrArray *hard_first_ops(void)
{
  GPtrArray *ops = g_ptr_array_new_with_free_func((GDestroyNotify) history_op_free);
  history_gen_kv_hard_first(1, 10, 5, 800, 50, 5, ops);
  return ops;
}

/* Only the ops of key `k` (borrowed from `ops`). */
static GPtrArray *ops_of_key(GPtrArray *ops, gint64 k)
{
  GPtrArray *out = g_ptr_array_new();
  for (guint i = 0; i < ops->len; i++) {
    HistoryOp *op = g_ptr_array_index(ops, i);
    if (op->key && op->key->i == k)
      g_ptr_array_add(out, op);
  }
  return out;
}

static void test_hard_first_key(void)
{
  /* The committed file is what the generator makes (so its shape is
   * documented by code). FAULTSIM_WRITE_TESTDATA=1 rewrites it and fails. */
  g_autoptr(GPtrArray) ops = hard_first_ops();
  g_autofree char *edn = history_gen_to_edn(ops);
  if (g_getenv("FAULTSIM_WRITE_TESTDATA")) {
    CU_ASSERT_TRUE(g_file_set_contents(HARD_FIRST_PATH, edn, -1, NULL));
    CU_FAIL("rewrote " HARD_FIRST_PATH "; run again without FAULTSIM_WRITE_TESTDATA");
  }
  g_autofree char *file = NULL;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(HARD_FIRST_PATH, &file, NULL, NULL));
  CU_ASSERT_STRING_EQUAL(file, edn);

  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) read = history_read_file(HARD_FIRST_PATH, HISTORY_FORMAT_AUTO, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(read);
  const HistoryOp *first = g_ptr_array_index(read, 0);
  CU_ASSERT_EQUAL(first->key->i, 0);   /* the hard key comes first */
  const LincheckModel *reg = lincheck_model_lookup("register");
  /* Key 0 alone is not decided within 2M steps... */
  g_autoptr(GPtrArray) key0 = ops_of_key(read, 0);
  LincheckLimits limits = { 2000000, 0, 0 };
  LincheckResult r;
  CU_ASSERT_TRUE_FATAL(lincheck_check(reg, key0, &limits, &r, NULL));
  CU_ASSERT_EQUAL(r.verdict, LINCHECK_UNKNOWN);
  CU_ASSERT_EQUAL(r.steps, 2000000);
  lincheck_result_clear(&r);
  /* ...but with every key, key 5's violation is found in the first rounds,
   * long before the budget: keys are not checked one after another. */
  CU_ASSERT_TRUE_FATAL(lincheck_check(reg, read, &limits, &r, NULL));
  CU_ASSERT_EQUAL(r.verdict, LINCHECK_VIOLATION);
  CU_ASSERT_STRING_EQUAL(r.key ? r.key : "", "5");
  CU_ASSERT_EQUAL(r.n_keys, 10);
  CU_ASSERT(r.steps < 20000);
  guint64 steps = r.steps;
  lincheck_result_clear(&r);
  /* Deterministic: the same steps every time. */
  CU_ASSERT_TRUE_FATAL(lincheck_check(reg, read, &limits, &r, NULL));
  CU_ASSERT_EQUAL(r.steps, steps);
  lincheck_result_clear(&r);
  /* The CLI says so with exit 1. */
  SpawnResult s = spawn_faultsim((const char *[]) { "lincheck", "--model", "register", "--max-steps", "2000000",
                                                     HARD_FIRST_PATH, NULL });
  CU_ASSERT_EQUAL(s.status, 1);
  CU_ASSERT_TRUE(g_str_has_prefix(s.out, "not linearizable") && strstr(s.out, "key: 5\n"));
  spawn_result_clear(&s);
}

static void test_rounds_budget(void)
{
  /* Without the corrupted key, nothing is decided within the budget: the
   * step budget is shared (the steps taken are exactly the budget) and the
   * undecided keys are counted. */
  g_autoptr(GPtrArray) ops = hard_first_ops();
  g_autoptr(GPtrArray) no_bad = g_ptr_array_new();
  for (guint i = 0; i < ops->len; i++) {
    HistoryOp *op = g_ptr_array_index(ops, i);
    if (op->key->i != 5)
      g_ptr_array_add(no_bad, op);
  }
  const LincheckModel *reg = lincheck_model_lookup("register");
  LincheckLimits limits = { 300000, 0, 0 };
  LincheckResult r;
  CU_ASSERT_TRUE_FATAL(lincheck_check(reg, no_bad, &limits, &r, NULL));
  CU_ASSERT_EQUAL(r.verdict, LINCHECK_UNKNOWN);
  CU_ASSERT_EQUAL(r.steps, 300000);
  CU_ASSERT_EQUAL(r.n_keys, 9);
  CU_ASSERT_EQUAL(r.n_undecided, 1);   /* the easy keys were decided in early rounds */
  g_autofree char *text = lincheck_result_format(&r);
  CU_ASSERT_STRING_EQUAL(text, "unknown: step budget of 300000 exhausted after 300000 steps "
                               "(1200 operations, 1 of 9 keys undecided)\n");
  /* The undecided search's memory is kept until the result is cleared:
   * the caller prints first. */
  CU_ASSERT_PTR_NOT_NULL(r.leftover);
  lincheck_result_clear(&r);
  CU_ASSERT_PTR_NULL(r.leftover);
}

static void test_memory_cap(void)
{
  g_autoptr(GPtrArray) ops = hard_first_ops();
  g_autoptr(GPtrArray) key0 = ops_of_key(ops, 0);
  const LincheckModel *reg = lincheck_model_lookup("register");
  LincheckLimits limits = { 0, 0, 4u << 20 };
  LincheckResult r;
  CU_ASSERT_TRUE_FATAL(lincheck_check(reg, key0, &limits, &r, NULL));
  CU_ASSERT_EQUAL(r.verdict, LINCHECK_UNKNOWN);
  CU_ASSERT_STRING_EQUAL(r.reason ? r.reason : "", "memory cap of 4 MiB reached");
  CU_ASSERT(r.peak_memory > (4u << 20) && r.peak_memory < (6u << 20));
  guint64 steps = r.steps;
  CU_ASSERT(steps > 10000);
  lincheck_result_clear(&r);
  /* Counted, not measured: the same cap stops at the same step. */
  CU_ASSERT_TRUE_FATAL(lincheck_check(reg, key0, &limits, &r, NULL));
  CU_ASSERT_EQUAL(r.steps, steps);
  lincheck_result_clear(&r);
  /* The CLI: exit 3 and the reason; a bad size is a usage error. */
  SpawnResult s = spawn_faultsim((const char *[]) { "lincheck", "--model", "register", "--max-memory", "4M",
                                                     "--max-steps", "200000", HARD_FIRST_PATH, NULL });
  CU_ASSERT_EQUAL(s.status, 1);   /* key 5 is found before the cap or the budget */
  spawn_result_clear(&s);
  g_autofree char *tmp = NULL;
  int fd = g_file_open_tmp("lincheck-key0-XXXXXX.edn", &tmp, NULL);
  CU_ASSERT_TRUE_FATAL(fd >= 0);
  close(fd);
  g_autofree char *edn = history_gen_to_edn(key0);
  CU_ASSERT_TRUE(g_file_set_contents(tmp, edn, -1, NULL));
  s = spawn_faultsim((const char *[]) { "lincheck", "--model", "register", "--max-memory", "4MiB", tmp, NULL });
  CU_ASSERT_EQUAL(s.status, 3);
  CU_ASSERT_TRUE(g_str_has_prefix(s.out, "unknown: memory cap of 4 MiB reached"));
  spawn_result_clear(&s);
  const char *bad_sizes[] = { "0", "4X", "-1", "M", "99999999999G" };
  for (guint k = 0; k < G_N_ELEMENTS(bad_sizes); k++) {
    s = spawn_faultsim((const char *[]) { "lincheck", "--model", "register", "--max-memory", bad_sizes[k], tmp, NULL });
    CU_ASSERT_EQUAL(s.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.err, "--max-memory"));
    spawn_result_clear(&s);
  }
  g_unlink(tmp);
  CU_ASSERT(lincheck_default_max_memory() >= (64u << 20));
}

static void test_cli_help(void)
{
  SpawnResult s = spawn_faultsim((const char *[]) { "lincheck", "--help", NULL });
  CU_ASSERT_EQUAL(s.status, 0);
  const char *want[] = { "linearizable", "--max-memory", "json", "edn", "jepsen-log", "{:process 1, :type :invoke",
                         "INFO  jepsen.util - 1", "register", "cas-register", "kv", "mutex", "set",
                         "Exit status", "  3  undecided", "Examples", "op id", "one pending" };
  for (guint k = 0; k < G_N_ELEMENTS(want); k++) {
    if (!strstr(s.out, want[k]))
      fprintf(stderr, "\n--help lacks '%s'\n", want[k]);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.out, want[k]));
  }
  spawn_result_clear(&s);
  /* Without --model: say that it is missing, and which models exist. */
  s = spawn_faultsim((const char *[]) { "lincheck", "tests/data/lincheck/cas_ok.log", NULL });
  CU_ASSERT_EQUAL(s.status, 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(s.err, "--model is missing"));
  CU_ASSERT_PTR_NOT_NULL(strstr(s.err, "cas-register"));
  CU_ASSERT_STRING_EQUAL(s.out, "");
  spawn_result_clear(&s);
  s = spawn_faultsim((const char *[]) { "lincheck", "--model", "register", NULL });
  CU_ASSERT_EQUAL(s.status, 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(s.err, "no history FILE"));
  spawn_result_clear(&s);
}

/* kv.abd under an open-loop workload: clients have several operations
 * pending at once. The history used to be refused ("history not
 * checkable", counted as a violation of `linearizable`); now it is checked
 * (abd_lincheck 1 or 0), the op ids pairing the operations. */
static void test_abd_open_loop(void)
{
  guint checked_ok = 0;
  for (guint64 seed = 1; seed <= 3; seed++) {
    ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
    GError *error = NULL;
    g_autoptr(Scenario) sc = scenario_run("tests/data/lincheck/scenarios/abd_open_loop.lua", seed, NULL,
                                          &options, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    double v = -2;
    CU_ASSERT_TRUE(sim_metric_get(sc->sim, "abd_lincheck", &v));
    CU_ASSERT(v == 0 || v == 1);
    checked_ok += v == 1;
    SimInvariant *inv = g_hash_table_lookup(sc->sim->invariants, "linearizable");
    CU_ASSERT_PTR_NOT_NULL_FATAL(inv);
    for (guint i = 0; i < inv->examples->len; i++) {
      const char *msg = g_ptr_array_index(inv->examples, i);
      CU_ASSERT_PTR_NULL(strstr(msg, "not checkable"));
      CU_ASSERT_PTR_NOT_NULL(strstr(msg, "cannot place"));
    }
    CU_ASSERT_EQUAL(inv->count, v == 1 ? 0 : 1);
    /* The workload did overlap a client's operations. */
    const GArray *h = sim_history(sc->sim);
    g_autoptr(GHashTable) pending = g_hash_table_new(g_direct_hash, g_direct_equal);
    guint most = 0;
    for (guint i = 0; i < h->len; i++) {
      const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
      gpointer k = GINT_TO_POINTER(e->process + 1);
      guint n = GPOINTER_TO_UINT(g_hash_table_lookup(pending, k));
      n = e->type == SIM_OP_INVOKE ? n + 1 : n - 1;
      g_hash_table_insert(pending, k, GUINT_TO_POINTER(n));
      most = MAX(most, n);
    }
    CU_ASSERT(most >= 2);
  }
  CU_ASSERT(checked_ok >= 1);
}

void suite_lincheck_rounds(void)
{
  CU_pSuite s = CU_add_suite("lincheck_rounds", NULL, NULL);
  CU_add_test(s, "a hard first key does not hide a violated one", test_hard_first_key);
  CU_add_test(s, "rounds share one step budget; undecided keys counted", test_rounds_budget);
  CU_add_test(s, "--max-memory ends the search with unknown", test_memory_cap);
  CU_add_test(s, "--help, missing --model, missing FILE", test_cli_help);
  CU_add_test(s, "kv.abd open-loop histories are checked, not refused", test_abd_open_loop);
}
