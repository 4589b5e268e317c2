/* Scenario scripts end to end: each capability scenario's outcome, the error
 * corpus, determinism across processes, --set, `check` and `--help`. */
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include "tests/spawn.h"
#include <CUnit/CUnit.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const ScenarioOptions default_options = SCENARIO_OPTIONS_DEFAULT;

static Scenario *run(const char *path, guint64 seed)
{
  GError *error = NULL;
  Scenario *sc = scenario_run(path, seed, NULL, &default_options, &error);
  if (!sc) {
    fprintf(stderr, "\n%s\n", error->message);
    g_error_free(error);
  }
  return sc;
}

static double metric_value(Scenario *sc, const char *name)
{
  SimMetric *m = g_hash_table_lookup(sc->sim->metrics, name);
  return m ? m->value : NAN;
}

static gboolean verdict(Scenario *sc)
{
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  return scenario_verdict(sc, failures);
}

static void test_timed_faults(void)
{
  for (guint64 seed = 1; seed <= 3; seed++) {
    g_autoptr(Scenario) sc = run("scenarios/faults_timed.lua", seed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sim_violations(sc->sim, "fault_effects"), 0);
    CU_ASSERT(metric_value(sc, "drops_in_partition") >= 1);
    CU_ASSERT(metric_value(sc, "drops_in_oneway_cut") >= 1);
    CU_ASSERT(sim_stats(sc->sim)->info > 0); /* the faults cost operations */
    CU_ASSERT_TRUE(verdict(sc));
  }
}

