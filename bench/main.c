/* faultsim benchmarks: one BENCH line per benchmark (the format is in
 * bench/bench_util.h), each run in a process of its own so that its memory
 * figure is its own. `faultsim-bench [NAME...]` runs only the named ones.
 * Exit 1 if a benchmark's own check failed (a wrong delivered count, a
 * wrong lincheck verdict), 2 on an unknown name. */
#include "bench/bench_util.h"
#include <stdio.h>
#include <string.h>

int bench_timers(gpointer unused);
int bench_pingpong(gpointer unused);
int bench_pingpong_faults(gpointer unused);
int bench_pingpong_bandwidth(gpointer unused);
int bench_node_memory(gpointer unused);
int bench_ring(gpointer unused);
int bench_lincheck(gpointer unused);
int bench_edn(gpointer unused);
int bench_partition(gpointer unused);
int bench_service_saturated(gpointer unused);
int bench_pingpong_service(gpointer unused);
int bench_raft_commit(gpointer unused);
int bench_raft_nemesis(gpointer unused);
int bench_sweep_runs(gpointer unused);
int bench_sweep_memory(gpointer unused);
int bench_shrink_3pc(gpointer unused);

static const struct { const char *name; int (*fn)(gpointer); } benches[] = {
  { "timers", bench_timers },
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
  { "sweep_runs", bench_sweep_runs },
  { "sweep_memory", bench_sweep_memory },
  { "shrink_3pc", bench_shrink_3pc },
  { "node_memory", bench_node_memory },
};

int main(int argc, char **argv)
{
  for (int a = 1; a < argc; a++) {
    gboolean known = FALSE;
    for (size_t i = 0; i < G_N_ELEMENTS(benches); i++)
      known |= strcmp(argv[a], benches[i].name) == 0;
    if (!known) {
      fprintf(stderr, "faultsim-bench: unknown benchmark '%s' (known: timers, pingpong, pingpong_faults, "
              "pingpong_bandwidth, ring, lincheck, edn, partition, service_saturated, pingpong_service, raft_commit, raft_nemesis, sweep_runs, sweep_memory, shrink_3pc, node_memory)\n",
              argv[a]);
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
