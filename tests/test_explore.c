/* Explore mode: the fault coverage counts on a fixture whose phases are
 * known (checked against the faults the trace shows), the same run with
 * --explore every time, and the grouping of failures by invariant and
 * message shape on hand-made outcomes. (The command and the known results:
 * tests/sh/t_explore.sh.) */
#include "sim/cli/explore_tally.h"
#include "sim/lua/explore.h"
#include <CUnit/CUnit.h>
#include <glib/gstdio.h>
#include <string.h>

#define FIXTURE "tests/data/explore/phases.lua"

/* Runs the fixture at `seed` in explore mode, writing its trace to `trace`. */
static Scenario *run_fixture(guint64 seed, const char *trace)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  options.explore = TRUE;
  options.trace_path = (char *) trace;
  GError *error = NULL;
  Scenario *sc = scenario_run(FIXTURE, seed, NULL, &options, &error);
  if (!sc) {
    fprintf(stderr, "\n%s\n", error->message);
    g_error_free(error);
  }
  return sc;
}

static gboolean trace_has(const char *text, const char *needle)
{
  return strstr(text, needle) != NULL;
}

static void test_coverage_counts(void)
{
  g_autofree char *dir = g_dir_make_tmp("faultsim-explore-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename(dir, "t.jsonl", NULL);
  g_autoptr(ExploreTally) tally = explore_tally_new();
  guint paused_x = 0, paused_y = 0, parted = 0, calm = 0, saw_a = 0;
  const guint runs = 200;
  for (guint64 seed = 1; seed <= runs; seed++) {
    g_autoptr(Scenario) sc = run_fixture(seed, trace);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    ExploreOutcome out;
    explore_outcome_fill(&out, seed, sc, NULL);
    CU_ASSERT_EQUAL(out.status, EXPLORE_HELD);
    for (guint i = 0; i < out.cells->len; i++) {
      const ExploreCell *c = out.cells->pdata[i];
      saw_a += !c->faulted && strcmp(c->phase, "a") == 0;
    }
    explore_tally_add(tally, &out);
    /* What the trace says the run injected, counted independently. */
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(trace, &text, NULL, NULL));
    gboolean px = trace_has(text, "\"kind\":\"pause\",\"node\":\"x1\"") || trace_has(text, "\"kind\":\"pause\",\"node\":\"x2\"");
    gboolean py = trace_has(text, "\"kind\":\"pause\",\"node\":\"y\"");
    gboolean pp = trace_has(text, "\"kind\":\"partition\"");
    paused_x += px;
    paused_y += py;
    parted += pp;
    calm += !px && !py && !pp;
    CU_ASSERT_EQUAL(out.injected == 0, !px && !py && !pp);
    explore_outcome_clear(&out);
  }
  g_unlink(trace);
  g_rmdir(dir);
  CU_ASSERT_EQUAL(explore_tally_runs(tally), runs);
  CU_ASSERT_EQUAL(explore_tally_coverage(tally, "fixture.stepper", "b", "pause"), paused_x);
  CU_ASSERT_EQUAL(explore_tally_coverage(tally, "fixture.steady", "c", "pause"), paused_y);
  CU_ASSERT_EQUAL(explore_tally_coverage(tally, "fixture.stepper", "b", "partition"), parted);
  CU_ASSERT_EQUAL(explore_tally_coverage(tally, "fixture.steady", "c", "partition"), parted);
  /* Faults only between 2 and 2.5 s: never in "a" or before any event. */
  for (int k = 0; explore_fault_kinds[k]; k++) {
    CU_ASSERT_EQUAL(explore_tally_coverage(tally, "fixture.stepper", "a", explore_fault_kinds[k]), 0);
    CU_ASSERT_EQUAL(explore_tally_coverage(tally, "fixture.stepper", "-", explore_fault_kinds[k]), 0);
    CU_ASSERT_EQUAL(explore_tally_coverage(tally, "fixture.steady", "-", explore_fault_kinds[k]), 0);
  }
  /* A swarm: some runs calm, some with each fault. */
  CU_ASSERT(calm > 0 && calm < runs);
  CU_ASSERT(paused_x > 0 && paused_y > 0 && parted > 0);
  /* The phase "a" was seen (a row of zeros in the table) in every run. */
  CU_ASSERT_EQUAL(saw_a, runs);
}

/* The same seed gives the same run in explore mode; without --explore the
 * swarm adds nothing: the digest is that of a run with no explore{}. */