static void test_nemesis(void)
{
  g_autoptr(Scenario) sc = run("scenarios/nemesis.lua", 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  CU_ASSERT(metric_value(sc, "nemesis_crashes") >= 1);
  CU_ASSERT(metric_value(sc, "nemesis_partitions") >= 1);
  CU_ASSERT(metric_value(sc, "nemesis_pauses") >= 1);
  double a = scenario_availability(sc);
  CU_ASSERT(a > 0.3 && a < 1.0);
  /* Each nemesis has its own stream: changing the crash rate leaves the
   * partition schedule alone. */
  g_autoptr(GHashTable) set = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(set, "mttf", "1000s");
  GError *error = NULL;
  g_autoptr(Scenario) calm = scenario_run("scenarios/nemesis.lua", 1, set, &default_options, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(calm);
  CU_ASSERT_EQUAL(metric_value(calm, "nemesis_partitions"), metric_value(sc, "nemesis_partitions"));
  CU_ASSERT(metric_value(calm, "nemesis_crashes") < metric_value(sc, "nemesis_crashes") ||
            isnan(metric_value(calm, "nemesis_crashes")));
}

static void test_triggers(void)
{
  for (guint64 seed = 1; seed <= 5; seed++) {
    g_autoptr(Scenario) sc = run("scenarios/triggers.lua", seed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sim_violations(sc->sim, "crash_follows_third_pong"), 0);
    CU_ASSERT_EQUAL(sim_violations(sc->sim, "pause_on_tenth_ping"), 0);
    /* The crash happened: some pings went unanswered. */
    CU_ASSERT(sim_stats(sc->sim)->info > 0);
  }
}

static void test_hooks(void)
{
  g_autoptr(Scenario) sc = run("scenarios/hooks.lua", 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  double d = metric_value(sc, "deliveries");
  CU_ASSERT(d >= 58 && d <= 60);
  SimMetric *series = g_hash_table_lookup(sc->sim->metrics, "delivered_so_far");
  CU_ASSERT_PTR_NOT_NULL_FATAL(series);
  CU_ASSERT_EQUAL(sim_histogram_count(series->hist), 6);
  CU_ASSERT_TRUE(g_hash_table_contains(sc->sim->invariants, "pong_seq_positive"));
  CU_ASSERT_TRUE(verdict(sc));
}

static void test_open_loop(void)
{
  g_autoptr(Scenario) sc = run("scenarios/open_loop.lua", 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  /* 200/s for 20 s: Poisson count within 5 standard deviations of 4000. */
  guint64 n = sim_stats(sc->sim)->invoked;
  CU_ASSERT(n > 4000 - 5 * 64 && n < 4000 + 5 * 64);
  double a = scenario_availability(sc);
  CU_ASSERT(a > 0.85 && a < 0.92);
  g_autoptr(GHashTable) set = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(set, "rate", "50");
  GError *error = NULL;
  g_autoptr(Scenario) slow = scenario_run("scenarios/open_loop.lua", 1, set, &default_options, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(slow);
  n = sim_stats(slow->sim)->invoked;
  CU_ASSERT(n > 1000 - 5 * 32 && n < 1000 + 5 * 32);
}

static void test_every_shipped_scenario_loads(void)
{
  /* scenario_peek_seeds runs each file's top level: a typo in any shipped
   * scenario fails here with its message. */
  GDir *dir = g_dir_open("scenarios", 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  guint n = 0;
  for (const char *name; (name = g_dir_read_name(dir));) {
    if (!g_str_has_suffix(name, ".lua"))
      continue;
    g_autofree char *path = g_build_filename("scenarios", name, NULL);
    guint64 first = 0, last = 0;
    GError *error = NULL;
    gboolean ok = scenario_peek_seeds(path, &first, &last, &error);
    if (!ok)
      fprintf(stderr, "\n%s\n", error->message);
    g_clear_error(&error);
    CU_ASSERT_TRUE(ok);
    CU_ASSERT(first >= 1 && last >= first);
    n++;
  }
  g_dir_close(dir);
  CU_ASSERT(n >= 6);
}

/* Every file in tests/data/errors starts with "-- expect: TEXT": running it
 * must exit 2, print TEXT and the file's name on stderr, print nothing on
 * stdout, and leave no trace file behind. */
static void test_error_corpus(void)
{
  const char *dirname = "tests/data/errors";
  GDir *dir = g_dir_open(dirname, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  g_autofree char *tmpdir = g_dir_make_tmp("faultsim-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename(tmpdir, "trace.jsonl", NULL);
  guint n = 0;
  for (const char *name; (name = g_dir_read_name(dir));) {
    g_autofree char *path = g_build_filename(dirname, name, NULL);
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, NULL));
    CU_ASSERT_TRUE_FATAL(g_str_has_prefix(text, "-- expect: "));
    g_autofree char *expect = g_strndup(text + 11, strcspn(text + 11, "\n"));
    SpawnResult r = spawn_faultsim((const char *[]) { "run", path, "--trace", trace, NULL });
    /* g_rmdir succeeds only on an empty folder: no temporary was left. */
    gboolean ok = r.status == 2 && strstr(r.err, expect) && strstr(r.err, name) && r.out[0] == '\0' &&
                  !g_file_test(trace, G_FILE_TEST_EXISTS) && g_rmdir(tmpdir) == 0 && g_mkdir(tmpdir, 0700) == 0;
    if (!ok)
      fprintf(stderr, "\n%s: exit %d, expected '%s', got: %s\n", name, r.status, expect, r.err);
    CU_ASSERT_TRUE(ok);
    spawn_result_clear(&r);
    n++;
  }
  g_dir_close(dir);
  g_rmdir(tmpdir);
  CU_ASSERT(n >= 30);
}

static char *digest_of(const char *json)
{
  const char *p = strstr(json, "\"trace_digest\" : \"");
  return p ? g_strndup(p + 18, 32) : g_strdup("none");
}

static void test_determinism_across_processes(void)
{
  g_autofree char *tmpdir = g_dir_make_tmp("faultsim-XXXXXX", NULL);
  char *digests[3];
  char *traces[3];
  for (int i = 0; i < 3; i++) {
    g_autofree char *path = g_strdup_printf("%s/trace%d.jsonl", tmpdir, i);
    SpawnResult r = spawn_faultsim((const char *[]) { "run", "scenarios/determinism.lua", "--seed", "7",
                                                       "--json", "--trace", path, NULL });
    CU_ASSERT_EQUAL(r.status, 0);
    digests[i] = digest_of(r.out);
    CU_ASSERT_TRUE(g_file_get_contents(path, &traces[i], NULL, NULL));
    g_unlink(path);
    spawn_result_clear(&r);
  }
  CU_ASSERT_STRING_EQUAL(digests[0], digests[1]);
  CU_ASSERT_STRING_EQUAL(digests[0], digests[2]);
  CU_ASSERT_STRING_EQUAL(traces[0], traces[1]);
  CU_ASSERT_STRING_EQUAL(traces[0], traces[2]);
  CU_ASSERT(strlen(traces[0]) > 1000);
  SpawnResult other = spawn_faultsim((const char *[]) { "run", "scenarios/determinism.lua", "--seed", "8", "--json", NULL });
  g_autofree char *d8 = digest_of(other.out);
  CU_ASSERT_STRING_NOT_EQUAL(digests[0], d8);
  spawn_result_clear(&other);
  for (int i = 0; i < 3; i++) {
    g_free(digests[i]);
    g_free(traces[i]);
  }
  g_rmdir(tmpdir);
}

typedef struct {
  guint64 seed;
  char *digest;
} ThreadRun;

static gpointer run_in_thread(gpointer data)
{
  ThreadRun *r = data;
  g_autoptr(Scenario) sc = run("scenarios/nemesis.lua", r->seed);
  r->digest = sc ? sim_trace_digest(sc->sim) : g_strdup("failed");
  return NULL;
}

/* Runs own all their state: four at once on threads give the digests they
 * give one at a time. */
static void test_threads_same_digests(void)
{
  ThreadRun runs[4];
  GThread *threads[4];
  for (int i = 0; i < 4; i++) {
    runs[i] = (ThreadRun) { (guint64) (i % 2) + 1, NULL };
    threads[i] = g_thread_new("run", run_in_thread, &runs[i]);
  }
  for (int i = 0; i < 4; i++)
    g_thread_join(threads[i]);
  for (int i = 0; i < 4; i++) {
    g_autoptr(Scenario) alone = run("scenarios/nemesis.lua", runs[i].seed);
    g_autofree char *digest = sim_trace_digest(alone->sim);
    CU_ASSERT_STRING_EQUAL(runs[i].digest, digest);
  }
  CU_ASSERT_STRING_NOT_EQUAL(runs[0].digest, runs[1].digest);
  for (int i = 0; i < 4; i++)
    g_free(runs[i].digest);
}

static void test_set_errors(void)
{
  SpawnResult r = spawn_faultsim((const char *[]) { "run", "scenarios/open_loop.lua", "--set", "rate=fast", NULL });
  CU_ASSERT_EQUAL(r.status, 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--set rate=fast: expected an integer"));
  spawn_result_clear(&r);
  r = spawn_faultsim((const char *[]) { "run", "scenarios/open_loop.lua", "--set", "colour=red", NULL });
  CU_ASSERT_EQUAL(r.status, 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "declares no parameter 'colour' (it declares: pause, rate)"));
  spawn_result_clear(&r);
  r = spawn_faultsim((const char *[]) { "run", "scenarios/open_loop.lua", "--set", "novalue", NULL });
  CU_ASSERT_EQUAL(r.status, 2);
  spawn_result_clear(&r);
  r = spawn_faultsim((const char *[]) { "run", "scenarios/open_loop.lua", "--seed", "-3", NULL });
  CU_ASSERT_EQUAL(r.status, 2);
  spawn_result_clear(&r);
  r = spawn_faultsim((const char *[]) { "run", "no/such/file.lua", NULL });
  CU_ASSERT_EQUAL(r.status, 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "no/such/file.lua"));
  spawn_result_clear(&r);
}

static void test_check_command(void)
{
  SpawnResult r = spawn_faultsim((const char *[]) { "check", "-j", "3", "scenarios/hooks.lua", "scenarios/triggers.lua", NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "PASS  scenarios/hooks.lua"));
  CU_ASSERT_TRUE(g_str_has_suffix(r.out, "\n2 passed, 0 failed, 0 errors\n"));
  spawn_result_clear(&r);
  r = spawn_faultsim((const char *[]) { "check", "tests/data/check", NULL });
  CU_ASSERT_EQUAL(r.status, 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "FAIL  tests/data/check/too_optimistic.lua"));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "faultsim run tests/data/check/too_optimistic.lua --seed 1)"));
  CU_ASSERT_TRUE(g_str_has_suffix(r.out, "\n1 passed, 1 failed, 0 errors\n"));
  spawn_result_clear(&r);
}

static void test_run_outputs(void)
{
  SpawnResult r = spawn_faultsim((const char *[]) { "run", "--help", NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  const char *flags[] = { "--seed", "--set", "--json", "--trace", "--history" };
  for (size_t i = 0; i < G_N_ELEMENTS(flags); i++)
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, flags[i]));
  spawn_result_clear(&r);
  /* Text and JSON reports carry the numbers of the same run. */
  r = spawn_faultsim((const char *[]) { "run", "scenarios/echo.lua", "--json", NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  const char *keys[] = { "\"scenario\"", "\"seed\"", "\"sim_time_s\"", "\"events\"", "\"trace_digest\"",
                         "\"messages\"", "\"ops\"", "\"availability\"", "\"invariants\"", "\"metrics\"" };
  for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, keys[i]));
  g_autofree char *digest = digest_of(r.out);
  spawn_result_clear(&r);
  r = spawn_faultsim((const char *[]) { "run", "scenarios/echo.lua", NULL });
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, digest));
  spawn_result_clear(&r);
  /* The history file holds one JSON line per invoke and completion. */
  g_autofree char *tmpdir = g_dir_make_tmp("faultsim-XXXXXX", NULL);
  g_autofree char *hist = g_build_filename(tmpdir, "h.jsonl", NULL);
  r = spawn_faultsim((const char *[]) { "run", "scenarios/hooks.lua", "--history", hist, NULL });
  g_autofree char *text = NULL;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(hist, &text, NULL, NULL));
  CU_ASSERT_TRUE(g_str_has_prefix(text, "{\"index\":0,\"time\":"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"type\":\"invoke\",\"f\":\"ping\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"type\":\"ok\",\"f\":\"ping\""));
  spawn_result_clear(&r);
  g_unlink(hist);
  g_rmdir(tmpdir);
}

