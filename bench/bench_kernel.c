/* Kernel benchmarks: timers, pingpong through the network, the same network
 * path with loss, duplication and cut links (its delivered count checked),
 * partitions of many nodes, and node memory. Each returns 0, or 1 when its
 * own check failed. */
#include "bench/bench_util.h"
#include "sim/kernel/model.h"
#include <math.h>
#include <stdio.h>

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

/* Adds n nodes named PREFIX0.. running `model`. */
static void add_nodes(Sim *sim, const char *prefix, int n, const SimModel *model, GHashTable *params)
{
  for (int i = 0; i < n; i++) {
    char name[32];
    snprintf(name, sizeof name, "%s%d", prefix, i);
    sim_add_node(sim, name, model, params, NULL);
  }
}

int bench_timers(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate();
  g_autoptr(Sim) sim = sim_new(1);
  add_nodes(sim, "t", TIMER_ENTITIES, &bench_timer_model, NULL);
  sim_run(sim, 0); /* start every entity */
  guint64 start_events = sim_stats(sim)->events;
  double t0 = bench_seconds();
  /* Run in slices so the loop itself stays untouched by the bench. */
  while (sim_stats(sim)->events - start_events < TIMER_EVENTS)
    sim_run(sim, sim_now(sim) + 10 * SIM_MS);
  double dt = bench_seconds() - t0;
  bench_report("timers", (double) (sim_stats(sim)->events - start_events) / dt, "events/s", ref, NULL);
  return 0;
}

/* 1000 bench.forward nodes, each starting a message of 2000 hops to random
 * nodes over links of uniform 100 us..2 ms latency and `bandwidth` (0:
 * none), run to the end; `seconds` gets the wall time of the run. */
static Sim *pingpong_run(uint64_t bandwidth, double *seconds)
{
  extern const SimModel model_bench_forward;
  Sim *sim = sim_new(2);
  SimLinkConfig *link = sim_net_default(sim);
  link->latency = (SimDist) { SIM_DIST_UNIFORM, 100 * SIM_US, 2 * SIM_MS, 0 };
  link->bandwidth = bandwidth;
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "hops", "2000");
  add_nodes(sim, "p", 1000, &model_bench_forward, params);
  double t0 = bench_seconds();
  sim_run(sim, SIM_TIME_MAX);
  *seconds = bench_seconds() - t0;
  return sim;
}

int bench_pingpong(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate(), dt;
  g_autoptr(Sim) sim = pingpong_run(0, &dt);
  bench_report("pingpong", (double) sim_stats(sim)->delivered / dt, "messages/s", ref, NULL);
  return 0;
}

/* pingpong_bandwidth: pingpong with a bandwidth on every link (1 Gbit/s:
 * a one-field message of 72 bytes takes 576 ns on the wire), so every send
 * also finds its link's load record and queues behind the link's backlog.
 * The check: every hop still arrives (1000 nodes x 2001 deliveries), and
 * the links' counters add up to exactly the messages and bytes sent. */
int bench_pingpong_bandwidth(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate(), dt;
  g_autoptr(Sim) sim = pingpong_run(1000000000, &dt);
  const SimStats *s = sim_stats(sim);
  g_autoptr(GArray) loads = sim_net_link_loads(sim);
  guint64 messages = 0, bytes = 0;
  for (guint i = 0; i < loads->len; i++) {
    messages += g_array_index(loads, SimLinkLoad, i).messages;
    bytes += g_array_index(loads, SimLinkLoad, i).bytes;
  }
  const guint64 want = 1000 * 2001;
  gboolean ok = s->delivered == want && messages == s->sent && bytes == s->sent * (SIM_MSG_HEADER_BYTES + SIM_MSG_FIELD_BYTES);
  g_autofree char *extra = g_strdup_printf("delivered=%" G_GUINT64_FORMAT " links=%u check=%s", s->delivered,
                                           loads->len, ok ? "ok" : "FAILED");
  bench_report("pingpong_bandwidth", (double) s->delivered / dt, "messages/s", ref, extra);
  if (!ok)
    fprintf(stderr, "bench: pingpong_bandwidth: %" G_GUINT64_FORMAT " delivered (expected %" G_GUINT64_FORMAT
            "), links counted %" G_GUINT64_FORMAT " messages and %" G_GUINT64_FORMAT " bytes of %" G_GUINT64_FORMAT
            " sent\n", s->delivered, want, messages, bytes, s->sent);
  return ok ? 0 : 1;
}