static void test_explore_deterministic(void)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  options.explore = TRUE;
  g_autoptr(Scenario) a = scenario_run(FIXTURE, 7, NULL, &options, NULL);
  g_autoptr(Scenario) b = scenario_run(FIXTURE, 7, NULL, &options, NULL);
  options.explore = FALSE;
  g_autoptr(Scenario) plain = scenario_run(FIXTURE, 7, NULL, &options, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
  g_autofree char *da = sim_trace_digest(a->sim), *db = sim_trace_digest(b->sim), *dp = sim_trace_digest(plain->sim);
  CU_ASSERT_STRING_EQUAL(da, db);
  CU_ASSERT_EQUAL(explore_run_injected(a), explore_run_injected(b));
  CU_ASSERT_EQUAL(explore_run_injected(plain), 0);
  g_autoptr(GPtrArray) cells = explore_run_cells(plain);
  CU_ASSERT_EQUAL(cells->len, 0);
  if (explore_run_injected(a))
    CU_ASSERT_STRING_NOT_EQUAL(da, dp);
}

static void test_shape(void)
{
  g_autofree char *a = explore_shape("t=1.500000s: txn 64: p2 decided commit at t=0.483582s");
  CU_ASSERT_STRING_EQUAL(a, "txn #: p# decided commit at t=#s");
  g_autofree char *b = explore_shape("x 1.2.3 y");
  CU_ASSERT_STRING_EQUAL(b, "x # y");
  g_autofree char *c = explore_shape("no numbers. here");
  CU_ASSERT_STRING_EQUAL(c, "no numbers. here");
}

static void outcome(ExploreOutcome *o, guint64 seed, ExploreStatus status, const char *inv, const char *msg)
{
  memset(o, 0, sizeof *o);
  o->seed = seed;
  o->status = status;
  o->invariant = g_strdup(inv);
  o->message = g_strdup(msg);
  o->shape = msg ? explore_shape(msg) : NULL;
  o->cells = g_ptr_array_new();
}

static void test_grouping(void)
{
  g_autoptr(ExploreTally) t = explore_tally_new();
  ExploreOutcome o;
  outcome(&o, 1, EXPLORE_HELD, NULL, NULL);
  explore_tally_add(t, &o);
  explore_outcome_clear(&o);
  outcome(&o, 3, EXPLORE_VIOLATED, "atomicity", "t=2.1s: txn 4: p1 committed, p2 aborted");
  explore_tally_add(t, &o);
  explore_outcome_clear(&o);
  outcome(&o, 5, EXPLORE_VIOLATED, "durability", "t=2.1s: txn 4: p1 committed, p2 aborted");
  explore_tally_add(t, &o);
  explore_outcome_clear(&o);
  outcome(&o, 7, EXPLORE_VIOLATED, "atomicity", "t=0.3s: txn 81: p3 committed, p1 aborted");
  explore_tally_add(t, &o);
  explore_outcome_clear(&o);
  outcome(&o, 9, EXPLORE_ERROR, "error", "x.lua:3: memory limit of 1 MiB exceeded");
  explore_tally_add(t, &o);
  explore_outcome_clear(&o);
  CU_ASSERT_EQUAL(explore_tally_runs(t), 5);
  CU_ASSERT_EQUAL(explore_tally_violated(t), 3);
  CU_ASSERT_EQUAL(explore_tally_errors(t), 1);
  CU_ASSERT_EQUAL(explore_tally_unique(t), 3);
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  explore_tally_print_failures(t, "faultsim", "s.lua", f);
  fclose(f);
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "failure 1 of 3: atomicity, in 2 runs (seeds 3, 7)\n"
                                      "  first: t=2.1s: txn 4: p1 committed, p2 aborted\n"
                                      "  reproduce: faultsim run s.lua --explore --seed 3\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "failure 2 of 3: durability, in 1 run (seed 5)\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "error 3 of 3: the run could not finish, in 1 run (seed 9)\n"));
  free(text);
}

void suite_explore(void)
{
  CU_pSuite s = CU_add_suite("explore", NULL, NULL);
  CU_add_test(s, "coverage counts on a fixture match the faults in the trace", test_coverage_counts);
  CU_add_test(s, "explore mode: same seed, same run; off: nothing added", test_explore_deterministic);
  CU_add_test(s, "failure shapes: numbers made #, time left out", test_shape);
  CU_add_test(s, "failures grouped by invariant and shape, errors apart", test_grouping);
}
