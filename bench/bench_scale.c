/* Messages at scale (issue 16): the message rate with a million messages
 * in flight and with a million nodes, each beside the rate with a thousand
 * of both measured in the same process (target: at least half), and the
 * resident bytes a message in flight costs (target: at most 96).
 *
 * The protocol is bench.forward's: every message received is sent on to a
 * node drawn from the receiver's own stream, over links of uniform
 * 100 us..2 ms latency, so each delivery reads a random node's record and
 * the in-flight count stays where it was put. */
#include "bench/bench_util.h"
#include "sim/kernel/model.h"
#include <stdio.h>
#include <time.h>

/* CPU seconds of this process: the machine is shared, and a rate per
 * CPU-second is what the table compares. */
static double cpu_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* wallclock-ok: benchmark timing (CPU time) */
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static const SimParamSpec no_params[] = { { NULL } };

static void scale_on_message(SimNode *node, const SimMsg *msg)
{
  Sim *sim = sim_node_sim(node);
  SimMsg *next = sim_msg_new(node, msg->type);
  sim_msg_set(next, "hops", sim_msg_get(msg, "hops", 0) + 1);
  sim_send(node, (int) sim_rng_below(sim_node_rng(node), sim_node_count(sim)), next);
}

static const SimModel scale_model = {
  .name = "bench.scale",
  .summary = "forwards every message to a random node, for ever",
  .params = no_params,
  .on_message = scale_on_message,
};

/* A Sim of `nodes` bench.scale nodes (started) with `in_flight` one-field
 * messages sent from node j % nodes to random nodes. */
static Sim *scale_sim(int nodes, int in_flight, long *rss_before_kb, long *rss_after_kb)
{
  Sim *sim = sim_new(5);
  sim_net_default(sim)->latency = (SimDist) { SIM_DIST_UNIFORM, 100 * SIM_US, 2 * SIM_MS, 0 };
  for (int i = 0; i < nodes; i++) {
    char name[32];
    snprintf(name, sizeof name, "n%d", i);
    sim_add_node(sim, name, &scale_model, NULL, NULL);
  }
  sim_run(sim, 0);
  SimRng rng;
  sim_rng_init(&rng, 5, "bench");
  if (rss_before_kb)
    *rss_before_kb = bench_status_kb("VmRSS");
  for (int j = 0; j < in_flight; j++) {
    SimNode *from = sim_node(sim, j % nodes);
    SimMsg *m = sim_msg_new(from, "HOP");
    sim_msg_set(m, "hops", 0);
    sim_send(from, (int) sim_rng_below(&rng, (guint64) nodes), m);
  }
  if (rss_after_kb)
    *rss_after_kb = bench_status_kb("VmRSS");
  return sim;
}

/* Deliveries per CPU-second over `count` deliveries, after as many as there
 * are messages in flight (so every message has moved once). */
static double scale_rate(int nodes, int in_flight, guint64 count)
{
  g_autoptr(Sim) sim = scale_sim(nodes, in_flight, NULL, NULL);
  while (sim_stats(sim)->delivered < (guint64) in_flight)
    sim_run(sim, sim_now(sim) + SIM_MS);
  guint64 start = sim_stats(sim)->delivered;
  double t0 = cpu_seconds();
  while (sim_stats(sim)->delivered - start < count)
    sim_run(sim, sim_now(sim) + SIM_MS / 10);
  double dt = cpu_seconds() - t0;
  return (double) (sim_stats(sim)->delivered - start) / dt;
}

#define SMALL 1000
#define LARGE 1000000
#define DELIVERIES 4000000ULL

/* The floor: CPU nanoseconds per load following a random cycle through
 * 128 MiB (one 64-byte line per step, far beyond the caches), as `chains`
 * independent walks at once. One chain is the latency a delivery pays for
 * each line it must wait for; 16 show how many misses overlap. */