static double csv_field(const char *line, int col)
{
  g_auto(GStrv) f = g_strsplit(line, ",", -1);
  return (int) g_strv_length(f) > col ? g_ascii_strtod(f[col], NULL) : NAN;
}

static void test_sweep(void)
{
  g_autofree char *tmpdir = g_dir_make_tmp("faultsim-XXXXXX", NULL);
  g_autofree char *csv1 = g_build_filename(tmpdir, "one.csv", NULL);
  g_autofree char *csv2 = g_build_filename(tmpdir, "two.csv", NULL);
  SpawnResult a = spawn_faultsim((const char *[]) { "sweep", "scenarios/open_loop.lua", "--param", "pause=0s,4s",
                                                    "--seeds", "3", "--csv", csv1, NULL });
  SpawnResult b = spawn_faultsim((const char *[]) { "sweep", "scenarios/open_loop.lua", "--param", "pause=0s,4s",
                                                    "--seeds", "3", "--jobs", "3", "--csv", csv2, NULL });
  CU_ASSERT_EQUAL(a.status, 0);
  CU_ASSERT_STRING_EQUAL(a.out, b.out);
  g_autofree char *t1 = NULL, *t2 = NULL;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(csv1, &t1, NULL, NULL));
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(csv2, &t2, NULL, NULL));
  CU_ASSERT_STRING_EQUAL(t1, t2);
  g_auto(GStrv) lines = g_strsplit(t1, "\n", -1);
  CU_ASSERT_TRUE(g_str_has_prefix(lines[0], "param_pause,availability_mean,availability_se,availability_ci95_lo,"
                                             "availability_ci95_hi,availability_n,"));
  CU_ASSERT_TRUE(g_str_has_suffix(lines[0], ",violated,errors"));
  CU_ASSERT_TRUE_FATAL(g_strv_length(lines) == 4);
  /* A 4 s pause of a 20 s run costs about a fifth of the operations. */
  CU_ASSERT(csv_field(lines[1], 1) > 0.99);
  CU_ASSERT(csv_field(lines[2], 1) > 0.75 && csv_field(lines[2], 1) < 0.85);
  CU_ASSERT_EQUAL(csv_field(lines[2], 5), 3); /* availability_n */
  spawn_result_clear(&a);
  spawn_result_clear(&b);
  g_unlink(csv1);
  g_unlink(csv2);
  g_rmdir(tmpdir);
  SpawnResult bad = spawn_faultsim((const char *[]) { "sweep", "scenarios/open_loop.lua", "--param", "colour=1", NULL });
  CU_ASSERT_EQUAL(bad.status, 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(bad.err, "declares no parameter 'colour'"));
  spawn_result_clear(&bad);
  bad = spawn_faultsim((const char *[]) { "sweep", "scenarios/open_loop.lua", NULL });
  CU_ASSERT_EQUAL(bad.status, 2);
  spawn_result_clear(&bad);
}

