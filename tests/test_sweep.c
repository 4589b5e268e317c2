/* The sweep's pure parts: --param lists and ranges, the cross product and
 * shards, the statistics on known inputs, run records through JSON, and
 * the summary's CSV. (The command itself: tests/sh/t_sweep*.sh.) */
#include "sim/cli/sweep_params.h"
#include "sim/cli/sweep_record.h"
#include "sim/cli/sweep_stats.h"
#include "sim/cli/sweep_summary.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <string.h>

/* The axis's values joined by ' ', or the error message. */
static char *axis_text(const char *spec)
{
  GError *error = NULL;
  SweepAxis *axis = sweep_axis_parse(spec, &error);
  if (!axis) {
    char *msg = g_strdup_printf("ERROR %s", error->message);
    g_error_free(error);
    return msg;
  }
  g_autoptr(GString) s = g_string_new(axis->name);
  g_string_append_c(s, ':');
  for (guint i = 0; i < axis->values->len; i++)
    g_string_append_printf(s, " %s", (char *) axis->values->pdata[i]);
  sweep_axis_free(axis);
  return g_string_free(g_steal_pointer(&s), FALSE);
}

static void expect_axis(const char *spec, const char *want)
{
  g_autofree char *got = axis_text(spec);
  if (strcmp(got, want) != 0)
    fprintf(stderr, "\n  %s: got '%s', want '%s'\n", spec, got, want);
  CU_ASSERT_STRING_EQUAL(got, want);
}

static void expect_axis_error(const char *spec, const char *needle)
{
  g_autofree char *got = axis_text(spec);
  CU_ASSERT_TRUE(g_str_has_prefix(got, "ERROR"));
  if (!strstr(got, needle))
    fprintf(stderr, "\n  %s: got '%s', want '%s' in it\n", spec, got, needle);
  CU_ASSERT_PTR_NOT_NULL(strstr(got, needle));
}

static void test_param_lists_and_ranges(void)
{
  expect_axis("a=1,2,3", "a: 1 2 3");
  expect_axis("mode=none,exp:10ms", "mode: none exp:10ms");         /* not a range: a list */
  expect_axis("backoff=exp:10ms:2", "backoff: exp:10ms:2");          /* not numbers: one value */
  expect_axis("rate=10:50:10", "rate: 10 20 30 40 50");
  expect_axis("rate=10:55:10", "rate: 10 20 30 40 50");              /* never past STOP */
  expect_axis("p=0:1:0.1", "p: 0 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1"); /* rounding: reaches 1, prints 0.3 */
  expect_axis("p=1:0:-0.25", "p: 1 0.75 0.5 0.25 0");
  expect_axis("x=5:5:1", "x: 5");
  expect_axis("n=log:1:1000:10", "n: 1 10 100 1000");
  expect_axis("n=log:1:20:2", "n: 1 2 4 8 16");
  expect_axis("n=log:0.001:1:10", "n: 0.001 0.01 0.1 1");
  expect_axis("n=log:100:1:0.1", "n: 100 10 1");
  expect_axis_error("=1,2", "expected NAME=");
  expect_axis_error("a=", "expected NAME=");
  expect_axis_error("a=1,,2", "an empty value");
  expect_axis_error("a=1:10:0", "STEP that is not 0");
  expect_axis_error("a=10:1:1", "goes from START towards STOP");
  expect_axis_error("a=0:1:1e-9", "more than");
  expect_axis_error("a=log:0:10:2", "above 0");
  expect_axis_error("a=log:1:10:0.5", "FACTOR above 1");
  expect_axis_error("a=log:1:x:2", "must be numbers");
}

static SweepPlan *plan_of(const char *const *specs, guint64 first, guint64 nseeds, guint shard, guint nshards,
                          GHashTable *fixed, GError **error)
{
  GPtrArray *axes = g_ptr_array_new();
  for (guint i = 0; specs[i]; i++)
    g_ptr_array_add(axes, sweep_axis_parse(specs[i], NULL));
  return sweep_plan_new(axes, fixed, first, nseeds, shard, nshards, error);
}