/* pingpong_faults: under loss a forwarding chain dies out, so here each
 * node sends its messages on a timer instead: message k of a node goes to
 * a random node 1 ms after message k-1 (the timer's tag counts them). */
#define FAULT_NODES 1000
#define FAULT_SENDS 2000  /* per node */
#define FAULT_LOSS 0.1
#define FAULT_DUP 0.1
#define FAULT_CUT 50      /* each node's links to the next 50 nodes are cut */

static void blast_send(SimNode *node, uint64_t sent)
{
  Sim *sim = sim_node_sim(node);
  sim_send(node, (int) sim_rng_below(sim_node_rng(node), sim_node_count(sim)), sim_msg_new(node, "HOP"));
  if (sent + 1 < FAULT_SENDS)
    sim_timer_after(node, SIM_MS, sent + 1);
}

static void blast_init(SimNode *node)
{
  sim_timer_after(node, sim_rng_range(sim_node_rng(node), 1, SIM_MS), 0);
}

static const SimModel bench_blast_model = {
  .name = "bench.blast",
  .summary = "sends FAULT_SENDS messages to random nodes, one per millisecond",
  .params = no_params,
  .init = blast_init,
  .on_timer = blast_send,
};

int bench_pingpong_faults(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate();
  g_autoptr(Sim) sim = sim_new(4);
  SimLinkConfig *link = sim_net_default(sim);
  link->latency = (SimDist) { SIM_DIST_UNIFORM, 100 * SIM_US, 2 * SIM_MS, 0 };
  link->loss = FAULT_LOSS;
  link->duplicate = FAULT_DUP;
  add_nodes(sim, "b", FAULT_NODES, &bench_blast_model, NULL);
  for (int i = 0; i < FAULT_NODES; i++)
    for (int k = 1; k <= FAULT_CUT; k++)
      sim_net_cut(sim, i, (i + k) % FAULT_NODES, TRUE);
  double t0 = bench_seconds();
  sim_run(sim, SIM_TIME_MAX);
  double dt = bench_seconds() - t0;
  const SimStats *s = sim_stats(sim);
  /* Each send is delivered 0 times (lost: by the loss draw, or else on a
   * cut link, FAULT_CUT of the FAULT_NODES destinations drawn uniformly),
   * once, or twice (duplicated, only if not lost): independent sends, so
   * the delivered count has mean n E[Y] and variance n Var(Y). */
  double n = (double) FAULT_NODES * FAULT_SENDS;
  double lost = FAULT_LOSS + (1 - FAULT_LOSS) * FAULT_CUT / (double) FAULT_NODES;
  double mean = (1 - lost) * (1 + FAULT_DUP);
  double var = (1 - lost) * (1 - FAULT_DUP) + 4 * (1 - lost) * FAULT_DUP - mean * mean;
  double expected = n * mean, bound = 6 * sqrt(n * var);
  gboolean ok = s->sent == (guint64) n && fabs((double) s->delivered - expected) <= bound;
  g_autofree char *extra = g_strdup_printf("sent=%" G_GUINT64_FORMAT " delivered=%" G_GUINT64_FORMAT
                                           " expected=%.0f+-%.0f check=%s", s->sent, s->delivered, expected, bound,
                                           ok ? "ok" : "FAILED");
  bench_report("pingpong_faults", (double) s->sent / dt, "messages/s", ref, extra);
  if (!ok)
    fprintf(stderr, "bench: pingpong_faults: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT
            " delivered, expected %.0f sent and %.0f +- %.0f delivered\n", s->sent, s->delivered, n, expected, bound);
  return ok ? 0 : 1;
}

/* A node whose model keeps no state and has no parameters: what the
 * kernel itself holds per node. */
static const SimModel bench_idle_model = {
  .name = "bench.idle",
  .summary = "does nothing",
  .params = no_params,
};

/* Resident bytes per node of `n` nodes named c0.. of `model` (with
 * `params`), added and started (each one's init has run), and the same
 * before they start; the peak resident memory in *hwm_kb. FALSE if the
 * NODES parameters did not resolve. */
