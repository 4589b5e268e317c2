/* Metrics: the log-bucketed histogram's error bound against exact
 * quantiles, the availability timeline adding up to the run's totals,
 * exact uptime/MTTF/MTTR on a scenario with crashes at known times, the
 * --csv file (well-formed, atomic, absent after a failing script) and the
 * new JSON keys. */
#include "sim/report/availability.h"
#include "sim/kernel/histogram.h"
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include "tests/spawn.h"
#include <CUnit/CUnit.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* ------------------------------------------------------------------ */
/* Histogram                                                           */

/* The nearest rank of the q-quantile among n samples by its definition,
 * independently of the code under test: the smallest k in 1..n with
 * k >= q * n, for q = permille / 1000, in integer arithmetic. */
static guint64 oracle_rank(guint64 permille, guint64 n)
{
  guint64 k = (permille * n + 999) / 1000;
  return k < 1 ? 1 : k;
}

/* Checks every quantile on a fine grid (q = k / 1000) against the exact
 * nearest-rank quantile of `v` (n values, sorted here); returns the
 * largest relative error seen. */
static double worst_error(double *v, guint n)
{
  g_autoptr(SimHistogram) h = sim_histogram_new();
  for (guint i = 0; i < n; i++)
    CU_ASSERT_TRUE(sim_histogram_add(h, v[i]));
  qsort(v, n, sizeof *v, cmp_double);
  CU_ASSERT_EQUAL(sim_histogram_count(h), n);
  CU_ASSERT_EQUAL(sim_histogram_min(h), v[0]);
  CU_ASSERT_EQUAL(sim_histogram_max(h), v[n - 1]);
  double worst = 0;
  for (guint k = 0; k <= 1000; k++) {
    double exact = v[oracle_rank(k, n) - 1];
    double got = sim_histogram_quantile(h, k / 1000.0);
    double err = exact == 0 ? fabs(got) : fabs(got - exact) / fabs(exact);
    if (err > worst)
      worst = err;
  }
  return worst;
}

static void test_histogram_error_bound(void)
{
  SimRng rng;
  sim_rng_init(&rng, 42, "test:histogram");
  const guint n = 100000;
  g_autofree double *v = g_new(double, n);
  /* Log-uniform over 12 decades: every bucket width matters. */
  for (guint i = 0; i < n; i++)
    v[i] = pow(10, -6 + 12 * sim_rng_double(&rng));
  double w = worst_error(v, n);
  CU_ASSERT(w <= SIM_HISTOGRAM_REL_ERROR);
  CU_ASSERT(w > SIM_HISTOGRAM_REL_ERROR / 10); /* buckets do round: the check has teeth */
  /* Latency-like: exponential around 5 ms. */
  for (guint i = 0; i < n; i++)
    v[i] = sim_rng_exponential(&rng, 5.0);
  CU_ASSERT(worst_error(v, n) <= SIM_HISTOGRAM_REL_ERROR);
  /* Mixed signs and exact zeros. */
  for (guint i = 0; i < n; i++)
    v[i] = i % 7 == 0 ? 0.0 : sim_rng_normal(&rng) * 100;
  CU_ASSERT(worst_error(v, n) <= SIM_HISTOGRAM_REL_ERROR);
  /* Few samples: a single value is exact (clamped to min = max). */
  double one[] = { 3.3 };
  CU_ASSERT_EQUAL(worst_error(one, 1), 0);
}

/* The rank itself, where an off-by-one cannot hide in the error bound:
 * samples 2^(i - 500) for i = 1..n are each twice the one before, so a
 * quantile one rank off is off by a factor of two. Every n up to 1000, the
 * quantiles the reports print (p50, p90, p99, p99.9) and both ends. */
