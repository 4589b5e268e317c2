/* The capacity search without scenarios (sim/cli/capacity_search.h):
 * bracketing up and down, bisection to the tolerance, integer rates,
 * pass functions that are not monotone, searches that cannot close, a
 * probe that fails, SLO parsing and the Student-t interval; and the
 * command itself, whose summary and CSV must not depend on -j. */
#include "sim/cli/capacity_search.h"
#include "tests/spawn.h"
#include <CUnit/CUnit.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* A pass function over rates: the rate passes when it lies in one of
 * `n` closed intervals; counts calls, and fails the probe at call
 * `fail_at` (0 = never). */
typedef struct {
  double intervals[4][2];
  guint n;
  guint calls;
  guint fail_at;
  GArray *seen;
} Fake;

static gboolean fake_probe(double rate, gboolean *pass, void *data, GError **error)
{
  Fake *f = data;
  f->calls++;
  if (f->fail_at && f->calls == f->fail_at) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "run failed at %g", rate);
    return FALSE;
  }
  for (guint i = 0; f->seen && i < f->seen->len; i++)
    CU_ASSERT_NOT_EQUAL(g_array_index(f->seen, double, i), rate); /* never probed twice */
  if (f->seen)
    g_array_append_val(f->seen, rate);
  *pass = FALSE;
  for (guint i = 0; i < f->n; i++)
    *pass = *pass || (rate >= f->intervals[i][0] && rate <= f->intervals[i][1]);
  return TRUE;
}

static double probe_rate(const CapSearchResult *r, guint i)
{
  return g_array_index(r->probes, CapProbeResult, i).rate;
}

/* The highest passing rate among the probes, as the result must report. */
static double best_pass(const CapSearchResult *r)
{
  double best = NAN;
  for (guint i = 0; i < r->probes->len; i++) {
    const CapProbeResult *p = &g_array_index(r->probes, CapProbeResult, i);
    if (p->pass && (isnan(best) || p->rate > best))
      best = p->rate;
  }
  return best;
}

static void test_bracket_up_then_bisect(void)
{
  Fake f = { .intervals = { { 0, 273.3 } }, .n = 1, .seen = g_array_new(FALSE, FALSE, sizeof(double)) };
  CapSearchSpec spec = { 100, 0.01, 20, FALSE };
  CapSearchResult r = { 0 };
  GError *error = NULL;
  CU_ASSERT_TRUE(cap_search(&spec, fake_probe, NULL, &f, &r, &error));
  CU_ASSERT_PTR_NULL(error);
  CU_ASSERT_DOUBLE_EQUAL(probe_rate(&r, 0), 100, 0);
  CU_ASSERT_DOUBLE_EQUAL(probe_rate(&r, 1), 200, 0);
  CU_ASSERT_DOUBLE_EQUAL(probe_rate(&r, 2), 400, 0);
  CU_ASSERT_DOUBLE_EQUAL(probe_rate(&r, 3), 300, 0); /* bisection of [200, 400] */
  CU_ASSERT_TRUE(r.capacity <= 273.3);
  CU_ASSERT_TRUE(r.hi > 273.3);
  CU_ASSERT_TRUE(r.hi - r.lo <= 0.01 * r.lo);
  CU_ASSERT_DOUBLE_EQUAL(r.capacity, r.lo, 0);
  CU_ASSERT_EQUAL(r.probes->len, f.calls);
  /* [200, 400] narrowed to 1% of ~270: 200 / 2^k <= 2.7 needs k = 7. */
  CU_ASSERT_EQUAL(r.probes->len, 3 + 7);
  cap_search_result_clear(&r);
  g_array_unref(f.seen);
}

static void test_bracket_down(void)
{
  Fake f = { .intervals = { { 0, 61 } }, .n = 1 };
  CapSearchSpec spec = { 1000, 0.05, 20, FALSE };
  CapSearchResult r = { 0 };
  CU_ASSERT_TRUE(cap_search(&spec, fake_probe, NULL, &f, &r, NULL));
  double expect[] = { 1000, 500, 250, 125, 62.5, 31.25 };
  for (guint i = 0; i < G_N_ELEMENTS(expect); i++)
    CU_ASSERT_DOUBLE_EQUAL(probe_rate(&r, i), expect[i], 0);
  CU_ASSERT_TRUE(r.capacity <= 61 && r.hi > 61 && r.hi - r.lo <= 0.05 * r.lo);
  cap_search_result_clear(&r);
}

