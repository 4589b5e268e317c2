/* faultsim benchmarks: one BENCH line per benchmark (the format is in
 * bench/bench_util.h), each run in a process of its own so that its memory
 * figure is its own. `faultsim-bench [NAME...]` runs only the named ones.
 * Exit 1 if a benchmark's own check failed (a wrong delivered count, a
 * wrong lincheck verdict), 2 on an unknown name. */
#include "bench/bench_util.h"
#include <stdio.h>
#include <string.h>

int bench_timers(gpointer unused);
int bench_timers_1k(gpointer unused);
int bench_timers_100k(gpointer unused);
int bench_timers_1m(gpointer unused);
int bench_linear(gpointer unused);
int bench_pingpong(gpointer unused);
int bench_pingpong_faults(gpointer unused);
int bench_pingpong_bandwidth(gpointer unused);
int bench_node_memory(gpointer unused);
int bench_node_memory_idle(gpointer unused);
int bench_node_memory_10m(gpointer unused);
int bench_scale(gpointer unused);
int bench_msg_memory(gpointer unused);
int bench_ring(gpointer unused);
int bench_lincheck(gpointer unused);
int bench_edn(gpointer unused);
int bench_partition(gpointer unused);
int bench_service_saturated(gpointer unused);
int bench_pingpong_service(gpointer unused);
int bench_raft_commit(gpointer unused);
int bench_raft_nemesis(gpointer unused);
int bench_libraft_commit(gpointer unused);
int bench_sweep_runs(gpointer unused);
int bench_sweep_memory(gpointer unused);
int bench_lua_forward(gpointer unused);
int bench_lua_echo(gpointer unused);
int bench_lua_echo_source(gpointer unused);
int bench_lua_table(gpointer unused);
int bench_lua_ceiling(gpointer unused);
int bench_runcost_empty(gpointer unused);
int bench_runcost_check(gpointer unused);
int bench_runcost_sweep(gpointer unused);
int bench_runcost_hooks(gpointer unused);
int bench_explore_runs(gpointer unused);
int bench_shrink_3pc(gpointer unused);

static const struct { const char *name; int (*fn)(gpointer); } benches[] = {
  { "timers", bench_timers },
  { "timers_1k", bench_timers_1k },
  { "timers_100k", bench_timers_100k },
  { "timers_1m", bench_timers_1m },
  { "pingpong", bench_pingpong },
  { "pingpong_faults", bench_pingpong_faults },
  { "pingpong_bandwidth", bench_pingpong_bandwidth },
  { "ring", bench_ring },
  { "lincheck", bench_lincheck },
  { "edn", bench_edn },
  { "partition", bench_partition },
  { "service_saturated", bench_service_saturated },
  { "pingpong_service", bench_pingpong_service },
  { "raft_commit", bench_raft_commit },
  { "raft_nemesis", bench_raft_nemesis },
  { "libraft_commit", bench_libraft_commit },
  { "sweep_runs", bench_sweep_runs },
  { "sweep_memory", bench_sweep_memory },
  { "lua_forward", bench_lua_forward },
  { "lua_echo", bench_lua_echo },
  { "lua_echo_source", bench_lua_echo_source },
  { "lua_table", bench_lua_table },
  { "lua_ceiling", bench_lua_ceiling },
  { "runcost_empty", bench_runcost_empty },
  { "runcost_check", bench_runcost_check },
  { "runcost_sweep", bench_runcost_sweep },
  { "runcost_hooks", bench_runcost_hooks },
  { "explore_runs", bench_explore_runs },
  { "shrink_3pc", bench_shrink_3pc },
  { "node_memory", bench_node_memory },
  { "node_memory_idle", bench_node_memory_idle },
  { "node_memory_10m", bench_node_memory_10m },
  { "scale", bench_scale },
  { "msg_memory", bench_msg_memory },
  { "linear", bench_linear },
};

int main(int argc, char **argv)
{
  for (int a = 1; a < argc; a++) {
    gboolean known = FALSE;
    for (size_t i = 0; i < G_N_ELEMENTS(benches); i++)
      known |= strcmp(argv[a], benches[i].name) == 0;
    if (!known) {
      fprintf(stderr, "faultsim-bench: unknown benchmark '%s' (known:", argv[a]);
      for (size_t i = 0; i < G_N_ELEMENTS(benches); i++)
        fprintf(stderr, "%s %s", i ? "," : "", benches[i].name);
      fprintf(stderr, ")\n");
      return 2;
    }
  }
  int status = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(benches); i++) {
    gboolean run = argc < 2;
    for (int a = 1; a < argc; a++)
      run |= strcmp(argv[a], benches[i].name) == 0;
    if (run)
      status |= bench_fork(benches[i].fn, NULL);
  }
  return status ? 1 : 0;
}