static void test_histogram_rank_oracle(void)
{
  static const guint permille[] = { 0, 500, 900, 990, 999, 1000 };
  guint wrong = 0;
  for (guint n = 1; n <= 1000; n++) {
    g_autoptr(SimHistogram) h = sim_histogram_new();
    for (guint i = n; i >= 1; i--) /* descending: insertion order must not matter */
      sim_histogram_add(h, ldexp(1.0, (int) i - 500));
    for (guint k = 0; k < G_N_ELEMENTS(permille); k++) {
      double want = ldexp(1.0, (int) oracle_rank(permille[k], n) - 500);
      double got = sim_histogram_quantile(h, permille[k] / 1000.0);
      if (!(fabs(got - want) <= want * SIM_HISTOGRAM_REL_ERROR)) {
        if (wrong++ < 5)
          fprintf(stderr, "\n  n=%u q=%.3f: got %g, the sample of rank %" G_GUINT64_FORMAT " is %g",
                  n, permille[k] / 1000.0, got, oracle_rank(permille[k], n), want);
      }
    }
  }
  CU_ASSERT_EQUAL(wrong, 0);
}

static void test_histogram_edges(void)
{
  g_autoptr(SimHistogram) h = sim_histogram_new();
  CU_ASSERT_EQUAL(sim_histogram_count(h), 0);
  CU_ASSERT_TRUE(isnan(sim_histogram_quantile(h, 0.5)));
  CU_ASSERT_TRUE(isnan(sim_histogram_max(h)));
  CU_ASSERT_FALSE(sim_histogram_add(h, NAN));
  CU_ASSERT_FALSE(sim_histogram_add(h, INFINITY));
  CU_ASSERT_EQUAL(sim_histogram_count(h), 0);
  /* 1..100: p50 is the 50th value, p99 the 99th, within the bound. */
  for (int i = 1; i <= 100; i++)
    sim_histogram_add(h, i);
  CU_ASSERT(fabs(sim_histogram_quantile(h, 0.5) - 50) <= 50 * SIM_HISTOGRAM_REL_ERROR);
  CU_ASSERT(fabs(sim_histogram_quantile(h, 0.99) - 99) <= 99 * SIM_HISTOGRAM_REL_ERROR);
  CU_ASSERT_EQUAL(sim_histogram_quantile(h, 1), 100);
  CU_ASSERT_EQUAL(sim_histogram_quantile(h, 0), 1); /* rank 1 is the exact min */
  CU_ASSERT_EQUAL(sim_histogram_rank(0.999, 1000), 999);
  CU_ASSERT_EQUAL(sim_histogram_rank(0.5, 3), 2);
  /* Huge and tiny magnitudes in one histogram. */
  g_autoptr(SimHistogram) wide = sim_histogram_new();
  sim_histogram_add(wide, 1e-300);
  sim_histogram_add(wide, 1e300);
  CU_ASSERT_EQUAL(sim_histogram_quantile(wide, 0.5), 1e-300);
  CU_ASSERT_EQUAL(sim_histogram_quantile(wide, 1), 1e300);
}

/* ------------------------------------------------------------------ */
/* Timeline and uptime                                                 */