static void test_integer_rates(void)
{
  Fake f = { .intervals = { { 0, 37.5 } }, .n = 1, .seen = g_array_new(FALSE, FALSE, sizeof(double)) };
  CapSearchSpec spec = { 10, 0.001, 20, TRUE };
  CapSearchResult r = { 0 };
  CU_ASSERT_TRUE(cap_search(&spec, fake_probe, NULL, &f, &r, NULL));
  for (guint i = 0; i < r.probes->len; i++)
    CU_ASSERT_DOUBLE_EQUAL(probe_rate(&r, i), round(probe_rate(&r, i)), 0);
  CU_ASSERT_DOUBLE_EQUAL(r.capacity, 37, 0);
  CU_ASSERT_DOUBLE_EQUAL(r.hi, 38, 0);
  cap_search_result_clear(&r);
  g_array_unref(f.seen);
  /* Halving an integer rate stops at 1. */
  Fake never = { .n = 0 };
  spec.from = 5;
  GError *error = NULL;
  CU_ASSERT_FALSE(cap_search(&spec, fake_probe, NULL, &never, &r, &error));
  CU_ASSERT_TRUE(g_error_matches(error, CAP_SEARCH_ERROR, CAP_SEARCH_NO_PASS));
  CU_ASSERT_DOUBLE_EQUAL(probe_rate(&r, r.probes->len - 1), 1, 0);
  g_clear_error(&error);
  cap_search_result_clear(&r);
}

static void test_not_monotone(void)
{
  /* Passes up to 150 and again in [175, 190]: bisection of [100, 200]
   * finds 150, then 175 and 187.5, so the capacity is the highest pass
   * probed (inside the second interval), never a failing rate. */
  Fake f = { .intervals = { { 0, 150 }, { 175, 190 } }, .n = 2 };
  CapSearchSpec spec = { 100, 0.01, 20, FALSE };
  CapSearchResult r = { 0 }, again = { 0 };
  CU_ASSERT_TRUE(cap_search(&spec, fake_probe, NULL, &f, &r, NULL));
  CU_ASSERT_DOUBLE_EQUAL(r.capacity, best_pass(&r), 0);
  CU_ASSERT_TRUE(r.capacity >= 175 && r.capacity <= 190);
  /* Fails at 400 but passes at 100, 200, and in [600, 700]: doubling
   * stops at the first failure and never sees the upper island. */
  Fake g = { .intervals = { { 0, 320 }, { 600, 700 } }, .n = 2 };
  CU_ASSERT_TRUE(cap_search(&spec, fake_probe, NULL, &g, &again, NULL));
  CU_ASSERT_TRUE(again.capacity <= 320 && again.hi > 320);
  CU_ASSERT_DOUBLE_EQUAL(again.capacity, best_pass(&again), 0);
  cap_search_result_clear(&again);
  /* The same pass function gives the same probes. */
  Fake f2 = f;
  f2.calls = 0;
  CU_ASSERT_TRUE(cap_search(&spec, fake_probe, NULL, &f2, &again, NULL));
  CU_ASSERT_EQUAL(again.probes->len, r.probes->len);
  for (guint i = 0; i < r.probes->len && i < again.probes->len; i++)
    CU_ASSERT_DOUBLE_EQUAL(probe_rate(&again, i), probe_rate(&r, i), 0);
  cap_search_result_clear(&again);
  cap_search_result_clear(&r);
}

static void test_cannot_bracket(void)
{
  Fake always = { .intervals = { { 0, INFINITY } }, .n = 1 };
  CapSearchSpec spec = { 1, 0.01, 10, FALSE };
  CapSearchResult r = { 0 };
  GError *error = NULL;
  CU_ASSERT_FALSE(cap_search(&spec, fake_probe, NULL, &always, &r, &error));
  CU_ASSERT_TRUE(g_error_matches(error, CAP_SEARCH_ERROR, CAP_SEARCH_UNBOUNDED));
  CU_ASSERT_EQUAL(r.probes->len, 11); /* from, then 10 doublings */
  CU_ASSERT_DOUBLE_EQUAL(probe_rate(&r, 10), 1024, 0);
  g_clear_error(&error);
  cap_search_result_clear(&r);
  Fake never = { .n = 0 };
  spec.from = 1024;
  CU_ASSERT_FALSE(cap_search(&spec, fake_probe, NULL, &never, &r, &error));
  CU_ASSERT_TRUE(g_error_matches(error, CAP_SEARCH_ERROR, CAP_SEARCH_NO_PASS));
  CU_ASSERT_EQUAL(r.probes->len, 11);
  g_clear_error(&error);
  cap_search_result_clear(&r);
}