static gboolean node_bytes(const SimModel *model, GHashTable *params, int n, gboolean with_server,
                           double *started_bytes, double *added_bytes, long *hwm_kb)
{
  extern const SimModel model_echo_server;
  long before = bench_status_kb("VmRSS");
  Sim *sim = sim_new(3);
  if (with_server)
    sim_add_node(sim, "server", &model_echo_server, NULL, NULL);
  add_nodes(sim, "c", n, model, params);
  gboolean resolved = sim_resolve_nodes(sim, NULL) && sim_node_count(sim) == (guint) n + with_server;
  long added = bench_status_kb("VmRSS");
  sim_run(sim, 0);
  long started = bench_status_kb("VmRSS");
  *started_bytes = (double) (started - before) * 1024.0 / n;
  *added_bytes = (double) (added - before) * 1024.0 / n;
  *hwm_kb = bench_status_kb("VmHWM");
  sim_free(sim);
  return resolved;
}

/* Bytes per node for a million echo clients, from the process's resident
 * memory: added and started (each one's init has run and made its state),
 * against the reference of the same nodes added but not yet started. */
int bench_node_memory(gpointer unused)
{
  (void) unused;
  extern const SimModel model_echo_client;
  const int n = 1000000;
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "target", "server");
  g_hash_table_insert(params, "interval", "0");
  double started, added;
  long hwm;
  gboolean ok = node_bytes(&model_echo_client, params, n, TRUE, &started, &added, &hwm);
  printf("BENCH name=node_memory model=echo.client nodes=%d bytes_per_node=%.0f ref_bytes_per_node=%.0f "
         "ref=not_started rss_kb=%ld check=%s\n", n, started, added, hwm, ok ? "ok" : "FAILED");
  fflush(stdout);
  return ok ? 0 : 1;
}

/* node_memory_idle: the kernel's own bytes per node, a million nodes of a
 * model with no state and no parameters, added and started (issue 16's
 * target: at most 192). node_memory_10m: ten million of them, and the
 * process's peak resident memory (target: under 2 GiB). */
static int idle_nodes(const char *name, int n)
{
  double started, added;
  long hwm;
  gboolean ok = node_bytes(&bench_idle_model, NULL, n, FALSE, &started, &added, &hwm);
  printf("BENCH name=%s model=bench.idle nodes=%d bytes_per_node=%.0f ref_bytes_per_node=%.0f "
         "ref=not_started rss_kb=%ld peak_mib=%.0f check=%s\n", name, n, started, added, hwm, hwm / 1024.0,
         ok ? "ok" : "FAILED");
  fflush(stdout);
  return ok ? 0 : 1;
}

int bench_node_memory_idle(gpointer unused)
{
  (void) unused;
  return idle_nodes("node_memory_idle", 1000000);
}

int bench_node_memory_10m(gpointer unused)
{
  (void) unused;
  return idle_nodes("node_memory_10m", 10000000);
}

/* partition() of 10^4 nodes into two halves, a million link checks across
 * it, then heal(): the partition used to be 10^8 hash inserts on keys
 * that all collided. The check: about half of random pairs are cut. */
int bench_partition(gpointer unused)
{
  (void) unused;
  const int n = 10000;
  double ref = bench_reference_rate();
  g_autoptr(Sim) sim = sim_new(4);
  add_nodes(sim, "n", n, &bench_timer_model, NULL);
  g_autofree int *group_of = g_new(int, n);
  for (int i = 0; i < n; i++)
    group_of[i] = i % 2;
  double t0 = bench_seconds();
  sim_net_partition(sim, group_of, n);
  double dt = MAX(bench_seconds() - t0, 1e-9);
  SimRng rng;
  sim_rng_init(&rng, 4, "bench");
  guint64 cut = 0;
  double t1 = bench_seconds();
  for (int i = 0; i < 1000000; i++)
    cut += sim_net_is_cut(sim, (int) sim_rng_below(&rng, n), (int) sim_rng_below(&rng, n));
  double dt_check = MAX(bench_seconds() - t1, 1e-9);
  sim_net_heal(sim);
  gboolean right = cut > 400000 && cut < 600000;
  g_autofree char *extra = g_strdup_printf("cut=%" G_GUINT64_FORMAT " check=%s", cut, right ? "ok" : "FAILED");
  bench_report("partition_10k", 1.0 / dt, "partitions/s", ref, NULL);
  bench_report("partition_is_cut", 1e6 / dt_check, "checks/s", ref, extra);
  return right ? 0 : 1;
}