static void test_timeline_sums(void)
{
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run("scenarios/nemesis.lua", 3, NULL, &options, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  const SimStats *s = sim_stats(sc->sim);
  CU_ASSERT(s->invoked > 1000 && s->ok < s->invoked);
  static const SimTime windows[] = { 700 * SIM_MS, 3 * SIM_S, 60 * SIM_S, 61 * SIM_S, 1 * SIM_MS };
  for (guint k = 0; k < G_N_ELEMENTS(windows); k++) {
    g_autoptr(GArray) tl = sim_availability_timeline(sc->sim, windows[k], sim_now(sc->sim));
    CU_ASSERT_EQUAL(tl->len, sim_timeline_windows(windows[k], 60 * SIM_S));
    guint64 invoked = 0, ok = 0;
    SimTime at = 0;
    for (guint i = 0; i < tl->len; i++) {
      const SimWindow *w = &g_array_index(tl, SimWindow, i);
      CU_ASSERT_EQUAL(w->start, at);
      CU_ASSERT(w->end > w->start && w->end - w->start <= windows[k]);
      CU_ASSERT(w->ok <= w->invoked);
      at = w->end;
      invoked += w->invoked;
      ok += w->ok;
    }
    CU_ASSERT_EQUAL(at, 60 * SIM_S);
    CU_ASSERT_EQUAL(invoked, s->invoked);
    CU_ASSERT_EQUAL(ok, s->ok);
  }
  CU_ASSERT_EQUAL(sim_timeline_windows(700 * SIM_MS, 60 * SIM_S), 86);
  CU_ASSERT_EQUAL(sim_timeline_windows(3 * SIM_S, 60 * SIM_S), 20);
  CU_ASSERT_EQUAL(sim_timeline_windows(SIM_S, 0), 1);
  CU_ASSERT_EQUAL(scenario_default_window(10 * SIM_S), 500 * SIM_MS);
}

static void test_uptime_exact(void)
{
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run("tests/data/metrics/uptime.lua", 1, NULL, &options, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  SimTime end = sim_now(sc->sim);
  CU_ASSERT_EQUAL(end, 10 * SIM_S);
  SimNodeUptime u;
  sim_node_uptime(sc->sim, sim_node_find(sc->sim, "server"), end, &u);
  CU_ASSERT_EQUAL(u.uptime, 0.65);
  CU_ASSERT_EQUAL(u.crashes, 2);
  CU_ASSERT_EQUAL(u.restarts, 2);
  CU_ASSERT_EQUAL(u.mttf_s, 2.5);
  CU_ASSERT_EQUAL(u.mttr_s, 1.75);
  sim_node_uptime(sc->sim, sim_node_find(sc->sim, "backup"), end, &u);
  CU_ASSERT_EQUAL(u.uptime, 0.7);
  CU_ASSERT_EQUAL(u.crashes, 1);
  CU_ASSERT_EQUAL(u.mttf_s, 7.0);
  CU_ASSERT_TRUE(isnan(u.mttr_s));
  sim_node_uptime(sc->sim, sim_node_find(sc->sim, "client1"), end, &u);
  CU_ASSERT_EQUAL(u.uptime, 1.0);
  CU_ASSERT_EQUAL(u.crashes, 0);
  CU_ASSERT_TRUE(isnan(u.mttf_s) && isnan(u.mttr_s));
  /* The timeline sees the outages: nothing ok while the server is down,
   * everything ok (lossless network) while it is up; the paused client
   * invokes nothing in [4 s, 5 s). */
  g_autoptr(GArray) tl = sim_availability_timeline(sc->sim, 500 * SIM_MS, end);
  CU_ASSERT_EQUAL_FATAL(tl->len, 20);
  const SimWindow *w = (const SimWindow *) tl->data;
  CU_ASSERT(w[1].invoked > 0 && w[1].ok == w[1].invoked);  /* [0.5, 1) */
  CU_ASSERT(w[4].invoked > 0 && w[4].ok == 0);             /* [2, 2.5) */
  CU_ASSERT(w[8].invoked == 0 && w[9].invoked == 0);       /* paused */
  CU_ASSERT(w[13].invoked > 0 && w[13].ok == 0);           /* [6.5, 7) */
  CU_ASSERT(w[19].invoked > 0 && w[19].ok == w[19].invoked);
}

/* ------------------------------------------------------------------ */
/* CLI: --csv, --window, --json                                        */

/* The number of entries in `dir` (temporaries are hidden files: count them). */
static guint dir_entries(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  guint n = 0;
  while (d && g_dir_read_name(d))
    n++;
  if (d)
    g_dir_close(d);
  return n;
}

static void test_csv(void)
{
  g_autofree char *dir = g_dir_make_tmp("faultsim-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename(dir, "a.csv", NULL);
  SpawnResult r = spawn_faultsim((const char *[]) { "run", "tests/data/metrics/uptime.lua", "--csv", csv,
                                                     "--window", "1.5s", NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  spawn_result_clear(&r);
  g_autofree char *text = NULL;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(csv, &text, NULL, NULL));
  CU_ASSERT_EQUAL(dir_entries(dir), 1); /* a.csv, no temporary */
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  CU_ASSERT_STRING_EQUAL(lines[0], "t_start_s,t_end_s,invoked,ok,availability");
  CU_ASSERT_EQUAL(g_strv_length(lines), 1 + 7 + 1); /* header, ceil(10/1.5) rows, "" after the last \n */
  CU_ASSERT_STRING_EQUAL(lines[8], "");
  CU_ASSERT_STRING_EQUAL(lines[7], "9,10,83,83,1.000000"); /* the short last window */
  guint64 invoked = 0, ok = 0;
  for (guint i = 1; i <= 7; i++) {
    g_auto(GStrv) f = g_strsplit(lines[i], ",", -1);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(f), 5);
    CU_ASSERT_EQUAL(g_ascii_strtod(f[0], NULL), 1.5 * (i - 1));
    invoked += g_ascii_strtoull(f[2], NULL, 10);
    ok += g_ascii_strtoull(f[3], NULL, 10);
    guint64 n = g_ascii_strtoull(f[2], NULL, 10), k = g_ascii_strtoull(f[3], NULL, 10);
    if (n) {
      g_autofree char *want = g_strdup_printf("%.6f", (double) k / (double) n);
      CU_ASSERT_STRING_EQUAL(f[4], want);
    } else {
      CU_ASSERT_STRING_EQUAL(f[4], "");
    }
  }
  CU_ASSERT_EQUAL(invoked, 481);
  CU_ASSERT_EQUAL(ok, 448);
  g_unlink(csv);

  /* A script failing mid-run, a bad window, a window too small: exit 2,
   * nothing written, not even the temporary file. */
  const char *const bad[][6] = {
    { "run", "tests/data/metrics/fails.lua", "--csv", csv, NULL },
    { "run", "tests/data/metrics/uptime.lua", "--csv", csv, "--window", "0" },
    { "run", "tests/data/metrics/uptime.lua", "--csv", csv, "--window", "fast" },
    { "run", "tests/data/metrics/uptime.lua", "--csv", csv, "--window", "1us" },
  };
  static const char *const messages[] = { "boom at 2 s", "--window", "--window", "windows" };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    const char *args[7] = { 0 };
    memcpy(args, bad[i], sizeof bad[i]);
    SpawnResult b = spawn_faultsim(args);
    CU_ASSERT_EQUAL(b.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(b.err, messages[i]));
    CU_ASSERT_FALSE(g_file_test(csv, G_FILE_TEST_EXISTS));
    CU_ASSERT_EQUAL(dir_entries(dir), 0);
    spawn_result_clear(&b);
  }
  /* An unwritable path fails before the run. */
  g_autofree char *nodir = g_build_filename(dir, "missing", "a.csv", NULL);
  SpawnResult u = spawn_faultsim((const char *[]) { "run", "tests/data/metrics/uptime.lua", "--csv", nodir, NULL });
  CU_ASSERT_EQUAL(u.status, 2);
  spawn_result_clear(&u);
  g_rmdir(dir);
}

static JsonObject *member_object(JsonArray *a, guint i)
{
  return json_node_get_object(json_array_get_element(a, i));
}

static void test_json_keys(void)
{
  SpawnResult r = spawn_faultsim((const char *[]) { "run", "tests/data/metrics/uptime.lua", "--json", NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  g_autoptr(JsonParser) p = json_parser_new();
  CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p, r.out, -1, NULL));
  JsonObject *o = json_node_get_object(json_parser_get_root(p));
  CU_ASSERT_EQUAL(json_object_get_double_member(o, "availability_window_s"), 0.5);
  JsonArray *tl = json_object_get_array_member(o, "availability_timeline");
  CU_ASSERT_PTR_NOT_NULL_FATAL(tl);
  CU_ASSERT_EQUAL_FATAL(json_array_get_length(tl), 20);
  gint64 invoked = 0, ok = 0;
  for (guint i = 0; i < 20; i++) {
    JsonObject *w = member_object(tl, i);
    CU_ASSERT_EQUAL(json_object_get_size(w), 5);
    CU_ASSERT_EQUAL(json_object_get_double_member(w, "t_start_s"), 0.5 * i);
    CU_ASSERT_EQUAL(json_object_get_double_member(w, "t_end_s"), 0.5 * (i + 1));
    invoked += json_object_get_int_member(w, "invoked");
    ok += json_object_get_int_member(w, "ok");
    CU_ASSERT(json_object_has_member(w, "availability"));
  }
  CU_ASSERT_TRUE(json_object_get_null_member(member_object(tl, 8), "availability")); /* nothing invoked */
  JsonObject *ops = json_object_get_object_member(o, "ops");
  CU_ASSERT_EQUAL(invoked, json_object_get_int_member(ops, "invoked"));
  CU_ASSERT_EQUAL(ok, json_object_get_int_member(ops, "ok"));
  JsonArray *nodes = json_object_get_array_member(o, "nodes");
  CU_ASSERT_PTR_NOT_NULL_FATAL(nodes);
  CU_ASSERT_EQUAL_FATAL(json_array_get_length(nodes), 3);
  JsonObject *server = member_object(nodes, 0), *backup = member_object(nodes, 1), *client = member_object(nodes, 2);
  CU_ASSERT_STRING_EQUAL(json_object_get_string_member(server, "name"), "server");
  CU_ASSERT_STRING_EQUAL(json_object_get_string_member(backup, "name"), "backup");
  CU_ASSERT_STRING_EQUAL(json_object_get_string_member(client, "name"), "client1");
  CU_ASSERT_EQUAL(json_object_get_double_member(server, "uptime"), 0.65);
  CU_ASSERT_EQUAL(json_object_get_int_member(server, "crashes"), 2);
  CU_ASSERT_EQUAL(json_object_get_double_member(server, "mttf_s"), 2.5);
  CU_ASSERT_EQUAL(json_object_get_double_member(server, "mttr_s"), 1.75);
  CU_ASSERT_TRUE(json_object_get_null_member(backup, "mttr_s"));
  CU_ASSERT_TRUE(json_object_get_null_member(client, "mttf_s"));
  /* The latency series keeps its shape. */
  JsonObject *ping = json_object_get_object_member(json_object_get_object_member(o, "latency_ms"), "ping");
  CU_ASSERT_PTR_NOT_NULL_FATAL(ping);
  static const char *const keys[] = { "count", "p50", "p90", "p99", "p999", "max" };
  CU_ASSERT_EQUAL(json_object_get_size(ping), G_N_ELEMENTS(keys));
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
    CU_ASSERT_TRUE(json_object_has_member(ping, keys[i]));
  CU_ASSERT_EQUAL(json_object_get_int_member(ping, "count"), 448);
  spawn_result_clear(&r);
}

void suite_metrics(void)
{
  CU_pSuite s = CU_add_suite("metrics", NULL, NULL);
  CU_add_test(s, "histogram quantiles within the error bound", test_histogram_error_bound);
  CU_add_test(s, "histogram quantile ranks against an independent oracle", test_histogram_rank_oracle);
  CU_add_test(s, "histogram edges: empty, non-finite, extremes", test_histogram_edges);
  CU_add_test(s, "timeline windows add up to the totals", test_timeline_sums);
  CU_add_test(s, "uptime, MTTF and MTTR from known crash times", test_uptime_exact);
  CU_add_test(s, "--csv: well-formed, atomic, absent on errors", test_csv);
  CU_add_test(s, "--json: timeline, nodes and latency keys", test_json_keys);
}