static void test_probe_failure(void)
{
  Fake f = { .intervals = { { 0, 273.3 } }, .n = 1, .fail_at = 3 };
  CapSearchSpec spec = { 100, 0.01, 20, FALSE };
  CapSearchResult r = { 0 };
  GError *error = NULL;
  CU_ASSERT_FALSE(cap_search(&spec, fake_probe, NULL, &f, &r, &error));
  CU_ASSERT_TRUE(g_error_matches(error, CAP_SEARCH_ERROR, CAP_SEARCH_PROBE));
  CU_ASSERT_STRING_EQUAL(error ? error->message : "", "run failed at 400");
  CU_ASSERT_EQUAL(r.probes->len, 2);
  g_clear_error(&error);
  cap_search_result_clear(&r);
}

static void test_rate_rounding(void)
{
  CU_ASSERT_DOUBLE_EQUAL(cap_rate_round(123.456789, FALSE), 123.457, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(cap_rate_round(2.5, TRUE), 3, 0);
  g_autofree char *a = cap_rate_text(cap_rate_round(1234567.8, FALSE), FALSE);
  g_autofree char *b = cap_rate_text(300, TRUE);
  CU_ASSERT_STRING_EQUAL(a, "1.23457e+06");
  CU_ASSERT_STRING_EQUAL(b, "300");
  /* The text of a rounded rate parses back to exactly that rate. */
  double r = cap_rate_round(2.0 / 3.0 * 1000, FALSE);
  g_autofree char *c = cap_rate_text(r, FALSE);
  CU_ASSERT_EQUAL(g_ascii_strtod(c, NULL), r);
}

static void test_slo_parse(void)
{
  CapSlo s;
  GError *error = NULL;
  CU_ASSERT_TRUE(cap_slo_parse("p99<=200ms", &s, &error));
  CU_ASSERT_EQUAL(s.kind, CAP_SLO_LATENCY);
  CU_ASSERT_STRING_EQUAL(cap_latency_names[s.figure], "p99");
  CU_ASSERT_EQUAL(s.op, CAP_OP_LE);
  CU_ASSERT_DOUBLE_EQUAL(s.value, 200, 0);
  CU_ASSERT_TRUE(cap_slo_holds(&s, 200));
  CU_ASSERT_FALSE(cap_slo_holds(&s, 200.001));
  CU_ASSERT_FALSE(cap_slo_holds(&s, NAN));
  cap_slo_clear(&s);
  CU_ASSERT_TRUE(cap_slo_parse(" availability >= 0.99 ", &s, NULL));
  CU_ASSERT_EQUAL(s.kind, CAP_SLO_AVAILABILITY);
  CU_ASSERT_STRING_EQUAL(s.name, "availability");
  CU_ASSERT_TRUE(cap_slo_holds(&s, 0.99) && !cap_slo_holds(&s, 0.98) && !cap_slo_holds(&s, NAN));
  cap_slo_clear(&s);
  CU_ASSERT_TRUE(cap_slo_parse("p999<1.5s", &s, NULL));
  CU_ASSERT_EQUAL(s.op, CAP_OP_LT);
  CU_ASSERT_DOUBLE_EQUAL(s.value, 1500, 0);
  CU_ASSERT_FALSE(cap_slo_holds(&s, 1500));
  cap_slo_clear(&s);
  CU_ASSERT_TRUE(cap_slo_parse("mean>800us", &s, NULL));
  CU_ASSERT_EQUAL(s.op, CAP_OP_GT);
  CU_ASSERT_DOUBLE_EQUAL(s.value, 0.8, 1e-12);
  cap_slo_clear(&s);
  CU_ASSERT_TRUE(cap_slo_parse("goodput_per_s>=1e3", &s, NULL));
  CU_ASSERT_EQUAL(s.kind, CAP_SLO_METRIC);
  CU_ASSERT_STRING_EQUAL(s.name, "goodput_per_s");
  CU_ASSERT_DOUBLE_EQUAL(s.value, 1000, 0);
  cap_slo_clear(&s);

  struct { const char *text, *message; } bad[] = {
    { "", "expected NAME OP VALUE" },
    { "p99", "expected NAME OP VALUE" },
    { "p99=200ms", "expected NAME OP VALUE" },
    { "<=3", "is not a name" },
    { "9lives>=1", "is not a name" },
    { "p 99<=3ms", "is not a name" },
    { "p99<=", "expected a value" },
    { "p99<==3ms", "expected a value" },
    { "p99<=<3ms", "expected a value" },
    { "p99<=200", "give a duration with a unit" },
    { "p99<=fast", "give a duration with a unit" },
    { "p99<=-1ms", "give a duration with a unit" },
    { "max<=3parsecs", "give a duration with a unit" },
    { "availability>=1.5", "availability is a number from 0 to 1" },
    { "availability>=99%", "availability is a number from 0 to 1" },
    { "errors<=nan", "takes a number" },
    { "errors<=1e999", "takes a number" },
    { "errors<=1x", "takes a number" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    CapSlo untouched = { .text = (char *) "x" };
    CU_ASSERT_FALSE(cap_slo_parse(bad[i].text, &untouched, &error));
    CU_ASSERT_PTR_NOT_NULL(error);
    if (error && !strstr(error->message, bad[i].message))
      fprintf(stderr, "\n--slo '%s': got '%s', expected '%s'\n", bad[i].text, error->message, bad[i].message);
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error->message, bad[i].message) : NULL);
    CU_ASSERT_STRING_EQUAL(untouched.text, "x");
    g_clear_error(&error);
  }
}