static double chase_ns(const uint32_t *next, size_t lines, int chains)
{
  enum { STEPS = 1 << 22 };
  uint32_t at[16];
  for (int c = 0; c < chains; c++)
    at[c] = (uint32_t) ((size_t) c * (lines / 16));
  double t0 = cpu_seconds();
  for (int s = 0; s < STEPS / chains; s++)
    for (int c = 0; c < chains; c++)
      at[c] = next[(size_t) at[c] * 16];
  double dt = cpu_seconds() - t0;
  uint32_t sink = 0;
  for (int c = 0; c < chains; c++)
    sink ^= at[c];
  __asm__ volatile("" : : "r"(sink)); /* keep the walks */
  return dt * 1e9 / (double) ((STEPS / chains) * chains);
}

/* scale_memory: the machine's memory latency and overlap (chase_ns), so
 * the scale lines can be read against what a cache miss costs here. */
static void report_memory_floor(double ref, double base)
{
  const size_t lines = (128u << 20) / 64;
  uint32_t *next = g_new0(uint32_t, lines * 16);
  SimRng rng;
  sim_rng_init(&rng, 5, "chase");
  /* Sattolo's shuffle: one cycle through every line. */
  uint32_t *perm = g_new(uint32_t, lines);
  for (size_t i = 0; i < lines; i++)
    perm[i] = (uint32_t) i;
  for (size_t i = lines - 1; i > 0; i--) {
    size_t j = (size_t) sim_rng_below(&rng, i);
    uint32_t t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (size_t i = 0; i < lines; i++)
    next[(size_t) perm[i] * 16] = perm[(i + 1) % lines];
  g_free(perm);
  double one = chase_ns(next, lines, 1), sixteen = chase_ns(next, lines, 16);
  g_free(next);
  g_autofree char *extra = g_strdup_printf("ns_per_miss=%.1f ns_per_miss_16_at_once=%.1f ns_per_msg_1k=%.1f", one,
                                           sixteen, 1e9 / base);
  bench_report("scale_memory", 1e9 / one, "loads/s", ref, extra);
}

/* scale_1k: 1k nodes, 1k in flight (against the CPU reference loop);
 * scale_inflight_1m: 1k nodes, 1M in flight; scale_nodes_1m: 1M nodes,
 * 1k in flight; scale_both_1m: 1M nodes, 1M in flight. Each large case's
 * ratio is to scale_1k's rate, measured just before it; then
 * scale_memory, the memory latency those cases run against. */
int bench_scale(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate();
  double base = scale_rate(SMALL, SMALL, DELIVERIES);
  bench_report("scale_1k", base, "messages/s", ref, "nodes=1000 in_flight=1000");
  static const struct { const char *name; int nodes, in_flight; } cases[] = {
    { "scale_inflight_1m", SMALL, LARGE },
    { "scale_nodes_1m", LARGE, SMALL },
    { "scale_both_1m", LARGE, LARGE },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    double rate = scale_rate(cases[i].nodes, cases[i].in_flight, DELIVERIES);
    g_autofree char *extra = g_strdup_printf("ref=scale_1k nodes=%d in_flight=%d target_ratio=0.5 ns_per_msg=%.1f",
                                             cases[i].nodes, cases[i].in_flight, 1e9 / rate);
    bench_report(cases[i].name, rate, "messages/s", base, extra);
  }
  report_memory_floor(ref, base);
  return 0;
}

/* msg_memory: resident bytes per message in flight, a million one-field
 * messages among 1k nodes, from the process's RSS before and after they
 * are sent; the reference is sizeof(SimMsg), what one message alone held
 * before issue 16 (besides its event record and queue entry). */
int bench_msg_memory(gpointer unused)
{
  (void) unused;
  long before, after;
  Sim *sim = scale_sim(SMALL, LARGE, &before, &after);
  gboolean ok = sim_stats(sim)->sent == LARGE;
  printf("BENCH name=msg_memory messages=%d bytes_per_msg=%.1f ref_bytes=%zu ref=sizeof_SimMsg rss_kb=%ld "
         "target=96 check=%s\n", LARGE, (double) (after - before) * 1024.0 / LARGE, sizeof(SimMsg),
         bench_status_kb("VmHWM"), ok ? "ok" : "FAILED");
  fflush(stdout);
  sim_free(sim);
  return ok ? 0 : 1;
}
