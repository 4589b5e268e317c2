/* Kernel benchmarks: timers, pingpong through the network, partitions of
 * many nodes, node memory. */
#include "bench/bench_util.h"
#include "sim/kernel/model.h"

#define TIMER_ENTITIES 1000
#define TIMER_EVENTS 10000000ULL

static void timer_rearm(SimNode *node)
{
  sim_timer_after(node, sim_rng_range(sim_node_rng(node), 1, SIM_MS), 0);
}

static void timer_on_timer(SimNode *node, uint64_t tag)
{
  (void) tag;
  timer_rearm(node);
}

static const SimParamSpec no_params[] = { { NULL } };

static const SimModel bench_timer_model = {
  .name = "bench.timer",
  .summary = "re-arms a timer after a uniform 1ns..1ms delay",
  .params = no_params,
  .init = timer_rearm,
  .on_timer = timer_on_timer,
};

void bench_timers(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  for (int i = 0; i < TIMER_ENTITIES; i++) {
    char name[32];
    snprintf(name, sizeof name, "t%d", i);
    sim_add_node(sim, name, &bench_timer_model, NULL, NULL);
  }
  sim_run(sim, 0); /* start every entity */
  guint64 start_events = sim_stats(sim)->events;
  double t0 = bench_seconds();
  /* Run in slices so the loop itself stays untouched by the bench. */
  while (sim_stats(sim)->events - start_events < TIMER_EVENTS)
    sim_run(sim, sim_now(sim) + 10 * SIM_MS);
  double dt = bench_seconds() - t0;
  bench_report("timers", (double) (sim_stats(sim)->events - start_events) / dt, "events/s");
}

void bench_pingpong(void)
{
  extern const SimModel model_bench_forward;
  g_autoptr(Sim) sim = sim_new(2);
  sim_net_default(sim)->latency = (SimDist) { SIM_DIST_UNIFORM, 100 * SIM_US, 2 * SIM_MS, 0 };
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "hops", "2000");
  for (int i = 0; i < 1000; i++) {
    char name[32];
    snprintf(name, sizeof name, "p%d", i);
    sim_add_node(sim, name, &model_bench_forward, params, NULL);
  }
  double t0 = bench_seconds();
  sim_run(sim, SIM_TIME_MAX);
  double dt = bench_seconds() - t0;
  bench_report("pingpong", (double) sim_stats(sim)->delivered / dt, "messages/s");
}

void bench_node_memory(void)
{
  const int n = 1000000;
  long before = bench_status_kb("VmRSS");
  Sim *sim = sim_new(3);
  for (int i = 0; i < n; i++) {
    char name[32];
    snprintf(name, sizeof name, "n%d", i);
    sim_add_node(sim, name, &bench_timer_model, NULL, NULL);
  }
  long after = bench_status_kb("VmRSS");
  double bytes = (double) (after - before) * 1024.0 / n;
  printf("BENCH name=node_memory rate=%.0f unit=bytes/node rss_kb=%ld\n", bytes, bench_status_kb("VmHWM"));
  fflush(stdout);
  sim_free(sim);
}

/* partition() of 10^4 nodes into two halves, a million link checks across
 * it, then heal(): the partition used to be 10^8 hash inserts on keys
 * that all collided. */
void bench_partition(void)
{
  const int n = 10000;
  g_autoptr(Sim) sim = sim_new(4);
  for (int i = 0; i < n; i++) {
    char name[32];
    snprintf(name, sizeof name, "n%d", i);
    sim_add_node(sim, name, &bench_timer_model, NULL, NULL);
  }
  g_autofree int *group_of = g_new(int, n);
  for (int i = 0; i < n; i++)
    group_of[i] = i % 2;
  double t0 = bench_seconds();
  sim_net_partition(sim, group_of, n);
  double dt = bench_seconds() - t0;
  SimRng rng;
  sim_rng_init(&rng, 4, "bench");
  guint64 cut = 0;
  double t1 = bench_seconds();
  for (int i = 0; i < 1000000; i++)
    cut += sim_net_is_cut(sim, (int) sim_rng_below(&rng, n), (int) sim_rng_below(&rng, n));
  double dt_check = bench_seconds() - t1;
  sim_net_heal(sim);
  printf("BENCH name=partition_10k rate=%.1f unit=partitions/s rss_kb=%ld\n", 1.0 / dt, bench_status_kb("VmHWM"));
  printf("BENCH name=partition_is_cut rate=%.0f unit=checks/s rss_kb=%ld\n", 1e6 / dt_check, bench_status_kb("VmHWM"));
  fflush(stdout);
  g_assert(cut > 400000 && cut < 600000);
}