/* The 2PC-or-quorum comparison: at p = 0.1, 2PC needs all four nodes up,
 * the quorum two of three; each is near its formula. */
static void test_compare_2pc_quorum(void)
{
  double twopc = 0, quorum = 0;
  for (guint64 seed = 1; seed <= 4; seed++) {
    g_autoptr(GHashTable) set = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(set, "down", "0.1");
    GError *error = NULL;
    g_autoptr(Scenario) a = scenario_run("scenarios/compare_2pc.lua", seed, set, &default_options, &error);
    g_autoptr(Scenario) b = scenario_run("scenarios/compare_quorum.lua", seed, set, &default_options, &error);
    CU_ASSERT_TRUE_FATAL(a && b);
    twopc += scenario_availability(a) / 4;
    quorum += scenario_availability(b) / 4;
  }
  CU_ASSERT(fabs(twopc - 0.6561) < 0.06);
  CU_ASSERT(fabs(quorum - 0.972) < 0.02);
}

/* Every API function called with arguments of every type: errors, never a
 * crash (this also runs under the sanitizer build); each error names its
 * function without showing an address, and one that escapes pcall ends the
 * run with exit 2 and the FILE:LINE of the call. */
static void test_api_garbage(void)
{
  static const char path[] = "tests/data/fuzz/api_garbage.lua";
  SpawnResult r = spawn_faultsim((const char *[]) { "run", path, "--json", NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  spawn_result_clear(&r);
  /* The messages: every failing call's message names its function and
   * shows no address (the script's own check, counted here). */
  g_autoptr(Scenario) sc = run(path, 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  CU_ASSERT(metric_value(sc, "api_calls") >= 10000);
  CU_ASSERT(metric_value(sc, "api_errors") >= 5000);
  SimInvariant *inv = g_hash_table_lookup(sc->sim->invariants, "error_messages");
  CU_ASSERT_PTR_NOT_NULL_FATAL(inv);
  CU_ASSERT_EQUAL(inv->count, 0);
  if (inv->count)
    fprintf(stderr, "\n  %s\n", (char *) inv->examples->pdata[0]);

  /* An error that escapes: exit 2, "FILE:LINE:" of the failing function's
   * wrapper in the script, and the function's name in the message. */
  g_autofree char *script = NULL;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &script, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit(script, "\n", -1);
  for (int seed = 1; seed <= 4; seed++) {
    g_autofree char *seed_text = g_strdup_printf("%d", seed);
    r = spawn_faultsim((const char *[]) { "run", path, "--set", "escape=true", "--seed", seed_text, NULL });
    CU_ASSERT_EQUAL(r.status, 2);
    const char *said = strstr(r.err, "api_garbage: escaping with ");
    CU_ASSERT_PTR_NOT_NULL(said);
    if (!said) {
      spawn_result_clear(&r);
      continue;
    }
    g_autofree char *name = g_strndup(said + strlen("api_garbage: escaping with "),
                                      strcspn(said + strlen("api_garbage: escaping with "), "\n"));
    g_autofree char *quoted = g_strdup_printf("\"%s\"", name);
    guint line = 0;
    for (guint i = 0; lines[i] && !line; i++)
      if (strstr(lines[i], quoted) && strstr(lines[i], "function("))
        line = i + 1;
    CU_ASSERT(line > 0);
    g_autofree char *where = g_strdup_printf("%s:%u: ", path, line);
    const char *msg = strstr(r.err, where);
    CU_ASSERT_PTR_NOT_NULL(msg);
    const char *word = strchr(name, ':') ? strchr(name, ':') + 1 : name; /* rng:pick names pick */
    if (msg)
      CU_ASSERT_PTR_NOT_NULL(strstr(msg + strlen(where), word));
    if (!msg)
      fprintf(stderr, "\n  seed %d: no '%s' in: %s\n", seed, where, r.err);
    spawn_result_clear(&r);
  }
}

/* Lines of data block `index` (blocks are separated by two blank lines;
 * comment lines are skipped). */
static guint block_lines(const char *text, guint index, const char *containing)
{
  g_auto(GStrv) blocks = g_strsplit(text, "\n\n\n", -1);
  if (index >= g_strv_length(blocks))
    return 0;
  g_auto(GStrv) lines = g_strsplit(blocks[index], "\n", -1);
  guint n = 0;
  for (guint i = 0; lines[i]; i++)
    if (lines[i][0] && lines[i][0] != '#' && !g_str_has_prefix(lines[i], "nan") &&
        (!containing || strstr(lines[i], containing)))
      n++;
  return n;
}

/* The rows of data block `index`, split into tab-separated fields (comment
 * and dummy "nan" lines left out). */
static GPtrArray *block_rows(const char *text, guint index)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
  g_auto(GStrv) blocks = g_strsplit(text, "\n\n\n", -1);
  if (index >= g_strv_length(blocks))
    return rows;
  g_auto(GStrv) lines = g_strsplit(blocks[index], "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (lines[i][0] && lines[i][0] != '#' && !g_str_has_prefix(lines[i], "nan"))
      g_ptr_array_add(rows, g_strsplit(lines[i], "\t", -1));
  return rows;
}

/* The README's picture of the 2PC lab's failure (seed 5, 5.70-5.84 s),
 * checked on its data: the lost DECISION is marked at the coordinator with
 * p2 named, decisions read "abort"/"commit" through --values, idle stretches
 * are drawn shorter and say so, time keeps its order, and no two labels
 * overprint (boxes from the page geometry plots/spacetime.gp draws: 170 px
 * per column, 760 px of time, 5.5 px per character, 11 px per line). */
static void test_spacetime_readable(void)
{
  g_autofree char *tmpdir = g_dir_make_tmp("faultsim-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename(tmpdir, "t.jsonl", NULL);
  SpawnResult r = spawn_faultsim((const char *[]) { "run", "scenarios/labs/2pc/grade.lua", "--seed", "5", "--set",
                                                    "solution=_wrong_decide_alone.lua", "--trace", trace, NULL });
  CU_ASSERT_EQUAL(r.status, 1);
  spawn_result_clear(&r);
  r = spawn_faultsim((const char *[]) { "spacetime", trace, "--from", "5.70", "--to", "5.84", "--values",
                                        "commit=0:abort,1:commit", NULL });
  CU_ASSERT_EQUAL_FATAL(r.status, 0);
  g_autoptr(GPtrArray) nodes = block_rows(r.out, 0), lost = block_rows(r.out, 2), marks = block_rows(r.out, 3);
  g_autoptr(GPtrArray) labels = block_rows(r.out, 4), shortened = block_rows(r.out, 6);
  CU_ASSERT_EQUAL_FATAL(nodes->len, 5); /* coord p1 p2 p3 client1 */
  CU_ASSERT_STRING_EQUAL(((char **) nodes->pdata[2])[1], "p2");
  /* The lost DECISION: from coord (column 0) toward p2 (column 2); its
   * cross is nearer the sender than any other column. */
  gboolean decision_lost = FALSE;
  for (guint i = 0; i < lost->len; i++) {
    char **f = lost->pdata[i];
    CU_ASSERT_FATAL(g_strv_length(f) >= 7);
    if (strcmp(f[3], "DECISION abort") == 0 && strcmp(f[0], "0") == 0 && strcmp(f[2], "2") == 0) {
      decision_lost = TRUE;
      double cross = atof(f[0]) + atof(f[5]);
      CU_ASSERT(cross > 0 && cross < 0.5);
    }
  }
  CU_ASSERT_TRUE(decision_lost);
  /* Decisions read as words; time runs down in order. */
  gboolean coord_abort = FALSE, p2_commit = FALSE;
  double last_t = -1, last_y = -1;
  for (guint i = 0; i < marks->len; i++) {
    char **f = marks->pdata[i];
    CU_ASSERT_FATAL(g_strv_length(f) >= 4);
    CU_ASSERT_PTR_NULL(strstr(f[2], "commit="));
    coord_abort |= strcmp(f[0], "0") == 0 && strcmp(f[2], "decide abort txn=64") == 0;
    p2_commit |= strcmp(f[0], "2") == 0 && strcmp(f[2], "decide commit txn=64") == 0;
    double t = atof(f[3]), y = atof(f[1]);
    CU_ASSERT(t >= last_t && y >= last_y);
    last_t = t;
    last_y = y;
  }
  CU_ASSERT_TRUE(coord_abort);
  CU_ASSERT_TRUE(p2_commit);
  /* The ~100 ms between the lost message and p2's commit are drawn shorter,
   * and marked with their real lengths. */
  CU_ASSERT(shortened->len >= 1);
  double drawn_idle = 0;
  for (guint i = 0; i < shortened->len; i++) {
    char **f = shortened->pdata[i];
    CU_ASSERT_FATAL(g_strv_length(f) >= 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(f[2], " ms idle"));
    drawn_idle += atof(f[1]) - atof(f[0]);
    CU_ASSERT(atof(f[2]) > atof(f[1]) - atof(f[0]));
  }
  /* No two labels overprint. */
  double ymin = atof(((char **) nodes->pdata[0])[2]), ymax = atof(((char **) nodes->pdata[0])[3]);
  double line = (ymax - ymin) * 1.04 * 11.0 / 760.0;
  CU_ASSERT(drawn_idle <= 0.45 * (ymax - ymin)); /* the bursts get most of the room */
  CU_ASSERT(labels->len >= 9);
  gboolean named_receiver = FALSE;
  for (guint i = 0; i < labels->len; i++) {
    char **a = labels->pdata[i];
    CU_ASSERT_FATAL(g_strv_length(a) >= 3);
    named_receiver |= strcmp(a[2], "DECISION abort to p2: lost") == 0;
    double ax = atof(a[0]), aw = (double) strlen(a[2]) * 5.5 / 170.0;
    for (guint j = i + 1; j < labels->len; j++) {
      char **b = labels->pdata[j];
      CU_ASSERT_FATAL(g_strv_length(b) >= 3);
      double bx = atof(b[0]), bw = (double) strlen(b[2]) * 5.5 / 170.0;
      gboolean clash = ax < bx + bw && bx < ax + aw && fabs(atof(a[1]) - atof(b[1])) < 0.9 * line;
      CU_ASSERT_FALSE(clash);
      if (clash)
        fprintf(stderr, "\n  labels overprint: '%s' and '%s'", a[2], b[2]);
    }
  }
  CU_ASSERT_TRUE(named_receiver);
  spawn_result_clear(&r);
  g_unlink(trace);
  g_rmdir(tmpdir);
}

static void test_spacetime(void)
{
  g_autofree char *tmpdir = g_dir_make_tmp("faultsim-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename(tmpdir, "t.jsonl", NULL);
  SpawnResult r = spawn_faultsim((const char *[]) { "run", "scenarios/triggers.lua", "--trace", trace, NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  spawn_result_clear(&r);
  /* Every delivered message of the whole run is an arrow; the crash and
   * restart of the server and the pause of client2 are marks. */
  r = spawn_faultsim((const char *[]) { "spacetime", trace, "--limit", "100000", NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  g_autofree char *text = NULL;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(trace, &text, NULL, NULL));
  guint delivers = 0, drops = 0;
  for (const char *p = text; (p = strstr(p, "\"kind\":\"deliver\"")); p++)
    delivers++;
  for (const char *p = text; (p = strstr(p, "\"kind\":\"drop\"")); p++)
    drops++;
  CU_ASSERT_EQUAL(block_lines(r.out, 0, NULL), 3); /* server, client1, client2 */
  CU_ASSERT_EQUAL(block_lines(r.out, 1, NULL), delivers);
  CU_ASSERT_EQUAL(block_lines(r.out, 2, NULL), drops);
  CU_ASSERT(drops > 0);
  CU_ASSERT_EQUAL(block_lines(r.out, 3, "crash"), 1);
  CU_ASSERT_EQUAL(block_lines(r.out, 3, "restart"), 1);
  CU_ASSERT_EQUAL(block_lines(r.out, 3, "pause"), 1);
  spawn_result_clear(&r);
  /* A window keeps only what was sent in it; a limit caps the arrows. */
  r = spawn_faultsim((const char *[]) { "spacetime", trace, "--from", "1", "--to", "1.5", "--limit", "5", NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  CU_ASSERT_EQUAL(block_lines(r.out, 1, NULL), 5);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "only the first 5 arrows"));
  spawn_result_clear(&r);
  /* Not a trace: exit 2 naming the file and line. */
  g_autofree char *bad = g_build_filename(tmpdir, "bad.jsonl", NULL);
  g_file_set_contents(bad, "{\"t\":1,\"kind\":\"send\"}\n{\"oops\":1}\n", -1, NULL);
  r = spawn_faultsim((const char *[]) { "spacetime", bad, NULL });
  CU_ASSERT_EQUAL(r.status, 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "bad.jsonl:2:"));
  CU_ASSERT_STRING_EQUAL(r.out, "");
  spawn_result_clear(&r);
  g_unlink(bad);
  g_unlink(trace);
  g_rmdir(tmpdir);
}

void suite_scenarios(void)
{
  CU_pSuite s = CU_add_suite("scenarios", NULL, NULL);
  CU_add_test(s, "timed faults take effect", test_timed_faults);
  CU_add_test(s, "nemesis processes inject faults on their own streams", test_nemesis);
  CU_add_test(s, "faults triggered by protocol events", test_triggers);
  CU_add_test(s, "hooks, invariants and script metrics", test_hooks);
  CU_add_test(s, "open-loop workload rate and timeouts", test_open_loop);
  CU_add_test(s, "every shipped scenario loads", test_every_shipped_scenario_loads);
  CU_add_test(s, "bad scripts exit 2 naming file and line", test_error_corpus);
  CU_add_test(s, "same seed, same trace in separate processes", test_determinism_across_processes);
  CU_add_test(s, "runs on threads give the same digests", test_threads_same_digests);
  CU_add_test(s, "--set and bad arguments", test_set_errors);
  CU_add_test(s, "faultsim check", test_check_command);
  CU_add_test(s, "run --help, --json and --history", test_run_outputs);
  CU_add_test(s, "sweep: table and CSV, the same for any --jobs", test_sweep);
  CU_add_test(s, "API calls with garbage arguments: named errors, FILE:LINE when they escape", test_api_garbage);
  CU_add_test(s, "spacetime: arrows, losses and marks from a trace", test_spacetime);
  CU_add_test(s, "spacetime: the 2PC lab failure reads: losses at the sender, named values, no overprint", test_spacetime_readable);
  CU_add_test(s, "2PC against a quorum near their formulas", test_compare_2pc_quorum);
}