static void test_cross_product_and_shards(void)
{
  const char *specs[] = { "a=1,2,3", "b=x,y", NULL };
  g_autoptr(SweepPlan) plan = plan_of(specs, 5, 4, 1, 1, NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
  CU_ASSERT_EQUAL(plan->npoints, 6);
  CU_ASSERT_EQUAL(plan->nruns, 24);
  /* The first --param varies slowest. */
  const char *want[][2] = { { "1", "x" }, { "1", "y" }, { "2", "x" }, { "2", "y" }, { "3", "x" }, { "3", "y" } };
  for (guint p = 0; p < 6; p++) {
    CU_ASSERT_STRING_EQUAL(sweep_plan_value(plan, p, 0), want[p][0]);
    CU_ASSERT_STRING_EQUAL(sweep_plan_value(plan, p, 1), want[p][1]);
  }
  /* Shards: round robin, disjoint, covering every run. */
  guint64 total = 0;
  for (guint i = 1; i <= 5; i++) {
    g_autoptr(SweepPlan) part = plan_of(specs, 5, 4, i, 5, NULL, NULL);
    guint64 n = 0;
    for (guint64 k = 0; k < part->nruns; k++)
      if (sweep_plan_in_shard(part, k)) {
        n++;
        CU_ASSERT_EQUAL(k % 5, i - 1);
      }
    CU_ASSERT_EQUAL(n, sweep_plan_shard_runs(part));
    total += n;
  }
  CU_ASSERT_EQUAL(total, 24);
  guint shard = 0, nshards = 0;
  CU_ASSERT_TRUE(sweep_shard_parse("2/7", &shard, &nshards, NULL));
  CU_ASSERT_EQUAL(shard, 2);
  CU_ASSERT_EQUAL(nshards, 7);
  const char *bad[] = { "0/3", "4/3", "1", "1/0", "a/b", "1/2/3", "" };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
    CU_ASSERT_FALSE(sweep_shard_parse(bad[i], &shard, &nshards, NULL));
  /* A name twice, a name also --set, too many runs. */
  GError *error = NULL;
  const char *twice[] = { "a=1", "a=2", NULL };
  CU_ASSERT_PTR_NULL(plan_of(twice, 1, 1, 1, 1, NULL, &error));
  CU_ASSERT_PTR_NOT_NULL(error && strstr(error->message, "given twice"));
  g_clear_error(&error);
  g_autoptr(GHashTable) fixed = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_add(fixed, "b");
  CU_ASSERT_PTR_NULL(plan_of(specs, 1, 1, 1, 1, fixed, &error));
  CU_ASSERT_PTR_NOT_NULL(error && strstr(error->message, "both swept"));
  g_clear_error(&error);
  const char *big[] = { "a=0:999:1", "b=0:999:1", NULL };
  CU_ASSERT_PTR_NULL(plan_of(big, 1, 100, 1, 1, NULL, &error));
  CU_ASSERT_PTR_NOT_NULL(error && strstr(error->message, "more than"));
  g_clear_error(&error);
}

static void test_stats_known_inputs(void)
{
  /* 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7. */
  SweepStat s = { 0 };
  const double v[] = { 2, 4, 4, 4, 5, NAN, 5, 7, INFINITY, 9 };
  for (guint i = 0; i < G_N_ELEMENTS(v); i++)
    sweep_stat_add(&s, v[i]);
  CU_ASSERT_EQUAL(s.n, 8);
  CU_ASSERT_DOUBLE_EQUAL(sweep_stat_mean(&s), 5, 1e-12);
  double se = sqrt(32.0 / 7 / 8);
  CU_ASSERT_DOUBLE_EQUAL(sweep_stat_se(&s), se, 1e-12);
  double lo, hi;
  sweep_stat_ci95(&s, &lo, &hi);
  CU_ASSERT_DOUBLE_EQUAL(lo, 5 - 2.364624252 * se, 1e-9); /* t(0.975, 7) */
  CU_ASSERT_DOUBLE_EQUAL(hi, 5 + 2.364624252 * se, 1e-9);
  /* Student's t against published values; large df tends to the normal. */
  CU_ASSERT_DOUBLE_EQUAL(sweep_t975(1), 12.7062, 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(sweep_t975(9), 2.2622, 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(sweep_t975(30), 2.0423, 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(sweep_t975(40), 2.0211, 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(sweep_t975(60), 2.0003, 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(sweep_t975(120), 1.9799, 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(sweep_t975(100000), 1.95999, 1e-4);
  /* One value: a mean, no spread; none: nothing. */
  SweepStat one = { 0 }, none = { 0 };
  sweep_stat_add(&one, 0.25);
  CU_ASSERT_DOUBLE_EQUAL(sweep_stat_mean(&one), 0.25, 0);
  CU_ASSERT_TRUE(isnan(sweep_stat_se(&one)));
  sweep_stat_ci95(&one, &lo, &hi);
  CU_ASSERT_TRUE(isnan(lo) && isnan(hi));
  CU_ASSERT_TRUE(isnan(sweep_stat_mean(&none)));
  /* Equal values: a standard error of exactly 0 (no cancellation noise). */
  SweepStat same = { 0 };
  for (guint i = 0; i < 10; i++)
    sweep_stat_add(&same, 0.1);
  CU_ASSERT_EQUAL(sweep_stat_se(&same), 0);
}

static SweepRun *record(guint64 point, const char *a, guint64 seed, SweepStatus status, double avail, double m)
{
  g_autoptr(GPtrArray) params = g_ptr_array_new();
  g_ptr_array_add(params, "a");
  g_ptr_array_add(params, (gpointer) a);
  g_autoptr(GPtrArray) sets = g_ptr_array_new();
  g_ptr_array_add(sets, "w");
  g_ptr_array_add(sets, "2");
  SweepRun *run = sweep_run_new("s.lua", params, sets, point, seed);
  run->status = status;
  run->availability = avail;
  if (status == SWEEP_ERROR) {
    run->error = g_strdup("s.lua:3: boom, \"quoted\"");
    return run;
  }
  run->digest = g_strdup("00ff");
  SweepNumber n = { g_strdup("m"), m };
  g_array_append_val(run->metrics, n);
  SweepNumber v = { g_strdup("inv"), status == SWEEP_VIOLATED ? 2 : 0 };
  g_array_append_val(run->violations, v);
  if (status == SWEEP_VIOLATED)
    run->first_violation = g_strdup("inv: at 1 s, two holders");
  return run;
}

static void test_record_json_round_trip(void)
{
  const double values[] = { 0.1, 1.0 / 3, 0.9135802469135802, 1e-300, 123456789.125, 0 };
  for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
    g_autoptr(SweepRun) run = record(3, "x,\"y\"", 7, i % 2 ? SWEEP_VIOLATED : SWEEP_HELD, values[i], values[i] * 7);
    g_autofree char *line = sweep_run_to_json(run);
    CU_ASSERT_TRUE(g_str_has_suffix(line, "}\n"));
    CU_ASSERT_PTR_EQUAL(strchr(line, '\n'), line + strlen(line) - 1);
    GError *error = NULL;
    g_autoptr(SweepRun) back = sweep_run_from_json(line, strlen(line), "t:1", &error);
    if (!back)
      fprintf(stderr, "\n%s: %s\n", line, error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    g_autofree char *again = sweep_run_to_json(back);
    CU_ASSERT_STRING_EQUAL(line, again);
    /* Exactly the same double, so a merge sums exactly what the sweep did. */
    CU_ASSERT_EQUAL(memcmp(&back->availability, &run->availability, sizeof(double)), 0);
    CU_ASSERT_EQUAL(sweep_run_metric(back, "m"), run->metrics->len ? g_array_index(run->metrics, SweepNumber, 0).value : NAN);
    CU_ASSERT_STRING_EQUAL(back->params->pdata[1], "x,\"y\"");
    CU_ASSERT_EQUAL(back->point, 3);
    CU_ASSERT_EQUAL(back->seed, 7);
  }
  g_autoptr(SweepRun) err = record(0, "1", 1, SWEEP_ERROR, NAN, 0);
  g_autofree char *line = sweep_run_to_json(err);
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"availability\":null"));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"digest\":null"));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"status\":\"error\""));
  g_autoptr(SweepRun) back = sweep_run_from_json(line, strlen(line), "t:1", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(back);
  CU_ASSERT_TRUE(isnan(back->availability));
  const char *bad[] = { "", "[1]", "{\"scenario\":\"s\"}", "{\"scenario\":1}", "{oops" };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    CU_ASSERT_PTR_NULL(sweep_run_from_json(bad[i], strlen(bad[i]), "f.jsonl:9", &error));
    CU_ASSERT_TRUE(error && g_str_has_prefix(error->message, "f.jsonl:9: "));
    g_clear_error(&error);
  }
}

static void test_summary_csv(void)
{
  g_autoptr(SweepSummary) s = sweep_summary_new();
  SweepRun *runs[] = {
    record(0, "1", 1, SWEEP_HELD, 0.5, 10), record(0, "1", 2, SWEEP_HELD, 1.0, 20),
    record(0, "1", 3, SWEEP_VIOLATED, NAN, 30), record(1, "x,y", 1, SWEEP_ERROR, NAN, 0),
    record(1, "x,y", 2, SWEEP_HELD, 0.75, 40),
  };
  for (guint i = 0; i < G_N_ELEMENTS(runs); i++)
    CU_ASSERT_TRUE(sweep_summary_add(s, runs[i], "t", NULL));
  g_autofree char *csv = sweep_summary_csv(s);
  /* se of {0.5, 1} = 0.25; t(0.975, 1) = 12.706...; se of {10, 20, 30} = 5.77350, t(.975, 2) = 4.30265. */
  const char *want =
      "param_a,availability_mean,availability_se,availability_ci95_lo,availability_ci95_hi,availability_n,"
      "m_mean,m_se,m_ci95_lo,m_ci95_hi,m_n,violated,errors\n"
      "1,0.75,0.25,-2.42655,3.92655,2,20,5.7735,-4.84138,44.8414,3,1,0\n"
      "\"x,y\",0.75,,,,1,40,,,,1,0,1\n";
  if (strcmp(csv, want) != 0)
    fprintf(stderr, "\n%s", csv);
  CU_ASSERT_STRING_EQUAL(csv, want);
  CU_ASSERT_EQUAL(sweep_summary_runs(s), 5);
  CU_ASSERT_EQUAL(sweep_summary_errors(s), 1);
  CU_ASSERT_EQUAL(sweep_summary_violated(s), 1);
  g_autofree char *table = sweep_summary_table(s, (char *[]) { "m", NULL });
  CU_ASSERT_PTR_NOT_NULL(strstr(table, "seeds 1-3: 5 runs"));
  CU_ASSERT_PTR_NOT_NULL(strstr(table, "--seed 3 --set a=1 --set w=2"));
  CU_ASSERT_PTR_NOT_NULL(strstr(table, "0.7500 ± 0.2500 [-2.4266, 3.9266]"));
  /* Out of order, or from another sweep: refused. */
  GError *error = NULL;
  CU_ASSERT_FALSE(sweep_summary_add(s, runs[0], "t:9", &error));
  CU_ASSERT_PTR_NOT_NULL(error && strstr(error->message, "out of sweep order"));
  g_clear_error(&error);
  g_autoptr(SweepRun) other = record(2, "2", 1, SWEEP_HELD, 1, 1);
  g_free(other->scenario);
  other->scenario = g_strdup("t.lua");
  CU_ASSERT_FALSE(sweep_summary_add(s, other, "t:10", &error));
  CU_ASSERT_PTR_NOT_NULL(error && strstr(error->message, "another sweep"));
  g_clear_error(&error);
  for (guint i = 0; i < G_N_ELEMENTS(runs); i++)
    sweep_run_free(runs[i]);
}

/* A stand-in for a scenario's analytic{}: availability 0.5 at a=1, none
 * elsewhere; metric m = 20 everywhere. */
static gboolean fake_analytic(void *data, const GPtrArray *params, const char *measure, double *value)
{
  (void) data;
  if (strcmp(measure, "m") == 0) {
    *value = 20;
    return TRUE;
  }
  if (strcmp(measure, "availability") == 0 && strcmp(params->pdata[1], "1") == 0) {
    *value = 0.5;
    return TRUE;
  }
  return FALSE;
}

static void test_summary_analytic(void)
{
  g_autoptr(SweepSummary) s = sweep_summary_new();
  SweepRun *runs[] = {
    record(0, "1", 1, SWEEP_HELD, 0.5, 10), record(0, "1", 2, SWEEP_HELD, 1.0, 20), record(0, "1", 3, SWEEP_HELD, 1.0, 30),
    record(1, "2", 1, SWEEP_HELD, 0.75, 40), record(1, "2", 2, SWEEP_HELD, 0.75, 41),
  };
  for (guint i = 0; i < G_N_ELEMENTS(runs); i++)
    CU_ASSERT_TRUE(sweep_summary_add(s, runs[i], "t", NULL));
  sweep_summary_set_analytic(s, fake_analytic, NULL);
  g_autofree char *table = sweep_summary_table(s, (char *[]) { "m", NULL });
  /* a=1: availability 0.8333 ± 0.1667 against 0.5: +2.0 se; m 20 ± 5.77 against 20: +0.0 se.
   * a=2: no availability prediction; m 40.5 ± 0.5 against 20: +41.0 se, flagged. */
  CU_ASSERT_PTR_NOT_NULL(strstr(table, "vs analytic"));
  CU_ASSERT_PTR_NOT_NULL(strstr(table, "+2.0 se "));
  CU_ASSERT_PTR_NOT_NULL(strstr(table, "+0.0 se "));
  CU_ASSERT_PTR_NOT_NULL(strstr(table, "+41.0 se !"));
  CU_ASSERT_PTR_NOT_NULL(strstr(table, "n/a"));
  if (!strstr(table, "+41.0 se !"))
    fprintf(stderr, "\n%s", table);
  for (guint i = 0; i < G_N_ELEMENTS(runs); i++)
    sweep_run_free(runs[i]);
}

void suite_sweep(void)
{
  CU_pSuite s = CU_add_suite("sweep", NULL, NULL);
  CU_add_test(s, "--param lists, ranges and log ranges", test_param_lists_and_ranges);
  CU_add_test(s, "cross product order, shards, plan limits", test_cross_product_and_shards);
  CU_add_test(s, "mean, standard error, Student's t interval on known inputs", test_stats_known_inputs);
  CU_add_test(s, "run records round-trip through JSON exactly", test_record_json_round_trip);
  CU_add_test(s, "summary CSV columns and values", test_summary_csv);
  CU_add_test(s, "summary: measured minus analytic in standard errors, flagged beyond 3", test_summary_analytic);
}
