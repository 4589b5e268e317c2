/* Raft benchmarks (issue 12, "Performance"), one BENCH line each, fixed
 * seeds, each beside the reference loop timed in the same process:
 *   raft_commit   a 5-node `raft` cluster (default parameters: elections
 *                 150-300 ms, heartbeat 50 ms, max_batch 64) and one
 *                 closed-loop `kv.raft` client (read/write/cas on 5 keys, no
 *                 think time), links uniform 1-2 ms in send order, no
 *                 faults, run until the leader has committed
 *                 RAFT_COMMIT_ENTRIES entries: committed entries per
 *                 wall-clock second (target >= 200,000). The run goes in
 *                 slices of simulated time until enough entries are
 *                 committed; the count is the largest raft_commit index
 *                 any server emitted.
 *   raft_nemesis  the scenario bench/raft_nemesis.lua (10 simulated
 *                 seconds of kv.raft under crashes and partitions,
 *                 lincheck at the end) run as `faultsim run` runs it: wall
 *                 seconds for the whole run, script and lincheck included
 *                 (target < 2 s); the rate is simulated seconds per wall
 *                 second.
 * A check that fails (no leader, a Raft invariant violated, lincheck not
 * OK) prints check=FAILED and makes the benchmark fail.
 *
 * FAULTSIM_BENCH_RAFT_ENTRIES=N commits N entries instead, for a profile
 * under callgrind in reasonable time (the entries figure says which). */
#include "bench/bench_util.h"
#include "models/registry.h"
#include "sim/kernel/model.h"
#include "sim/lua/scenario.h"
#include "sim/lua/workload.h"
#include <stdio.h>
#include <string.h>

#define RAFT_COMMIT_ENTRIES 300000
#define RAFT_NODES 5
#define RAFT_NEMESIS_SCRIPT "bench/raft_nemesis.lua"

/* The largest commit index seen in raft_commit events. */
static void count_commits(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) sim;
  int64_t *committed = data;
  if (ev->kind == SIM_TR_EVENT && ev->msg->type[0] == 'r' && strcmp(ev->msg->type, "raft_commit") == 0) {
    int64_t index = sim_msg_get(ev->msg, "index", 0);
    if (index > *committed)
      *committed = index;
  }
}

/* Adds node `name` running the registered model `model` with the
 * parameter key=value (or none when key is NULL). */
static void add_node(Sim *sim, const char *name, const char *model, const char *key, const char *value)
{
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  if (key)
    g_hash_table_insert(params, (gpointer) key, (gpointer) value);
  g_autoptr(GError) error = NULL;
  if (sim_add_node(sim, name, sim_registry_find(model), params, &error) < 0)
    g_error("bench_raft: %s: %s", name, error->message);
}

