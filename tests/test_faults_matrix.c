/* Every lock and atomic-commit model under each network fault on its own
 * and all together (scenarios/lock_network_faults.lua and
 * txn_network_faults.lua), a few seeds each: the safety invariants hold
 * wherever the protocol promises them, and the fault really happened.
 * What each protocol promises is written here, not read from the
 * scenarios' own expect{}, so a scenario cannot weaken it. */
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>
#include <string.h>

#define SEEDS 3

static const char *const faults[] = { "none", "loss", "dup", "reorder", "delay", "all" };

/* Runs `path` with model/proto and fault for seeds 1..SEEDS and calls
 * `check` on each run. */
static void run_matrix(const char *path, const char *key, const char *model, const char *fault,
                       void (*check)(Scenario *, const char *, const char *))
{
  for (guint64 seed = 1; seed <= SEEDS; seed++) {
    g_autoptr(GHashTable) set = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(set, (gpointer) key, (gpointer) model);
    g_hash_table_insert(set, "fault", (gpointer) fault);
    ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
    GError *error = NULL;
    g_autoptr(Scenario) sc = scenario_run(path, seed, set, &opt, &error);
    if (!sc) {
      fprintf(stderr, "\n%s %s %s: %s\n", path, model, fault, error->message);
      g_error_free(error);
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    const SimStats *st = sim_stats(sc->sim);
    gboolean all = strcmp(fault, "all") == 0;
    if (all || strcmp(fault, "loss") == 0)
      CU_ASSERT(st->dropped > 0);
    if (all || strcmp(fault, "dup") == 0)
      CU_ASSERT(st->duplicated > 0);
    if (strcmp(fault, "none") == 0)
      CU_ASSERT(st->dropped == 0 && st->duplicated == 0);
    check(sc, model, fault);
  }
}

static void report(Scenario *sc, const char *inv, const char *model, const char *fault)
{
  guint64 v = sim_violations(sc->sim, inv);
  if (v)
    fprintf(stderr, "\n  %s under %s, seed %" G_GUINT64_FORMAT ": %s violated %" G_GUINT64_FORMAT " times\n", model, fault,
            sim_seed(sc->sim), inv, v);
  CU_ASSERT_EQUAL(v, 0);
}

/* Leases (and Redlock's validity) end by the client's clock before any
 * server can let the key go, whatever the network does; fencing also
 * keeps late writes out. The naive lock promises nothing. */
static void lock_check(Scenario *sc, const char *model, const char *fault)
{
  if (strcmp(model, "lock.naive") == 0)
    return;
  report(sc, "mutual_exclusion", model, fault);
  if (strcmp(model, "lock.fenced") == 0)
    report(sc, "resource_safety", model, fault);
  double acquired = 0;
  CU_ASSERT_TRUE(sim_metric_get(sc->sim, "acquisitions", &acquired) && acquired >= 1);
}

/* 2PC is safe under any message fault (it blocks instead); 3PC only while
 * messages arrive, and within its timeouts. */
static void txn_check(Scenario *sc, const char *proto, const char *fault)
{
  gboolean promised = strcmp(proto, "2pc") == 0 || strcmp(fault, "none") == 0 || strcmp(fault, "dup") == 0 ||
                      strcmp(fault, "reorder") == 0;
  if (promised) {
    report(sc, "atomicity", proto, fault);
    report(sc, "durability", proto, fault);
  }
  double commits = 0;
  CU_ASSERT_TRUE(sim_metric_get(sc->sim, "txn.commits", &commits) && commits >= 1);
}

static void test_locks(void)
{
  const char *const models[] = { "lock.naive", "lock.lease", "lock.fenced", "lock.redlock" };
  for (guint m = 0; m < G_N_ELEMENTS(models); m++)
    for (guint f = 0; f < G_N_ELEMENTS(faults); f++)
      run_matrix("scenarios/lock_network_faults.lua", "model", models[m], faults[f], lock_check);
}

static void test_txn(void)
{
  const char *const protos[] = { "2pc", "3pc" };
  for (guint m = 0; m < G_N_ELEMENTS(protos); m++)
    for (guint f = 0; f < G_N_ELEMENTS(faults); f++)
      run_matrix("scenarios/txn_network_faults.lua", "proto", protos[m], faults[f], txn_check);
}

void suite_faults_matrix(void)
{
  CU_pSuite s = CU_add_suite("faults_matrix", NULL, NULL);
  CU_add_test(s, "locks under loss, duplication, reordering, delay, all", test_locks);
  CU_add_test(s, "2PC and 3PC under loss, duplication, reordering, delay, all", test_txn);
}
