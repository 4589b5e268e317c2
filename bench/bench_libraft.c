/* libraft_commit: committed entries per wall-clock second with the real
 * libraft 0.15.0 under simulation (issue 19's cost figure), beside the
 * same run on faultsim's own Raft model in the same process:
 * bench/libraft_commit.lua with impl = libraft, then impl = raft. The
 * rate is libraft's; raft_rate and libraft_over_raft put it beside the
 * model's. The runs must hold (no Raft invariant violated). */
#include "bench/bench_util.h"
#include "sim/lua/scenario.h"
#include <stdio.h>

#define LIBRAFT_COMMIT_SCRIPT "bench/libraft_commit.lua"

/* Runs the script with impl = `impl`; entries applied and wall seconds.
 * FALSE if it could not run or did not hold. */
static gboolean run_impl(const char *impl, double *entries, double *seconds)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  g_autoptr(GHashTable) set = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(set, (gpointer) "impl", (gpointer) impl);
  g_autoptr(GError) error = NULL;
  double t0 = bench_seconds();
  g_autoptr(Scenario) sc = scenario_run(LIBRAFT_COMMIT_SCRIPT, 1, set, &options, &error);
  *seconds = MAX(bench_seconds() - t0, 1e-9);
  *entries = 0;
  if (!sc) {
    fprintf(stderr, "bench: libraft_commit: %s (run from the repository root)\n", error->message);
    return FALSE;
  }
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  gboolean held = scenario_verdict(sc, failures);
  for (guint i = 0; i < failures->len; i++)
    fprintf(stderr, "bench: libraft_commit (%s): %s\n", impl, (char *) failures->pdata[i]);
  sim_metric_get(sc->sim, "applied", entries);
  return held && *entries > 0;
}

int bench_libraft_commit(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate();
  double lib_entries, lib_s, raft_entries, raft_s;
  gboolean ok = run_impl("libraft", &lib_entries, &lib_s);
  ok = run_impl("raft", &raft_entries, &raft_s) && ok;
  double lib_rate = lib_entries / lib_s, raft_rate = raft_entries / raft_s;
  g_autofree char *extra = g_strdup_printf("entries=%.0f seconds=%.3f raft_entries=%.0f raft_rate=%.0f "
                                           "libraft_over_raft=%.3f check=%s", lib_entries, lib_s, raft_entries,
                                           raft_rate, raft_rate > 0 ? lib_rate / raft_rate : 0, ok ? "ok" : "FAILED");
  bench_report("libraft_commit", lib_rate, "entries/s", ref, extra);
  return ok ? 0 : 1;
}
