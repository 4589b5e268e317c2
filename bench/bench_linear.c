/* Cost must grow linearly with simulated time (issue 16, "Also"): for each
 * model family a representative shipped scenario is run for T and for 2T
 * of simulated time (through bench/linear.lua, which sets the duration and
 * lets the clients run to the end) at seed 1, and the CPU seconds of the
 * two runs are compared. A cost ratio near 2 is linear; above 2.4 the
 * family is flagged (flag=SUPERLINEAR; a finding to chase, not a failed
 * benchmark: the exit status stays 0): something — a checker replaying its
 * whole history, a model scanning a log that only grows — costs more per
 * simulated second the longer the run. Each run is repeated three times
 * and its fastest kept (a shared machine only ever adds time). One line per
 * family:
 *   BENCH name=linear_FAMILY rate=EVENTS_PER_CPU_S_AT_2T unit=events/s ...
 *     scenario=FILE T_s=T cost_ratio=C events_ratio=E flag=ok|SUPERLINEAR
 * events_ratio says whether the run itself doubled (it should, near 2). */
#include "bench/bench_util.h"
#include "sim/lua/scenario.h"
#include <stdio.h>

#define LINEAR_SCRIPT "bench/linear.lua"
#define LINEAR_FLAG 2.4
#define LINEAR_REPEATS 3

typedef struct {
  const char *family, *scenario;
  int seconds; /* T */
} LinearCase;

/* Each a shipped scenario whose clients keep the family's protocol busy
 * for the whole run (with `stop` lifted), with faults where it has them;
 * T gives some tens of thousands of events. */
static const LinearCase linear_cases[] = {
  { "lock", "lock_network_faults.lua", 60 },
  { "txn", "txn_2pc_mixed.lua", 20 },
  { "ring", "kv_quorum_faults.lua", 5 },
  { "kv_abd", "kv_abd_faults.lua", 5 },
  { "raft", "raft_nemesis.lua", 60 },
  { "zk", "zk_faults.lua", 10 },
  { "kafka", "kafka_nemesis.lua", 30 },
  { "hdfs", "hdfs_rereplication.lua", 100 },
  { "capacity", "capacity_mm1.lua", 10 },
};

/* Runs the case for `seconds` of simulated time, LINEAR_REPEATS times;
 * *events gets the events of a run. Returns the fastest run's CPU seconds,
 * or -1 (with a message) if the scenario could not run. */
static double linear_run(const LinearCase *c, int seconds, guint64 *events)
{
  g_autoptr(GHashTable) overrides = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert(overrides, "scenario", g_strdup(c->scenario));
  g_hash_table_insert(overrides, "T", g_strdup_printf("%ds", seconds));
  double best = -1;
  for (int r = 0; r < LINEAR_REPEATS; r++) {
    ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
    g_autoptr(GError) error = NULL;
    double t0 = bench_cpu_seconds();
    g_autoptr(Scenario) sc = scenario_run(LINEAR_SCRIPT, 1, overrides, &options, &error);
    double dt = bench_cpu_seconds() - t0;
    if (!sc) {
      fprintf(stderr, "bench: linear_%s: %s\n", c->family, error ? error->message : "did not run");
      return -1;
    }
    *events = sim_stats(sc->sim)->events;
    if (best < 0 || dt < best)
      best = dt;
  }
  return best;
}

/* One BENCH line for the case; 1 if it could not run. */
static int linear_case(const LinearCase *c)
{
  double ref = bench_reference_rate();
  guint64 e1 = 0, e2 = 0;
  double t1 = linear_run(c, c->seconds, &e1);
  double t2 = t1 < 0 ? -1 : linear_run(c, 2 * c->seconds, &e2);
  if (t1 <= 0 || t2 <= 0 || e1 == 0)
    return 1;
  double cost = t2 / t1, grew = (double) e2 / (double) e1;
  gboolean ok = cost <= LINEAR_FLAG;
  g_autofree char *name = g_strdup_printf("linear_%s", c->family);
  g_autofree char *extra = g_strdup_printf("scenario=%s T_s=%d cost_ratio=%.2f events_ratio=%.2f flag=%s",
                                           c->scenario, c->seconds, cost, grew, ok ? "ok" : "SUPERLINEAR");
  bench_report(name, (double) e2 / t2, "events/s", ref, extra);
  if (!ok)
    fprintf(stderr, "bench: %s: doubling simulated time cost %.2fx (over %.1f): not linear\n", name, cost,
            LINEAR_FLAG);
  return 0;
}

int bench_linear(gpointer unused)
{
  (void) unused;
  int status = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(linear_cases); i++)
    status |= linear_case(&linear_cases[i]);
  return status;
}
