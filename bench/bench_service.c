/* Service-model benchmarks (sim/kernel/service.h): a saturated station
 * network, and pingpong with a service model on every node beside plain
 * pingpong timed in the same process. Each returns 0, or 1 when its own
 * check failed. */
#include "bench/bench_util.h"
#include "sim/kernel/model.h"
#include "sim/kernel/service.h"
#include <stdio.h>

#define SAT_NODES 100
#define SAT_JOBS_PER_NODE 1000 /* 10^5 jobs in the system */
#define SAT_EVENTS 10000000ULL

/* bench.saturate: at start, SAT_JOBS_PER_NODE messages to random nodes;
 * every message served is forwarded to a random node, forever, so the
 * number of jobs in the system stays at 10^5. */
static void saturate_send(SimNode *node)
{
  Sim *sim = sim_node_sim(node);
  sim_send(node, (int) sim_rng_below(sim_node_rng(node), sim_node_count(sim)), sim_msg_new(node, "JOB"));
}

static void saturate_init(SimNode *node)
{
  for (int i = 0; i < SAT_JOBS_PER_NODE; i++)
    saturate_send(node);
}

static void saturate_on_message(SimNode *node, const SimMsg *msg)
{
  (void) msg;
  saturate_send(node);
}

static const SimParamSpec no_params[] = { { NULL } };

static const SimModel bench_saturate_model = {
  .name = "bench.saturate",
  .summary = "keeps SAT_JOBS_PER_NODE jobs per node circulating between random nodes",
  .params = no_params,
  .init = saturate_init,
  .on_message = saturate_on_message,
};

/* Adds n nodes named PREFIX0.. running `model`, each with `spec` if given. */
static void add_nodes(Sim *sim, const char *prefix, int n, const SimModel *model, GHashTable *params,
                      const SimServiceSpec *spec)
{
  for (int i = 0; i < n; i++) {
    char name[32];
    snprintf(name, sizeof name, "%s%d", prefix, i);
    int id = sim_add_node(sim, name, model, params, NULL);
    if (spec)
      sim_node_set_service(sim, id, spec, NULL);
  }
}

/* 100 stations, one server each, exponential service of mean 1 ms, links
 * of 100 us..2 ms, 10^5 jobs circulating: the queues stay about 1000
 * deep. The check: every job is still in the system (waiting, in service
 * or in flight) and the stations were busy nearly all the time. */
int bench_service_saturated(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate();
  g_autoptr(Sim) sim = sim_new(5);
  sim_net_default(sim)->latency = (SimDist) { SIM_DIST_UNIFORM, 100 * SIM_US, 2 * SIM_MS, 0 };
  SimServiceSpec spec;
  sim_service_spec_init(&spec);
  sim_dist_parse("exp:1ms", &spec.time, NULL);
  spec.queue = 10 * SAT_NODES * SAT_JOBS_PER_NODE;
  add_nodes(sim, "s", SAT_NODES, &bench_saturate_model, NULL, &spec);
  sim_run(sim, 0); /* every node's init: the jobs are out */
  guint64 start = sim_stats(sim)->events;
  double t0 = bench_seconds();
  while (sim_stats(sim)->events - start < SAT_EVENTS)
    sim_run(sim, sim_now(sim) + 100 * SIM_MS);
  double dt = bench_seconds() - t0;
  guint64 queued = 0, queued_max = 0;
  double busy = 0;
  for (int i = 0; i < SAT_NODES; i++) {
    SimServiceStats st;
    sim_node_service_stats(sim, i, sim_now(sim), &st);
    queued += st.in_system;
    queued_max = MAX(queued_max, st.queue_max);
    busy += st.utilization / SAT_NODES;
  }
  /* A served job is replaced by one new send: sent - delivered is the
   * number of jobs, at stations (queued) or on the wire. */
  const SimStats *s = sim_stats(sim);
  guint64 jobs = s->sent - s->delivered - s->dropped;
  gboolean ok = jobs == (guint64) SAT_NODES * SAT_JOBS_PER_NODE && s->dropped == 0 && queued > jobs * 9 / 10 &&
                busy > 0.95;
  g_autofree char *extra = g_strdup_printf("jobs=%" G_GUINT64_FORMAT " queued=%" G_GUINT64_FORMAT
                                           " queue_max=%" G_GUINT64_FORMAT " utilization=%.3f check=%s",
                                           jobs, queued, queued_max, busy, ok ? "ok" : "FAILED");
  bench_report("service_saturated", (double) (s->events - start) / dt, "events/s", ref, extra);
  return ok ? 0 : 1;
}

/* Runs pingpong (1000 bench.forward nodes, 2·10^6 messages), with
 * `spec` on every node if given; returns its events per second and sets
 * the messages delivered and their rate. */
static double pingpong_rate(const SimServiceSpec *spec, guint64 *delivered, double *messages_rate)
{
  extern const SimModel model_bench_forward;
  g_autoptr(Sim) sim = sim_new(2);
  sim_net_default(sim)->latency = (SimDist) { SIM_DIST_UNIFORM, 100 * SIM_US, 2 * SIM_MS, 0 };
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "hops", "2000");
  add_nodes(sim, "p", 1000, &model_bench_forward, params, spec);
  double t0 = bench_seconds();
  sim_run(sim, SIM_TIME_MAX);
  double dt = bench_seconds() - t0;
  *delivered = sim_stats(sim)->delivered;
  *messages_rate = (double) *delivered / dt;
  return (double) sim_stats(sim)->events / dt;
}

/* pingpong with a 50 us constant service time on every node, beside the
 * same run without, best of three each (alternating). A message served
 * is two events (its arrival and the end of its service) where a plain
 * one is one, so the kernel's cost is compared per event: `cost` =
 * 1 - rate / plain_rate, both in events per second; messages_rate is the
 * served run's messages per second. The check: the same messages arrive
 * either way. */
int bench_pingpong_service(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate();
  SimServiceSpec spec;
  sim_service_spec_init(&spec);
  spec.time = sim_dist_constant(50 * SIM_US);
  double plain = 0, served = 0, plain_msgs = 0, served_msgs = 0, m;
  guint64 plain_n = 0, served_n = 0;
  for (int round = 0; round < 3; round++) {
    plain = MAX(plain, pingpong_rate(NULL, &plain_n, &m));
    plain_msgs = MAX(plain_msgs, m);
    served = MAX(served, pingpong_rate(&spec, &served_n, &m));
    served_msgs = MAX(served_msgs, m);
  }
  gboolean ok = plain_n == served_n && plain_n > 0;
  g_autofree char *extra = g_strdup_printf("plain_rate=%.0f cost=%.3f messages_rate=%.0f plain_messages_rate=%.0f "
                                           "delivered=%" G_GUINT64_FORMAT " check=%s", plain, 1 - served / plain,
                                           served_msgs, plain_msgs, served_n, ok ? "ok" : "FAILED");
  bench_report("pingpong_service", served, "events/s", ref, extra);
  return ok ? 0 : 1;
}