int bench_raft_commit(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate();
  g_autoptr(Sim) sim = sim_new(1);
  SimLinkConfig *link = sim_net_default(sim);
  link->latency = (SimDist) { SIM_DIST_UNIFORM, 1 * SIM_MS, 2 * SIM_MS, 0 };
  link->fifo = TRUE;
  g_autoptr(GString) peers = g_string_new(NULL);
  for (int i = 1; i <= RAFT_NODES; i++)
    g_string_append_printf(peers, "%ss%d", i > 1 ? "," : "", i);
  for (int i = 1; i <= RAFT_NODES; i++) {
    char name[16];
    snprintf(name, sizeof name, "s%d", i);
    add_node(sim, name, "raft", "peers", peers->str);
  }
  add_node(sim, "client1", "kv.raft", "servers", peers->str);
  g_autoptr(GError) error = NULL;
  if (!sim_resolve_nodes(sim, &error))
    g_error("bench_raft: %s", error->message);
  WorkloadSet *workloads = workload_set_new(sim);
  WorkloadSpec spec = { 0 };
  spec.think = 0;
  spec.timeout = SIM_S;
  spec.stop = SIM_TIME_MAX;
  spec.keys = 5;
  spec.cas_values = 5;
  spec.ops = g_array_new(FALSE, FALSE, sizeof(WorkloadOp));
  static const char *const ops[] = { "read", "write", "cas" };
  for (gsize i = 0; i < G_N_ELEMENTS(ops); i++) {
    WorkloadOp op = { g_strdup(ops[i]), 1.0 };
    g_array_append_val(spec.ops, op);
  }
  if (!workload_attach(workloads, sim_node_find(sim, "client1"), &spec, &error))
    g_error("bench_raft: %s", error->message);
  workload_spec_clear(&spec);
  int64_t want = RAFT_COMMIT_ENTRIES;
  const char *env = g_getenv("FAULTSIM_BENCH_RAFT_ENTRIES");
  if (env && g_ascii_strtoll(env, NULL, 10) > 0)
    want = g_ascii_strtoll(env, NULL, 10);
  int64_t committed = 0;
  sim_add_observer(sim, count_commits, &committed);
  double t0 = bench_seconds();
  while (committed < want && !sim_stopped(sim) && sim_now(sim) < 10000 * SIM_S)
    sim_run(sim, sim_now(sim) + SIM_S);
  double dt = MAX(bench_seconds() - t0, 1e-9);
  sim_finish(sim);
  const SimStats *st = sim_stats(sim);
  guint64 violations = 0;
  static const char *const invariants[] = { "election_safety", "log_matching", "leader_completeness",
                                            "state_machine_safety" };
  for (gsize i = 0; i < G_N_ELEMENTS(invariants); i++)
    violations += sim_violations(sim, invariants[i]);
  gboolean ok = committed >= want && violations == 0 && !sim_failure(sim);
  g_autofree char *extra = g_strdup_printf("entries=%" G_GINT64_FORMAT " sim_s=%.1f events=%" G_GUINT64_FORMAT
                                           " messages=%" G_GUINT64_FORMAT " ops=%" G_GUINT64_FORMAT
                                           " events_per_s=%.0f target=200000 check=%s", committed,
                                           sim_time_to_seconds(sim_now(sim)), st->events, st->sent, st->invoked,
                                           (double) st->events / dt, ok ? "ok" : "FAILED");
  bench_report("raft_commit", (double) committed / dt, "entries/s", ref, extra);
  if (!ok)
    fprintf(stderr, "bench: raft_commit: %" G_GINT64_FORMAT " entries committed (wanted %" G_GINT64_FORMAT "), %" G_GUINT64_FORMAT
            " Raft invariant violations%s%s\n", committed, want, violations,
            sim_failure(sim) ? ", " : "", sim_failure(sim) ? sim_failure(sim) : "");
  workload_set_free(workloads);
  return ok ? 0 : 1;
}

int bench_raft_nemesis(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate();
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  g_autoptr(GError) error = NULL;
  double t0 = bench_seconds();
  g_autoptr(Scenario) sc = scenario_run(RAFT_NEMESIS_SCRIPT, 1, NULL, &options, &error);
  double dt = MAX(bench_seconds() - t0, 1e-9);
  if (!sc) {
    fprintf(stderr, "bench: raft_nemesis: %s (run from the repository root)\n", error->message);
    bench_report("raft_nemesis", 0, "sim_s/s", ref, "check=FAILED");
    return 1;
  }
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  gboolean held = scenario_verdict(sc, failures);
  double lincheck = 0;
  sim_metric_get(sc->sim, "raft_lincheck", &lincheck);
  const SimStats *st = sim_stats(sc->sim);
  gboolean ok = held && lincheck == 1;
  double sim_s = sim_time_to_seconds(sim_now(sc->sim));
  g_autofree char *extra = g_strdup_printf("seconds=%.3f sim_s=%.0f events=%" G_GUINT64_FORMAT " ops=%" G_GUINT64_FORMAT
                                           " target_s=2 check=%s", dt, sim_s, st->events, st->invoked,
                                           ok ? "ok" : "FAILED");
  bench_report("raft_nemesis", sim_s / dt, "sim_s/s", ref, extra);
  for (guint i = 0; i < failures->len; i++)
    fprintf(stderr, "bench: raft_nemesis: %s\n", (char *) failures->pdata[i]);
  if (lincheck != 1)
    fprintf(stderr, "bench: raft_nemesis: lincheck did not decide (raft_lincheck = %g)\n", lincheck);
  return ok ? 0 : 1;
}
