/* Per-run fixed cost (issue 16): what a run costs before it simulates
 * anything, beside the bare cost of a Lua state timed in the same process.
 *   runcost_empty  bench/runcost_empty.lua run RUNCOST_RUNS times through
 *                  scenario_run with the script compiled once, as `check`
 *                  and `sweep` run it: microseconds of CPU per run (issue
 *                  16 asks for at most 40), beside a bare
 *                  lua_newstate + luaL_openlibs + lua_close (stock
 *                  allocator, all ten standard libraries) in the same
 *                  process; rate= is runs per CPU second, ref_rate= bare
 *                  states per CPU second.
 *   runcost_check  short runs per CPU second through batch_run with -j 1,
 *                  the path `faultsim check` takes for a scenario's seeds
 *                  (each run judged with scenario_verdict, as check does):
 *                  the empty scenario (rate=, issue 16 asks for at least
 *                  5,000), bench/sweep_echo.lua, a short echo run of
 *                  about 800 events (echo_rate=), and the empty scenario
 *                  as a file of one seed, read for its seeds and then
 *                  run, as check takes each file (file_rate=).
 *   runcost_sweep  the same through sweep_runner_run, `faultsim sweep`'s
 *                  path (a record and the summary per run).
 * CPU seconds, not wall seconds: the machine is shared, and a run on one
 * thread is one core's work. Timings are reported, never asserted; check=
 * says whether every run completed. */
#include "bench/bench_util.h"
#include "sim/cli/batch.h"
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <time.h>

#define EMPTY_SCRIPT "bench/runcost_empty.lua"
#define ECHO_SCRIPT "bench/sweep_echo.lua"
#define RUNCOST_RUNS 5000
#define ECHO_RUNS 1000
#define RUNCOST_FILES 1000
#define TARGET_US 40
#define TARGET_RATE 5000

/* Bare Lua states per CPU second: the floor any run's state costs. */
static double bare_state_rate(guint n)
{
  double t0 = bench_cpu_seconds();
  for (guint i = 0; i < n; i++) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_close(L);
  }
  return n / MAX(bench_cpu_seconds() - t0, 1e-9);
}

int bench_runcost_empty(gpointer unused)
{
  (void) unused;
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  g_autoptr(ScenarioCode) code = scenario_code_new(EMPTY_SCRIPT, options.limits.mem_limit);
  options.code = code;
  gboolean ok = code != NULL;
  double bare = bare_state_rate(RUNCOST_RUNS);
  double t0 = bench_cpu_seconds();
  for (guint i = 0; ok && i < RUNCOST_RUNS; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(Scenario) sc = scenario_run(EMPTY_SCRIPT, i + 1, NULL, &options, &error);
    if (!sc) {
      fprintf(stderr, "bench: runcost_empty: %s\n", error->message);
      ok = FALSE;
    }
  }
  double rate = RUNCOST_RUNS / MAX(bench_cpu_seconds() - t0, 1e-9);
  g_autofree char *extra = g_strdup_printf("runs=%d us_per_run=%.1f bare_us=%.1f target_us=%d check=%s",
                                           RUNCOST_RUNS, 1e6 / rate, 1e6 / bare, TARGET_US, ok ? "ok" : "FAILED");
  bench_report("runcost_empty", rate, "runs/s", bare, extra);
  return ok ? 0 : 1;
}

typedef struct {
  guint failed;
} CheckTally;

static void judge(guint index, guint64 seed, Scenario *sc, const GError *error, void *data)
{
  (void) index;
  (void) seed;
  (void) error;
  CheckTally *t = data;
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  if (!sc || !scenario_verdict(sc, failures))
    g_atomic_int_inc(&t->failed);
}

/* Runs per CPU second of `n` seeds of `path` through batch_run, -j 1;
 * FALSE in *ok if a run failed or did not hold. */
static double check_rate(const char *path, guint n, gboolean *ok)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  CheckTally tally = { 0 };
  double t0 = bench_cpu_seconds();
  batch_run(path, NULL, &options, 1, n, 1, judge, &tally);
  double rate = n / MAX(bench_cpu_seconds() - t0, 1e-9);
  *ok = *ok && tally.failed == 0;
  return rate;
}

/* Scenario files per CPU second when each has one seed, as check_one
 * takes them: read the seeds (scenario_peek_seeds), then a batch of one. */
static double file_rate(const char *path, guint n, gboolean *ok)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  CheckTally tally = { 0 };
  double t0 = bench_cpu_seconds();
  for (guint i = 0; i < n; i++) {
    guint64 first = 1, last = 1;
    g_autoptr(GError) error = NULL;
    if (!scenario_peek_seeds(path, &first, &last, &error)) {
      tally.failed++;
      continue;
    }
    batch_run(path, NULL, &options, first, 1, 1, judge, &tally);
  }
  double rate = n / MAX(bench_cpu_seconds() - t0, 1e-9);
  *ok = *ok && tally.failed == 0;
  return rate;
}

int bench_runcost_check(gpointer unused)
{
  (void) unused;
  gboolean ok = TRUE;
  double bare = bare_state_rate(RUNCOST_RUNS);
  double empty = check_rate(EMPTY_SCRIPT, RUNCOST_RUNS, &ok);
  double echo = check_rate(ECHO_SCRIPT, ECHO_RUNS, &ok);
  double files = file_rate(EMPTY_SCRIPT, RUNCOST_FILES, &ok);
  g_autofree char *extra = g_strdup_printf("runs=%d us_per_run=%.1f echo_rate=%.0f file_rate=%.0f target_rate=%d "
                                           "check=%s", RUNCOST_RUNS, 1e6 / empty, echo, files, TARGET_RATE,
                                           ok ? "ok" : "FAILED");
  bench_report("runcost_check", empty, "runs/s", bare, extra);
  return ok ? 0 : 1;
}

/* Runs per CPU second of `n` seeds of `path` (parameter `axis`) through
 * sweep_runner_run, -j 1. */
static double sweep_rate(const char *path, const char *axis, guint n, gboolean *ok)
{
  double t0 = bench_cpu_seconds();
  *ok = bench_sweep(path, axis, n, 1) && *ok;
  return n / MAX(bench_cpu_seconds() - t0, 1e-9);
}

int bench_runcost_sweep(gpointer unused)
{
  (void) unused;
  gboolean ok = TRUE;
  double bare = bare_state_rate(RUNCOST_RUNS);
  double empty = sweep_rate(EMPTY_SCRIPT, "x=1", RUNCOST_RUNS, &ok);
  double echo = sweep_rate(ECHO_SCRIPT, "loss=0.01", ECHO_RUNS, &ok);
  g_autofree char *extra = g_strdup_printf("runs=%d us_per_run=%.1f echo_rate=%.0f target_rate=%d check=%s",
                                           RUNCOST_RUNS, 1e6 / empty, echo, TARGET_RATE, ok ? "ok" : "FAILED");
  bench_report("runcost_sweep", empty, "runs/s", bare, extra);
  return ok ? 0 : 1;
}