static void test_student_t(void)
{
  CU_ASSERT_DOUBLE_EQUAL(cap_t975(1), 12.7062, 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(cap_t975(7), 2.3646, 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(cap_t975(30), 2.0423, 1e-4);
  /* Past the table: t(0.975, 40) = 2.0211, 120: 1.9799, and towards z. */
  CU_ASSERT_DOUBLE_EQUAL(cap_t975(40), 2.0211, 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(cap_t975(120), 1.9799, 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(cap_t975(1000000), 1.95997, 1e-4);
  double x[] = { 1, 2, 3, 4, 5 }, mean, half, min, max;
  cap_mean_ci(x, 5, &mean, &half, &min, &max);
  CU_ASSERT_DOUBLE_EQUAL(mean, 3, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(half, 2.7764 * sqrt(2.5) / sqrt(5.0), 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(min, 1, 0);
  CU_ASSERT_DOUBLE_EQUAL(max, 5, 0);
  cap_mean_ci(x, 1, &mean, &half, &min, &max);
  CU_ASSERT_TRUE(isnan(half));
  CU_ASSERT_DOUBLE_EQUAL(mean, 1, 0);
}

/* `faultsim capacity ... -j N --csv FILE`: its stdout and its CSV. */
static void run_capacity(const char *jobs, const char *csv, char **out, char **table)
{
  SpawnResult r = spawn_faultsim((const char *[]) { "capacity", "scenarios/capacity_search_mm1.lua", "--param", "rate",
                                                    "--slo", "p99<=20ms", "--slo", "availability>=0.99",
                                                    "--seeds", "1-4", "--tolerance", "0.05", "-q", "-j", jobs,
                                                    "--csv", csv, NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  *out = g_strdup(r.out);
  *table = NULL;
  g_file_get_contents(csv, table, NULL, NULL);
  spawn_result_clear(&r);
}

static void test_same_for_any_jobs(void)
{
  g_autofree char *dir = g_dir_make_tmp("capacity-XXXXXX", NULL);
  g_autofree char *csv1 = g_build_filename(dir, "j1.csv", NULL);
  g_autofree char *csv4 = g_build_filename(dir, "j4.csv", NULL);
  g_autofree char *out1 = NULL, *out4 = NULL, *table1 = NULL, *table4 = NULL;
  run_capacity("1", csv1, &out1, &table1);
  run_capacity("4", csv4, &out4, &table4);
  CU_ASSERT_PTR_NOT_NULL_FATAL(table1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(table4);
  CU_ASSERT_PTR_NOT_NULL(strstr(out1, "capacity rate = "));
  CU_ASSERT_STRING_EQUAL(out1, out4);
  CU_ASSERT_STRING_EQUAL(table1, table4);
  /* Four seeds' searches: a header and several probes each. */
  g_auto(GStrv) lines = g_strsplit(table1, "\n", -1);
  CU_ASSERT_TRUE(g_strv_length(lines) > 4 * 3);
  g_unlink(csv1);
  g_unlink(csv4);
  g_rmdir(dir);
}

void suite_capacity_search(void)
{
  CU_pSuite s = CU_add_suite("capacity_search", NULL, NULL);
  CU_add_test(s, "bracketing doubles, then bisection to the tolerance", test_bracket_up_then_bisect);
  CU_add_test(s, "bracketing halves from a failing rate", test_bracket_down);
  CU_add_test(s, "integer parameters are probed at integers", test_integer_rates);
  CU_add_test(s, "a pass function that is not monotone", test_not_monotone);
  CU_add_test(s, "a search that cannot bracket says why", test_cannot_bracket);
  CU_add_test(s, "a failed probe stops the search", test_probe_failure);
  CU_add_test(s, "rates are rounded to what is printed", test_rate_rounding);
  CU_add_test(s, "SLOs parse, and bad ones say what is wrong", test_slo_parse);
  CU_add_test(s, "Student-t quantiles and the interval", test_student_t);
  CU_add_test(s, "the command prints the same summary and CSV for -j 1 and -j 4", test_same_for_any_jobs);
}
