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
 *   runcost_hooks  what a scenario's Lua hooks cost: kv_quorum_faults.lua
 *                  and kv_abd_faults.lua (their quorum_distinct check is
 *                  hooks on deliveries, sends and ops, _kv_faults.lua),
 *                  seeds 1-HOOK_SEEDS each through batch_run, with their
 *                  hooks (rate=, events per CPU second) and, in the same
 *                  process, with on()/once() doing nothing
 *                  (bench/runcost_hooks.lua; ref_rate=), so ratio= is the
 *                  share of the run left when hooks cost nothing. Hooks
 *                  only watch: both sides must give the same digests and
 *                  every run must hold (check=).
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
#define HOOKS_SCRIPT "bench/runcost_hooks.lua"
#define HOOK_SEEDS 5
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

typedef struct {
  guint failed;
  guint64 events;
  guint64 digests; /* a sum of the runs' digest hashes: equal work on both sides */
} HookTally;

static void tally_hooks(guint index, guint64 seed, Scenario *sc, const GError *error, void *data)
{
  (void) index;
  (void) seed;
  HookTally *t = data;
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  if (!sc || !scenario_verdict(sc, failures)) {
    fprintf(stderr, "bench: runcost_hooks: seed %" G_GUINT64_FORMAT " %s\n", seed,
            error ? error->message : "did not hold");
    t->failed++;
    return;
  }
  t->events += sim_stats(sc->sim)->events;
  g_autofree char *digest = sim_trace_digest(sc->sim);
  t->digests += g_str_hash(digest);
}

/* Events per CPU second of seeds 1..HOOK_SEEDS of each hook scenario, its
 * hooks on or off; the tally gets the runs' events and digests. */
static double hooks_rate(gboolean hooks, HookTally *t)
{
  static const char *const scenarios[] = { "kv_quorum_faults.lua", "kv_abd_faults.lua" };
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  double cpu = 0;
  for (guint i = 0; i < G_N_ELEMENTS(scenarios); i++) {
    g_autoptr(GHashTable) overrides = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    g_hash_table_insert(overrides, "scenario", g_strdup(scenarios[i]));
    g_hash_table_insert(overrides, "hooks", g_strdup(hooks ? "true" : "false"));
    double t0 = bench_cpu_seconds();
    batch_run(HOOKS_SCRIPT, overrides, &options, 1, HOOK_SEEDS, 1, tally_hooks, t);
    cpu += bench_cpu_seconds() - t0;
  }
  return t->events / MAX(cpu, 1e-9);
}

int bench_runcost_hooks(gpointer unused)
{
  (void) unused;
  HookTally with = { 0 }, without = { 0 };
  double bare = hooks_rate(FALSE, &without);
  double rate = hooks_rate(TRUE, &with);
  gboolean ok = with.failed == 0 && without.failed == 0 && with.events == without.events &&
                with.digests == without.digests;
  g_autofree char *extra = g_strdup_printf("runs=%d events=%" G_GUINT64_FORMAT " runs_per_s=%.1f check=%s",
                                           2 * HOOK_SEEDS, with.events, rate * 2 * HOOK_SEEDS / MAX(with.events, 1),
                                           ok ? "ok" : "FAILED");
  bench_report("runcost_hooks", rate, "events/s", bare, extra);
  return ok ? 0 : 1;
}
