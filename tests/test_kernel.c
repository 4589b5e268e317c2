/* The deterministic kernel: determinism across runs and processes, stream
 * independence, crash and pause semantics, the network, clocks, event order,
 * latency distributions and the history.
 *
 * The small models here record what their handlers saw into `probe`, a
 * test-file static reset by every test (the tests run one at a time). The
 * kernel's private header is included only to read the network stream's
 * position in the stream-independence test. */
#include "sim/kernel/internal.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern const SimModel model_echo_server;
extern const SimModel model_echo_client;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* A parameter table from NULL-terminated key, value pairs. */
static GHashTable *kv(const char *key, ...)
{
  GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);
  va_list ap;
  va_start(ap, key);
  for (const char *k = key; k; k = va_arg(ap, const char *))
    g_hash_table_insert(t, (gpointer) k, va_arg(ap, char *));
  va_end(ap);
  return t;
}

static int add(Sim *sim, const char *name, const SimModel *model, GHashTable *params)
{
  GError *error = NULL;
  int id = sim_add_node(sim, name, model, params, &error);
  CU_ASSERT_PTR_NULL(error);
  if (error)
    fprintf(stderr, "add %s: %s\n", name, error->message);
  g_clear_error(&error);
  if (params)
    g_hash_table_unref(params);
  return id;
}

/* Sends an "M" message with field seq from node `src` to node `dst`. */
static void send_seq(Sim *sim, int src, int dst, int64_t seq)
{
  SimMsg *m = sim_msg_new(sim_node(sim, src), "M");
  sim_msg_set(m, "seq", seq);
  sim_send(sim_node(sim, src), dst, m);
}

static void call_crash(Sim *sim, void *d) { sim_crash(sim, GPOINTER_TO_INT(d)); }
static void call_restart(Sim *sim, void *d) { sim_restart(sim, GPOINTER_TO_INT(d)); }
static void call_pause(Sim *sim, void *d) { sim_pause(sim, GPOINTER_TO_INT(d)); }
static void call_resume(Sim *sim, void *d) { sim_resume(sim, GPOINTER_TO_INT(d)); }

static void at(Sim *sim, SimTime t, SimCallFn fn, int node)
{
  sim_schedule(sim, t, fn, GINT_TO_POINTER(node), NULL);
}

/* ------------------------------------------------------------------ */
/* The probe model: records every handler call                         */

typedef enum { R_INIT = 'I', R_RESTART = 'R', R_MSG = 'M', R_TIMER = 'T', R_NODATA = 'N' } RecKind;

typedef struct {
  SimTime t;
  int node;
  RecKind kind;
  int64_t a;     /* seq (message) or tag (timer) */
  int64_t b;     /* message id, or incarnation (timer) */
  int src;       /* sender of a message */
  SimTime clock; /* the node's local clock */
} Rec;

static struct {
  GArray *recs;          /* of Rec */
  int destroyed;         /* volatile states freed */
  SimTimerId timer[8][2]; /* per node: ids of the timers armed at start */
} probe;

static void probe_reset(void)
{
  if (probe.recs)
    g_array_unref(probe.recs);
  memset(&probe, 0, sizeof probe);
  probe.recs = g_array_new(FALSE, TRUE, sizeof(Rec));
}

static void probe_record(SimNode *node, RecKind kind, int64_t a, int64_t b, int src)
{
  Rec r = { sim_now(sim_node_sim(node)), sim_node_id(node), kind, a, b, src, sim_node_clock(node) };
  g_array_append_val(probe.recs, r);
}

static guint probe_count(RecKind kind, int node)
{
  guint n = 0;
  for (guint i = 0; i < probe.recs->len; i++) {
    Rec *r = &g_array_index(probe.recs, Rec, i);
    n += r->kind == kind && (node < 0 || r->node == node);
  }
  return n;
}

static Rec *probe_rec(guint i) { return &g_array_index(probe.recs, Rec, i); }

static void probe_data_free(gpointer p)
{
  g_free(p);
  probe.destroyed++;
}

static void probe_start(SimNode *node, RecKind kind)
{
  sim_node_set_data(node, g_new0(int, 1), probe_data_free);
  probe_record(node, kind, 0, sim_node_incarnation(node), -1);
  int id = sim_node_id(node);
  SimTime t1 = sim_node_param_duration(node, "timer");
  SimTime t2 = sim_node_param_duration(node, "timer2");
  if (t1 > 0)
    probe.timer[id][0] = sim_timer_after(node, t1, 1);
  if (t2 > 0)
    probe.timer[id][1] = sim_timer_after(node, t2, 2);
}

static void probe_init(SimNode *node) { probe_start(node, R_INIT); }
static void probe_restart(SimNode *node) { probe_start(node, R_RESTART); }

static void probe_on_message(SimNode *node, const SimMsg *msg)
{
  if (!sim_node_data(node))
    probe_record(node, R_NODATA, 0, 0, msg->src);
  probe_record(node, R_MSG, sim_msg_get(msg, "seq", -1), (int64_t) msg->id, msg->src);
}

static void probe_on_timer(SimNode *node, uint64_t tag)
{
  if (!sim_node_data(node))
    probe_record(node, R_NODATA, 0, 0, -1);
  probe_record(node, R_TIMER, (int64_t) tag, sim_node_incarnation(node), -1);
}

static const SimParamSpec probe_params[] = {
  { "timer", SIM_PARAM_DURATION, "0", "arm timer tag 1 after this at (re)start; 0 = none", 0, 0 },
  { "timer2", SIM_PARAM_DURATION, "0", "arm timer tag 2 after this at (re)start; 0 = none", 0, 0 },
  { NULL },
};

static const SimModel probe_model = {
  .name = "test.probe",
  .summary = "records every handler call",
  .params = probe_params,
  .init = probe_init,
  .on_message = probe_on_message,
  .on_timer = probe_on_timer,
  .on_restart = probe_restart,
};

/* ------------------------------------------------------------------ */
/* 1. Determinism                                                      */

/* Echo server and four clients over a lossy, duplicating, reordering
 * network, with a crash/restart of the server and a pause of a client.
 * Returns the digest; writes the trace to `trace` when not NULL. */
static char *echo_workload(uint64_t seed, FILE *trace, SimStats *stats)
{
  Sim *sim = sim_new(seed);
  if (trace)
    sim_trace_to(sim, trace);
  SimLinkConfig *link = sim_net_default(sim);
  link->latency = (SimDist) { SIM_DIST_UNIFORM, 1 * SIM_MS, 10 * SIM_MS, 0 };
  link->loss = 0.1;
  link->duplicate = 0.05;
  int server = add(sim, "server", &model_echo_server, NULL);
  for (int i = 1; i <= 4; i++) {
    char name[32];
    snprintf(name, sizeof name, "client%d", i);
    add(sim, name, &model_echo_client,
        kv("target", "server", "interval", "20ms", "timeout", "200ms", NULL));
  }
  at(sim, 300 * SIM_MS, call_crash, server);
  at(sim, 500 * SIM_MS, call_restart, server);
  at(sim, 400 * SIM_MS, call_pause, 2);
  at(sim, 700 * SIM_MS, call_resume, 2);
  sim_run(sim, 2 * SIM_S);
  if (stats)
    *stats = *sim_stats(sim);
  char *digest = sim_trace_digest(sim);
  sim_free(sim);
  return digest;
}

static char *echo_trace(uint64_t seed, char **digest, size_t *len)
{
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);
  *digest = echo_workload(seed, f, NULL);
  fclose(f);
  return buf;
}

static void test_determinism_same_seed(void)
{
  SimStats st;
  g_autofree char *plain = echo_workload(42, NULL, &st);
  /* The workload exercises what it claims to. */
  CU_ASSERT(st.sent > 300);
  CU_ASSERT(st.dropped > 0);
  CU_ASSERT(st.duplicated > 0);
  CU_ASSERT(st.info > 0);
  CU_ASSERT_EQUAL(strlen(plain), 32);

  g_autofree char *d1 = NULL, *d2 = NULL;
  size_t n1 = 0, n2 = 0;
  g_autofree char *t1 = echo_trace(42, &d1, &n1);
  g_autofree char *t2 = echo_trace(42, &d2, &n2);
  CU_ASSERT_STRING_EQUAL(d1, d2);
  /* Writing a trace does not change the run. */
  CU_ASSERT_STRING_EQUAL(d1, plain);
  CU_ASSERT(n1 > 1000);
  CU_ASSERT_EQUAL(n1, n2);
  CU_ASSERT(n1 == n2 && memcmp(t1, t2, n1) == 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(t1, "\"kind\":\"crash\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(t1, "\"kind\":\"resume\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(t1, "\"kind\":\"duplicate\""));

  g_autofree char *d3 = NULL;
  size_t n3 = 0;
  g_autofree char *t3 = echo_trace(43, &d3, &n3);
  CU_ASSERT_STRING_NOT_EQUAL(d1, d3);
  CU_ASSERT(n1 != n3 || memcmp(t1, t3, n1) != 0);
}

static void test_determinism_across_processes(void)
{
  int fd[2];
  CU_ASSERT_FATAL(pipe(fd) == 0);
  fflush(NULL);
  pid_t pid = fork();
  CU_ASSERT_FATAL(pid >= 0);
  if (pid == 0) {
    close(fd[0]);
    char *d = echo_workload(42, NULL, NULL);
    ssize_t w = write(fd[1], d, strlen(d));
    g_free(d);
    _exit(w == 32 ? 0 : 3);
  }
  close(fd[1]);
  char child[64] = { 0 };
  size_t got = 0;
  ssize_t r;
  while (got < sizeof child - 1 && (r = read(fd[0], child + got, sizeof child - 1 - got)) > 0)
    got += (size_t) r;
  close(fd[0]);
  int status = 0;
  CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
  CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  g_autofree char *mine = echo_workload(42, NULL, NULL);
  CU_ASSERT_EQUAL(got, 32);
  CU_ASSERT_STRING_EQUAL(child, mine);
}

/* ------------------------------------------------------------------ */
/* 2. Stream independence                                              */

/* test.gossip: on each timer, draws a value from the node's stream (emitted
 * as a "draw" event), sends it to a node chosen from the same stream, and
 * re-arms after a delay drawn from it too. */
static void gossip_arm(SimNode *node)
{
  sim_timer_after(node, sim_rng_range(sim_node_rng(node), 1 * SIM_MS, 10 * SIM_MS), 0);
}

static void gossip_on_timer(SimNode *node, uint64_t tag)
{
  (void) tag;
  SimRng *rng = sim_node_rng(node);
  int64_t v = (int64_t) (sim_rng_u64(rng) >> 1);
  SimMsg ev = sim_record("draw");
  sim_msg_set(&ev, "v", v);
  sim_emit(node, &ev);
  guint n = sim_node_count(sim_node_sim(node));
  int dst = (int) sim_rng_below(rng, n - 1);
  if (dst >= sim_node_id(node))
    dst++;
  SimMsg *m = sim_msg_new(node, "G");
  sim_msg_set(m, "v", v);
  sim_send(node, dst, m);
  gossip_arm(node);
}

static const SimParamSpec no_params[] = { { NULL } };

static const SimModel gossip_model = {
  .name = "test.gossip",
  .summary = "draws, sends and re-arms from its own stream",
  .params = no_params,
  .init = gossip_arm,
  .on_timer = gossip_on_timer,
};

typedef struct { SimTime t; int node, peer; uint64_t id; int64_t x, y; } Draw;

typedef struct {
  GArray *draws;   /* (t, node, value) of every "draw" event */
  GArray *sends;   /* (t, src, dst, id, network stream position) */
  GArray *arrives; /* (t, dst, src, id, sent_at, latency) of deliveries */
} StreamLog;

static void stream_observer(Sim *sim, const SimTraceEvent *ev, void *data)
{
  StreamLog *log = data;
  Draw d = { ev->time, ev->node, ev->peer, ev->msg ? ev->msg->id : 0, 0, 0 };
  if (ev->kind == SIM_TR_EVENT && strcmp(ev->msg->type, "draw") == 0) {
    d.x = sim_msg_get(ev->msg, "v", 0);
    g_array_append_val(log->draws, d);
  } else if (ev->kind == SIM_TR_SEND) {
    /* The network stream's position before this message's draws. */
    d.x = (int64_t) (sim->net_rng.s[0] ^ sim->net_rng.s[1] ^ sim->net_rng.s[2] ^ sim->net_rng.s[3]);
    g_array_append_val(log->sends, d);
  } else if (ev->kind == SIM_TR_DELIVER) {
    d.x = ev->msg->sent_at;
    d.y = ev->time - ev->msg->sent_at;
    g_array_append_val(log->arrives, d);
  }
}

#define PAUSE_AT (300 * SIM_MS)

static StreamLog stream_run(gboolean with_pause, char **digest)
{
  StreamLog log = { g_array_new(FALSE, TRUE, sizeof(Draw)), g_array_new(FALSE, TRUE, sizeof(Draw)),
                    g_array_new(FALSE, TRUE, sizeof(Draw)) };
  Sim *sim = sim_new(7);
  SimLinkConfig *link = sim_net_default(sim);
  link->latency = (SimDist) { SIM_DIST_UNIFORM, 1 * SIM_MS, 5 * SIM_MS, 0 };
  link->loss = 0.2;
  link->duplicate = 0.1;
  for (int i = 0; i < 5; i++) {
    char name[32];
    snprintf(name, sizeof name, "g%d", i);
    add(sim, name, &gossip_model, NULL);
  }
  sim_add_observer(sim, stream_observer, &log);
  if (with_pause) {
    at(sim, PAUSE_AT, call_pause, 2);
    at(sim, PAUSE_AT + 100 * SIM_MS, call_resume, 2);
  }
  sim_run(sim, 1 * SIM_S);
  *digest = sim_trace_digest(sim);
  sim_free(sim);
  return log;
}

/* Entries before `before` (all when SIM_TIME_MAX) of node `node` (all if -1). */
static GArray *select_draws(GArray *a, SimTime before, int node)
{
  GArray *out = g_array_new(FALSE, TRUE, sizeof(Draw));
  for (guint i = 0; i < a->len; i++) {
    Draw *d = &g_array_index(a, Draw, i);
    if (d->t < before && (node < 0 || d->node == node))
      g_array_append_val(out, *d);
  }
  return out;
}

static gboolean same_draws(GArray *a, GArray *b)
{
  return a->len == b->len && memcmp(a->data, b->data, a->len * sizeof(Draw)) == 0;
}

static void stream_log_free(StreamLog *l)
{
  g_array_unref(l->draws);
  g_array_unref(l->sends);
  g_array_unref(l->arrives);
}

static void test_stream_independence(void)
{
  g_autofree char *dig_with = NULL, *dig_without = NULL;
  StreamLog with = stream_run(TRUE, &dig_with);
  StreamLog without = stream_run(FALSE, &dig_without);
  /* The fault mattered: the runs differ after it. */
  CU_ASSERT_STRING_NOT_EQUAL(dig_with, dig_without);

  GArray *pairs[][2] = { { with.draws, without.draws }, { with.sends, without.sends },
                         { with.arrives, without.arrives } };
  for (guint k = 0; k < G_N_ELEMENTS(pairs); k++) {
    g_autoptr(GArray) a = select_draws(pairs[k][0], PAUSE_AT, -1);
    g_autoptr(GArray) b = select_draws(pairs[k][1], PAUSE_AT, -1);
    CU_ASSERT(a->len > 50);
    CU_ASSERT(same_draws(a, b));
  }
  /* Nodes the fault did not touch draw exactly the same values at the same
   * times for the whole run, whatever the network did around them. */
  for (int node = 0; node < 5; node++) {
    g_autoptr(GArray) a = select_draws(with.draws, SIM_TIME_MAX, node);
    g_autoptr(GArray) b = select_draws(without.draws, SIM_TIME_MAX, node);
    if (node != 2) {
      CU_ASSERT(same_draws(a, b));
      continue;
    }
    /* The paused node draws the same values, only later and fewer. */
    CU_ASSERT(a->len < b->len);
    CU_ASSERT(!same_draws(a, b));
    for (guint i = 0; i < a->len && i < b->len; i++)
      CU_ASSERT_EQUAL(g_array_index(a, Draw, i).x, g_array_index(b, Draw, i).x);
  }
  stream_log_free(&with);
  stream_log_free(&without);
}

/* ------------------------------------------------------------------ */
/* 3. Crash, restart and pause                                         */

static void test_crash_loses_volatile_keeps_durable(void)
{
  probe_reset();
  g_autoptr(Sim) sim = sim_new(1);
  sim_net_default(sim)->latency = sim_dist_constant(1 * SIM_MS);
  int n = add(sim, "n", &probe_model, kv("timer", "10ms", "timer2", "120ms", NULL));
  int s = add(sim, "s", &probe_model, NULL);
  SimNode *node = sim_node(sim, n);
  sim_run(sim, 0);
  CU_ASSERT_PTR_NOT_NULL(sim_node_data(node));
  sim_durable_set(node, "term", 7);
  SimMsg a = sim_record("A"), b = sim_record("B"), c = sim_record("C");
  sim_log_append(node, &a, TRUE);
  sim_log_append(node, &b, FALSE);
  sim_log_sync(node);
  sim_log_append(node, &c, FALSE);
  CU_ASSERT_EQUAL(sim_log_length(node), 3);
  send_seq(sim, s, n, 1); /* arrives at 1ms: received */
  sim_run(sim, 50 * SIM_MS);

  sim_crash(sim, n);
  sim_log_lose_unsynced(sim, n);
  CU_ASSERT_EQUAL(sim_node_state(node), SIM_NODE_CRASHED);
  CU_ASSERT_PTR_NULL(sim_node_data(node));
  CU_ASSERT_EQUAL(probe.destroyed, 1);
  guint64 dropped = sim_stats(sim)->dropped;
  send_seq(sim, s, n, 2); /* arrives while down */
  sim_run(sim, 100 * SIM_MS);
  CU_ASSERT_EQUAL(sim_stats(sim)->dropped, dropped + 1);

  sim_restart(sim, n);
  CU_ASSERT_EQUAL(sim_node_state(node), SIM_NODE_UP);
  CU_ASSERT_EQUAL(sim_node_incarnation(node), 1);
  CU_ASSERT_PTR_NOT_NULL(sim_node_data(node));
  int64_t term = 0;
  CU_ASSERT_TRUE(sim_durable_get(node, "term", &term));
  CU_ASSERT_EQUAL(term, 7);
  CU_ASSERT_FALSE(sim_durable_get(node, "vote", NULL));
  CU_ASSERT_EQUAL(sim_log_length(node), 2);
  CU_ASSERT_STRING_EQUAL(sim_log_get(node, 0)->type, "A");
  CU_ASSERT_STRING_EQUAL(sim_log_get(node, 1)->type, "B");
  send_seq(sim, s, n, 3);
  sim_run(sim, 300 * SIM_MS);

  /* Incarnation 0: timer 1 at 10ms fired, timer 2 (due 120ms) never did.
   * Incarnation 1 re-armed both: due at 110ms and 220ms. */
  guint timers0 = 0, timers1 = 0;
  for (guint i = 0; i < probe.recs->len; i++) {
    Rec *r = probe_rec(i);
    if (r->node != n)
      continue;
    if (r->kind == R_TIMER && r->b == 0) {
      timers0++;
      CU_ASSERT_EQUAL(r->a, 1);
      CU_ASSERT_EQUAL(r->t, 10 * SIM_MS);
    }
    if (r->kind == R_TIMER && r->b == 1) {
      timers1++;
      CU_ASSERT_EQUAL(r->t, 100 * SIM_MS + (r->a == 1 ? 10 : 120) * SIM_MS);
    }
    if (r->kind == R_MSG)
      CU_ASSERT(r->a == 1 || r->a == 3);
  }
  CU_ASSERT_EQUAL(timers0, 1);
  CU_ASSERT_EQUAL(timers1, 2);
  CU_ASSERT_EQUAL(probe_count(R_MSG, n), 2);
  CU_ASSERT_EQUAL(probe_count(R_RESTART, n), 1);
  CU_ASSERT_EQUAL(probe_count(R_NODATA, -1), 0);
}

/* Faults injected by an observer at the instant an event reaches a node (as
 * the Lua layer's triggers do): the crash must win over the handler, and a
 * pause must hold the event until resume. */
static void fault_on_arrival(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) data;
  if (ev->kind == SIM_TR_DELIVER && sim_msg_get(ev->msg, "seq", 0) == 100)
    sim_crash(sim, ev->node);
  if (ev->kind == SIM_TR_DELIVER && sim_msg_get(ev->msg, "seq", 0) == 200)
    sim_pause(sim, ev->node);
  if (ev->kind == SIM_TR_TIMER && ev->a == 2)
    sim_crash(sim, ev->node);
}

static void test_fault_at_arrival(void)
{
  probe_reset();
  g_autoptr(Sim) sim = sim_new(1);
  sim_net_default(sim)->latency = sim_dist_constant(1 * SIM_MS);
  int n = add(sim, "n", &probe_model, NULL);
  int m = add(sim, "m", &probe_model, kv("timer2", "5ms", NULL));
  int s = add(sim, "s", &probe_model, NULL);
  sim_add_observer(sim, fault_on_arrival, NULL);
  sim_run(sim, 0);
  send_seq(sim, s, n, 100); /* n crashes as it arrives */
  send_seq(sim, s, m, 200); /* m pauses as it arrives */
  sim_run(sim, 10 * SIM_MS);
  CU_ASSERT_EQUAL(sim_node_state(sim_node(sim, n)), SIM_NODE_CRASHED);
  CU_ASSERT_EQUAL(probe_count(R_MSG, n), 0);
  CU_ASSERT_EQUAL(sim_node_state(sim_node(sim, m)), SIM_NODE_PAUSED);
  CU_ASSERT_EQUAL(probe_count(R_MSG, m), 0);
  /* m's timer 2 falls due in the pause; at resume it runs after the message,
   * and its arrival crashes m before the handler. */
  sim_resume(sim, m);
  sim_run(sim, 20 * SIM_MS);
  CU_ASSERT_EQUAL(probe_count(R_MSG, m), 1);
  CU_ASSERT_EQUAL(probe_count(R_TIMER, m), 0);
  CU_ASSERT_EQUAL(sim_node_state(sim_node(sim, m)), SIM_NODE_CRASHED);
  CU_ASSERT_EQUAL(probe_count(R_NODATA, -1), 0);
  /* The message held by the pause was counted delivered once. */
  CU_ASSERT_EQUAL(sim_stats(sim)->delivered, 2);
}

/* A crash injected while the node's own handler runs (an observer reacting
 * to the operation it invokes): the handler finishes on intact memory, the
 * node sends nothing more, and its state is freed when the handler returns. */
static void crash_on_first_invoke(Sim *sim, const SimTraceEvent *ev, void *data)
{
  int *crashes = data;
  if (ev->kind == SIM_TR_OP && ev->entry->type == SIM_OP_INVOKE && *crashes == 0) {
    (*crashes)++;
    sim_crash(sim, ev->node);
  }
}

static void test_crash_inside_handler(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  add(sim, "server", &model_echo_server, NULL);
  int c = add(sim, "client", &model_echo_client,
              kv("target", "server", "interval", "20ms", "timeout", "50ms", NULL));
  int crashes = 0;
  sim_add_observer(sim, crash_on_first_invoke, &crashes);
  sim_run(sim, 90 * SIM_MS);
  CU_ASSERT_EQUAL(crashes, 1);
  CU_ASSERT_EQUAL(sim_node_state(sim_node(sim, c)), SIM_NODE_CRASHED);
  CU_ASSERT_PTR_NULL(sim_node_data(sim_node(sim, c)));
  CU_ASSERT_EQUAL(sim_stats(sim)->sent, 0);   /* the dying handler's PING */
  CU_ASSERT_EQUAL(sim_stats(sim)->timers, 1); /* and its re-armed timer died */
  CU_ASSERT_EQUAL(sim_stats(sim)->info, 1);
  sim_restart(sim, c);
  sim_run(sim, 200 * SIM_MS);
  CU_ASSERT(sim_stats(sim)->ok >= 4);
}

static void test_pause_delivers_late_in_order(void)
{
  probe_reset();
  g_autoptr(Sim) sim = sim_new(1);
  sim_net_default(sim)->latency = sim_dist_constant(1 * SIM_MS);
  int n = add(sim, "n", &probe_model, kv("timer", "30ms", NULL));
  int s = add(sim, "s", &probe_model, NULL);
  at(sim, 10 * SIM_MS, call_pause, n);
  at(sim, 50 * SIM_MS, call_resume, n);
  sim_run(sim, 15 * SIM_MS);
  send_seq(sim, s, n, 1);
  sim_run(sim, 20 * SIM_MS);
  send_seq(sim, s, n, 2);
  sim_run(sim, 25 * SIM_MS);
  send_seq(sim, s, n, 3);
  sim_run(sim, 49 * SIM_MS);
  CU_ASSERT_EQUAL(sim_node_state(sim_node(sim, n)), SIM_NODE_PAUSED);
  CU_ASSERT_EQUAL(probe_count(R_MSG, n) + probe_count(R_TIMER, n), 0);
  sim_run(sim, 100 * SIM_MS);
  CU_ASSERT_EQUAL(sim_node_state(sim_node(sim, n)), SIM_NODE_UP);
  /* Arrival order: messages at 16, 21, 26ms, then the timer due at 30ms;
   * all handled at 50ms. */
  int64_t want[][2] = { { R_MSG, 1 }, { R_MSG, 2 }, { R_MSG, 3 }, { R_TIMER, 1 } };
  guint k = 0;
  for (guint i = 0; i < probe.recs->len; i++) {
    Rec *r = probe_rec(i);
    if (r->node != n || r->kind == R_INIT)
      continue;
    CU_ASSERT_FATAL(k < G_N_ELEMENTS(want));
    CU_ASSERT_EQUAL(r->kind, want[k][0]);
    CU_ASSERT_EQUAL(r->a, want[k][1]);
    CU_ASSERT_EQUAL(r->t, 50 * SIM_MS);
    k++;
  }
  CU_ASSERT_EQUAL(k, G_N_ELEMENTS(want));
  CU_ASSERT_EQUAL(sim_stats(sim)->dropped, 0);
  CU_ASSERT_EQUAL(sim_stats(sim)->delivered, 3);
}

/* ------------------------------------------------------------------ */
/* 4. The network                                                      */

static Sim *net_sim(uint64_t seed, guint nodes, SimDist latency, double loss, double dup)
{
  probe_reset();
  Sim *sim = sim_new(seed);
  SimLinkConfig *link = sim_net_default(sim);
  link->latency = latency;
  link->loss = loss;
  link->duplicate = dup;
  for (guint i = 0; i < nodes; i++) {
    char name[32];
    snprintf(name, sizeof name, "n%u", i);
    add(sim, name, &probe_model, NULL);
  }
  sim_run(sim, 0);
  return sim;
}

static void test_net_loss(void)
{
  g_autoptr(Sim) sim = net_sim(3, 2, sim_dist_constant(SIM_MS), 0.0, 0.0);
  for (int i = 0; i < 1000; i++)
    send_seq(sim, 0, 1, i);
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL(sim_stats(sim)->delivered, 1000);
  CU_ASSERT_EQUAL(probe_count(R_MSG, 1), 1000);

  sim_net_default(sim)->loss = 1.0;
  for (int i = 0; i < 1000; i++)
    send_seq(sim, 0, 1, i);
  sim_run(sim, 2 * SIM_S);
  CU_ASSERT_EQUAL(sim_stats(sim)->delivered, 1000);
  CU_ASSERT_EQUAL(sim_stats(sim)->dropped, 1000);
  CU_ASSERT_EQUAL(probe_count(R_MSG, 1), 1000);
}

static void test_net_duplication(void)
{
  g_autoptr(Sim) sim = net_sim(5, 2, sim_dist_constant(SIM_MS), 0.0, 0.2);
  for (int i = 0; i < 500; i++)
    send_seq(sim, 0, 1, i);
  sim_run(sim, SIM_S);
  guint64 dup = sim_stats(sim)->duplicated;
  CU_ASSERT(dup > 50 && dup < 150);
  CU_ASSERT_EQUAL(probe_count(R_MSG, 1), 500 + dup);
  g_autoptr(GHashTable) seen = g_hash_table_new(g_int64_hash, g_int64_equal);
  guint twice = 0;
  for (guint i = 0; i < probe.recs->len; i++) {
    Rec *r = probe_rec(i);
    if (r->kind != R_MSG)
      continue;
    if (g_hash_table_contains(seen, &r->b))
      twice++;
    else
      g_hash_table_add(seen, &r->b);
  }
  CU_ASSERT_EQUAL(twice, dup);
}

/* |observed - n p| within 5 standard deviations of a binomial(n, p) count:
 * a true rate passes except once in about 3.5 million runs; a rate half or
 * double the set one is tens of deviations away at these n. */
static gboolean binomial_close(guint64 observed, guint64 n, double p)
{
  double sigma = sqrt((double) n * p * (1 - p));
  gboolean ok = fabs((double) observed - (double) n * p) <= 5 * sigma;
  if (!ok)
    fprintf(stderr, "\n  %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " at p = %g: expected %.0f +- %.0f",
            observed, n, p, (double) n * p, 5 * sigma);
  return ok;
}

/* Loss and duplication at p = 0.1, strictly between 0 and 1, on the default
 * link and on a link of its own: each count is binomial. A message is
 * either lost or delivered, and a delivered one is duplicated with
 * probability p (a lost message is never duplicated). */
static void test_net_loss_duplication_rates(void)
{
  const guint n = 20000;
  for (int own_link = 0; own_link <= 1; own_link++) {
    g_autoptr(Sim) sim = net_sim(17 + own_link, 3, sim_dist_constant(SIM_MS), own_link ? 0.0 : 0.1,
                                 own_link ? 0.0 : 0.1);
    if (own_link) {
      SimLinkConfig link = *sim_net_default(sim);
      link.loss = 0.1;
      link.duplicate = 0.1;
      sim_net_set_link(sim, 0, 2, &link);
    }
    int dst = own_link ? 2 : 1;
    for (guint i = 0; i < n; i++)
      send_seq(sim, 0, dst, i);
    sim_run(sim, SIM_S);
    const SimStats *s = sim_stats(sim);
    CU_ASSERT_EQUAL(s->sent, n);
    CU_ASSERT_TRUE(binomial_close(s->dropped, n, 0.1));
    CU_ASSERT_TRUE(binomial_close(s->duplicated, n - s->dropped, 0.1));
    CU_ASSERT_EQUAL(s->delivered, n - s->dropped + s->duplicated);
    CU_ASSERT_EQUAL(probe_count(R_MSG, dst), n - s->dropped + s->duplicated);
  }
}

/* TRUE if the seqs node 1 received are in sending order. */
static gboolean received_in_order(guint *count)
{
  int64_t last = -1;
  gboolean ordered = TRUE;
  *count = 0;
  for (guint i = 0; i < probe.recs->len; i++) {
    Rec *r = probe_rec(i);
    if (r->kind != R_MSG)
      continue;
    ordered &= r->a > last;
    last = r->a;
    (*count)++;
  }
  return ordered;
}

static void test_net_reorder_and_fifo(void)
{
  SimDist uniform = { SIM_DIST_UNIFORM, 1 * SIM_MS, 10 * SIM_MS, 0 };
  guint count = 0;
  {
    g_autoptr(Sim) sim = net_sim(9, 2, uniform, 0.0, 0.0);
    for (int i = 0; i < 200; i++)
      send_seq(sim, 0, 1, i);
    sim_run(sim, SIM_S);
    CU_ASSERT_FALSE(received_in_order(&count));
    CU_ASSERT_EQUAL(count, 200);
  }
  {
    g_autoptr(Sim) sim = net_sim(9, 2, uniform, 0.0, 0.0);
    SimLinkConfig fifo = *sim_net_default(sim);
    fifo.fifo = TRUE;
    sim_net_set_link(sim, 0, 1, &fifo);
    CU_ASSERT_TRUE(sim_net_link(sim, 0, 1)->fifo);
    CU_ASSERT_FALSE(sim_net_link(sim, 1, 0)->fifo);
    /* Sent in two bursts, 3ms apart, so a later burst can overtake. */
    for (int i = 0; i < 100; i++)
      send_seq(sim, 0, 1, i);
    sim_run(sim, 3 * SIM_MS);
    for (int i = 100; i < 200; i++)
      send_seq(sim, 0, 1, i);
    sim_run(sim, SIM_S);
    CU_ASSERT_TRUE(received_in_order(&count));
    CU_ASSERT_EQUAL(count, 200);
  }
}

static void test_net_cut_and_heal(void)
{
  g_autoptr(Sim) sim = net_sim(1, 2, sim_dist_constant(SIM_MS), 0.0, 0.0);
  sim_net_cut(sim, 0, 1, TRUE);
  CU_ASSERT_TRUE(sim_net_is_cut(sim, 0, 1));
  CU_ASSERT_FALSE(sim_net_is_cut(sim, 1, 0));
  send_seq(sim, 0, 1, 1);
  send_seq(sim, 1, 0, 2); /* the other direction still works */
  sim_run(sim, 10 * SIM_MS);
  CU_ASSERT_EQUAL(probe_count(R_MSG, 1), 0);
  CU_ASSERT_EQUAL(probe_count(R_MSG, 0), 1);
  CU_ASSERT_EQUAL(sim_stats(sim)->dropped, 1);

  sim_net_cut(sim, 0, 1, FALSE);
  send_seq(sim, 0, 1, 3);
  sim_run(sim, 20 * SIM_MS);
  CU_ASSERT_EQUAL(probe_count(R_MSG, 1), 1);

  sim_net_cut(sim, 0, 1, TRUE);
  sim_net_cut(sim, 1, 0, TRUE);
  send_seq(sim, 0, 1, 4);
  send_seq(sim, 1, 0, 5);
  sim_run(sim, 30 * SIM_MS);
  CU_ASSERT_EQUAL(probe_count(R_MSG, -1), 2);
  sim_net_heal(sim);
  CU_ASSERT_FALSE(sim_net_is_cut(sim, 0, 1));
  CU_ASSERT_FALSE(sim_net_is_cut(sim, 1, 0));
  send_seq(sim, 0, 1, 6);
  send_seq(sim, 1, 0, 7);
  sim_run(sim, 40 * SIM_MS);
  CU_ASSERT_EQUAL(probe_count(R_MSG, -1), 4);
}

static void test_net_partition(void)
{
  g_autoptr(Sim) sim = net_sim(1, 4, sim_dist_constant(SIM_MS), 0.0, 0.0);
  const int group[] = { 0, 0, 1, -1 };
  sim_net_partition(sim, group, 4);
  int delivered_to[4][4] = { { 0 } };
  for (int a = 0; a < 4; a++)
    for (int b = 0; b < 4; b++) {
      gboolean want = a != b && group[a] >= 0 && group[b] >= 0 && group[a] != group[b];
      CU_ASSERT_EQUAL(sim_net_is_cut(sim, a, b), want);
      if (a != b)
        send_seq(sim, a, b, a * 10 + b);
    }
  sim_run(sim, 10 * SIM_MS);
  for (guint i = 0; i < probe.recs->len; i++) {
    Rec *r = probe_rec(i);
    if (r->kind == R_MSG)
      delivered_to[r->src][r->node]++;
  }
  for (int a = 0; a < 4; a++)
    for (int b = 0; b < 4; b++)
      if (a != b)
        CU_ASSERT_EQUAL(delivered_to[a][b], sim_net_is_cut(sim, a, b) ? 0 : 1);
  CU_ASSERT_EQUAL(sim_stats(sim)->dropped, 4); /* 0<->2 and 1<->2 */
}

static void test_net_cut_in_flight(void)
{
  g_autoptr(Sim) sim = net_sim(1, 2, sim_dist_constant(10 * SIM_MS), 0.0, 0.0);
  send_seq(sim, 0, 1, 1);
  sim_run(sim, 5 * SIM_MS);
  sim_net_cut(sim, 0, 1, TRUE);
  send_seq(sim, 1, 0, 2);
  sim_run(sim, 50 * SIM_MS);
  CU_ASSERT_EQUAL(probe_count(R_MSG, 1), 0);
  CU_ASSERT_EQUAL(probe_count(R_MSG, 0), 1);
  CU_ASSERT_EQUAL(sim_stats(sim)->dropped, 1);
  CU_ASSERT_EQUAL(sim_stats(sim)->delivered, 1);
}

/* ------------------------------------------------------------------ */
/* 5. Clocks                                                           */

static void test_clock_offset_and_drift(void)
{
  probe_reset();
  g_autoptr(Sim) sim = sim_new(1);
  int n = add(sim, "n", &probe_model, NULL);
  SimNode *node = sim_node(sim, n);
  CU_ASSERT_EQUAL(sim_node_clock(node), 0);
  sim_clock_set_drift(sim, n, 100000.0); /* +10% */
  sim_run(sim, 1 * SIM_S);
  CU_ASSERT_EQUAL(sim_node_clock(node), 1100 * SIM_MS);
  sim_clock_jump(sim, n, 5 * SIM_S);
  CU_ASSERT_EQUAL(sim_node_clock(node), 6100 * SIM_MS);
  sim_run(sim, 2 * SIM_S);
  CU_ASSERT_EQUAL(sim_node_clock(node), 7200 * SIM_MS);
  sim_clock_set_drift(sim, n, 0.0);
  sim_run(sim, 3 * SIM_S);
  CU_ASSERT_EQUAL(sim_node_clock(node), 8200 * SIM_MS);
  sim_clock_jump(sim, n, -7 * SIM_S); /* backwards */
  CU_ASSERT_EQUAL(sim_node_clock(node), 1200 * SIM_MS);
  sim_clock_set_drift(sim, n, -100000.0); /* -10% */
  sim_run(sim, 4 * SIM_S);
  CU_ASSERT_EQUAL(sim_node_clock(node), 2100 * SIM_MS);
  CU_ASSERT_EQUAL(sim_now(sim), 4 * SIM_S);
}

static void test_clock_drift_timer(void)
{
  probe_reset();
  g_autoptr(Sim) sim = sim_new(1);
  int fast = add(sim, "fast", &probe_model, kv("timer", "110ms", NULL));
  int slow = add(sim, "slow", &probe_model, kv("timer", "90ms", NULL));
  int plain = add(sim, "plain", &probe_model, kv("timer", "100ms", NULL));
  sim_clock_set_drift(sim, fast, 100000.0);
  sim_clock_set_drift(sim, slow, -100000.0);
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL(probe_count(R_TIMER, -1), 3);
  for (guint i = 0; i < probe.recs->len; i++) {
    Rec *r = probe_rec(i);
    if (r->kind != R_TIMER)
      continue;
    /* Each fires at 100ms of real time, when its own clock shows the delay. */
    CU_ASSERT(llabs(r->t - 100 * SIM_MS) <= SIM_US);
    SimTime local = r->node == fast ? 110 * SIM_MS : r->node == slow ? 90 * SIM_MS : 100 * SIM_MS;
    CU_ASSERT(llabs(r->clock - local) <= SIM_US);
  }
  CU_ASSERT_EQUAL(probe_count(R_TIMER, plain), 1);
}

/* ------------------------------------------------------------------ */
/* 6. Event order and cancellation                                     */

typedef struct { GArray *out; int v; int *destroyed; } Call;

static void call_record(Sim *sim, void *data)
{
  (void) sim;
  Call *c = data;
  g_array_append_val(c->out, c->v);
}

static void call_free(void *data)
{
  Call *c = data;
  (*c->destroyed)++;
  g_free(c);
}

static SimTimerId schedule_record(Sim *sim, SimTime t, GArray *out, int v, int *destroyed)
{
  Call *c = g_new(Call, 1);
  *c = (Call) { out, v, destroyed };
  return sim_schedule(sim, t, call_record, c, call_free);
}

static int chained_destroyed;

static void call_chain(Sim *sim, void *data)
{
  /* Scheduled at the current instant: runs after what was already due. */
  schedule_record(sim, sim_now(sim), data, 99, &chained_destroyed);
  int v = 98;
  g_array_append_val((GArray *) data, v);
}

static void test_event_order(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(int));
  int destroyed = 0;
  chained_destroyed = 0;
  schedule_record(sim, 10 * SIM_MS, out, 0, &destroyed);
  sim_schedule(sim, 10 * SIM_MS, call_chain, out, NULL);
  schedule_record(sim, 10 * SIM_MS, out, 1, &destroyed);
  SimTimerId gone = schedule_record(sim, 10 * SIM_MS, out, 2, &destroyed);
  schedule_record(sim, 5 * SIM_MS, out, 3, &destroyed);
  schedule_record(sim, 10 * SIM_MS, out, 4, &destroyed);
  sim_cancel(sim, gone);
  sim_run(sim, SIM_S);
  int want[] = { 3, 0, 98, 1, 4, 99 };
  CU_ASSERT_EQUAL_FATAL(out->len, G_N_ELEMENTS(want));
  for (guint i = 0; i < out->len; i++)
    CU_ASSERT_EQUAL(g_array_index(out, int, i), want[i]);
  /* Every data freed once, the cancelled one too. */
  CU_ASSERT_EQUAL(destroyed, 5);
  CU_ASSERT_EQUAL(chained_destroyed, 1);
}

static void test_timer_cancel(void)
{
  probe_reset();
  g_autoptr(Sim) sim = sim_new(1);
  int n = add(sim, "n", &probe_model, kv("timer", "10ms", "timer2", "20ms", NULL));
  SimNode *node = sim_node(sim, n);
  sim_run(sim, 0);
  sim_timer_cancel(node, probe.timer[n][1]);
  sim_run(sim, 15 * SIM_MS);
  CU_ASSERT_EQUAL(probe_count(R_TIMER, n), 1);
  /* The fired timer's record is reused by the next event: cancelling the
   * stale id must not cancel that one. */
  g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(int));
  int destroyed = 0;
  SimTimerId fresh = schedule_record(sim, 30 * SIM_MS, out, 7, &destroyed);
  CU_ASSERT_EQUAL(fresh & 0xffffffffu, probe.timer[n][0] & 0xffffffffu); /* same record */
  CU_ASSERT_NOT_EQUAL(fresh, probe.timer[n][0]);
  sim_timer_cancel(node, probe.timer[n][0]);
  sim_cancel(sim, probe.timer[n][0]);
  sim_timer_cancel(node, 0);
  sim_timer_cancel(node, (SimTimerId) -1);
  sim_run(sim, 100 * SIM_MS);
  CU_ASSERT_EQUAL(probe_count(R_TIMER, n), 1);
  CU_ASSERT_EQUAL(out->len, 1);
  CU_ASSERT_EQUAL(destroyed, 1);
  CU_ASSERT_EQUAL(sim_stats(sim)->timers, 1);
}

/* ------------------------------------------------------------------ */
/* 7. Latency distributions                                            */

static void test_dist_parse_and_means(void)
{
  static const struct { const char *text; SimDistKind kind; double mean; const char *canonical; } forms[] = {
    { "5ms", SIM_DIST_CONSTANT, 5e6, "5ms" },
    { "uniform:1ms,10ms", SIM_DIST_UNIFORM, 5.5e6, "uniform:1ms,10ms" },
    { "exp:5ms", SIM_DIST_EXPONENTIAL, 5e6, "exp:5ms" },
    { "exp:5ms,1ms", SIM_DIST_EXPONENTIAL, 5e6, "exp:5ms,1ms" },
    { "normal:10ms,2ms", SIM_DIST_NORMAL, 10e6, "normal:10ms,2ms" },
    /* median 10ms: mean = median * exp(sigma^2 / 2) */
    { "lognormal:10ms,0.5", SIM_DIST_LOGNORMAL, 10e6 * 1.1331484530668263, "lognormal:10ms,0.5" },
  };
  SimRng rng;
  sim_rng_init(&rng, 11, "dist-test");
  for (guint i = 0; i < G_N_ELEMENTS(forms); i++) {
    SimDist d;
    GError *error = NULL;
    CU_ASSERT_TRUE_FATAL(sim_dist_parse(forms[i].text, &d, &error));
    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_EQUAL(d.kind, forms[i].kind);
    g_autofree char *back = sim_dist_to_string(&d);
    CU_ASSERT_STRING_EQUAL(back, forms[i].canonical);
    double sum = 0;
    SimTime lo = INT64_MAX;
    const int n = 100000;
    for (int k = 0; k < n; k++) {
      SimTime x = sim_dist_draw(&d, &rng);
      sum += (double) x;
      lo = MIN(lo, x);
    }
    double mean = sum / n;
    CU_ASSERT(fabs(mean - forms[i].mean) <= 0.02 * forms[i].mean);
    CU_ASSERT(lo >= 0);
    if (fabs(mean - forms[i].mean) > 0.02 * forms[i].mean)
      fprintf(stderr, "%s: mean %.0f, want %.0f\n", forms[i].text, mean, forms[i].mean);
  }
  SimDist d;
  sim_dist_parse("exp:5ms,1ms", &d, NULL);
  for (int k = 0; k < 1000; k++)
    CU_ASSERT(sim_dist_draw(&d, &rng) >= SIM_MS);
  sim_dist_parse("uniform:1ms,10ms", &d, NULL);
  for (int k = 0; k < 1000; k++) {
    SimTime x = sim_dist_draw(&d, &rng);
    CU_ASSERT(x >= SIM_MS && x <= 10 * SIM_MS);
  }
}

static void test_dist_rejects(void)
{
  const char *bad[] = { "uniform:5ms,1ms", "foo:1ms", "lognormal:1ms,-1", "lognormal:1ms",
                        "uniform:1ms", "normal:10ms", "exp:1ms,5ms", "", "5 parsecs",
                        "uniform:,1ms", "lognormal:1ms,abc", "-1ms" };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    SimDist d = sim_dist_constant(123);
    GError *error = NULL;
    gboolean ok = sim_dist_parse(bad[i], &d, &error);
    CU_ASSERT_FALSE(ok);
    CU_ASSERT_PTR_NOT_NULL(error);
    if (ok)
      fprintf(stderr, "accepted bad distribution '%s'\n", bad[i]);
    CU_ASSERT_EQUAL(d.a, 123); /* the output is untouched on failure */
    g_clear_error(&error);
  }
}

/* ------------------------------------------------------------------ */
/* 8. History                                                          */

static const SimHistoryEntry *hist(Sim *sim, guint i)
{
  return &g_array_index(sim_history(sim), SimHistoryEntry, i);
}

static void test_history(void)
{
  probe_reset();
  g_autoptr(Sim) sim = sim_new(1);
  int c = add(sim, "c", &probe_model, NULL);
  SimNode *node = sim_node(sim, c);
  sim_run(sim, 0);
  SimValue key = sim_value_int(5), val = sim_value_int(9);
  uint64_t read = sim_op_invoke(node, "read", &key, NULL, 100 * SIM_MS);
  uint64_t write = sim_op_invoke(node, "write", NULL, &val, 50 * SIM_MS);
  uint64_t cas = sim_op_invoke(node, "cas", &key, NULL, 0);
  CU_ASSERT(read != write && write != cas);
  CU_ASSERT_TRUE(sim_op_pending(sim, read));
  sim_run(sim, 10 * SIM_MS);
  CU_ASSERT_TRUE(sim_op_complete(node, read, SIM_OP_OK, &val));
  CU_ASSERT_FALSE(sim_op_complete(node, read, SIM_OP_FAIL, NULL)); /* twice */
  sim_run(sim, 49 * SIM_MS);
  CU_ASSERT_TRUE(sim_op_pending(sim, write));
  sim_run(sim, 200 * SIM_MS);
  CU_ASSERT_FALSE(sim_op_pending(sim, write));
  /* Completing after the timeout is ignored. */
  CU_ASSERT_FALSE(sim_op_complete(node, write, SIM_OP_OK, NULL));
  CU_ASSERT_TRUE(sim_op_complete(node, cas, SIM_OP_FAIL, NULL));

  const GArray *h = sim_history(sim);
  CU_ASSERT_EQUAL_FATAL(h->len, 6);
  struct { uint64_t op; SimOpType type; SimTime t; const char *f; } want[] = {
    { read, SIM_OP_INVOKE, 0, "read" },   { write, SIM_OP_INVOKE, 0, "write" },
    { cas, SIM_OP_INVOKE, 0, "cas" },     { read, SIM_OP_OK, 10 * SIM_MS, "read" },
    { write, SIM_OP_INFO, 50 * SIM_MS, "write" }, { cas, SIM_OP_FAIL, 200 * SIM_MS, "cas" },
  };
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = hist(sim, i);
    CU_ASSERT_EQUAL(e->index, i);
    CU_ASSERT_EQUAL(e->op, want[i].op);
    CU_ASSERT_EQUAL(e->type, want[i].type);
    CU_ASSERT_EQUAL(e->time, want[i].t);
    CU_ASSERT_STRING_EQUAL(e->f, want[i].f);
    CU_ASSERT_EQUAL(e->process, c);
  }
  CU_ASSERT_TRUE(hist(sim, 0)->has_key);
  CU_ASSERT_EQUAL(hist(sim, 0)->key.a, 5);
  CU_ASSERT_FALSE(hist(sim, 1)->has_key);
  CU_ASSERT_EQUAL(hist(sim, 1)->value.a, 9);
  CU_ASSERT_EQUAL(hist(sim, 3)->value.kind, SIM_V_INT);
  CU_ASSERT_EQUAL(hist(sim, 3)->value.a, 9);
  CU_ASSERT_EQUAL(hist(sim, 4)->value.kind, SIM_V_NIL);
  const SimStats *st = sim_stats(sim);
  CU_ASSERT_EQUAL(st->invoked, 3);
  CU_ASSERT_EQUAL(st->ok, 1);
  CU_ASSERT_EQUAL(st->info, 1);
  CU_ASSERT_EQUAL(st->fail, 1);
}

/* A client that reports info itself before the deadline leaves no live
 * timeout behind: nothing more happens at the deadline. */
static void test_history_early_info(void)
{
  probe_reset();
  g_autoptr(Sim) sim = sim_new(1);
  int c = add(sim, "c", &probe_model, NULL);
  SimNode *node = sim_node(sim, c);
  sim_run(sim, 0);
  uint64_t op = sim_op_invoke(node, "read", NULL, NULL, 50 * SIM_MS);
  sim_run(sim, 10 * SIM_MS);
  CU_ASSERT_TRUE(sim_op_complete(node, op, SIM_OP_INFO, NULL));
  guint64 events = sim_stats(sim)->events;
  sim_run(sim, 100 * SIM_MS);
  CU_ASSERT_EQUAL(sim_stats(sim)->events, events);
  CU_ASSERT_EQUAL(sim_history(sim)->len, 2);
  CU_ASSERT_EQUAL(sim_stats(sim)->info, 1);
}

/* ------------------------------------------------------------------ */

static int suite_cleanup(void)
{
  if (probe.recs)
    g_array_unref(probe.recs);
  probe.recs = NULL;
  return 0;
}

/* Latency of each delivered PING, keyed by (sender, seq). */
static void record_latency(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) sim;
  if (ev->kind != SIM_TR_DELIVER)
    return;
  gint64 *key = g_new(gint64, 1);
  *key = ((gint64) ev->msg->src << 32) | sim_msg_get(ev->msg, "seq", 0);
  gint64 *lat = g_new(gint64, 1);
  *lat = ev->time - ev->msg->sent_at;
  g_hash_table_insert(data, key, lat);
}

static GHashTable *sink_latencies(gboolean with_partition)
{
  extern const SimModel model_echo_client, model_bench_forward;
  GHashTable *lat = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(Sim) sim = sim_new(11);
  sim_net_default(sim)->latency = (SimDist) { SIM_DIST_UNIFORM, 1 * SIM_MS, 9 * SIM_MS, 0 };
  sim_net_default(sim)->loss = 0.1;
  sim_net_default(sim)->duplicate = 0.1;
  sim_add_node(sim, "sink", &model_bench_forward, NULL, NULL);
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "target", "sink");
  g_hash_table_insert(params, "interval", "10ms");
  for (int i = 0; i < 3; i++) {
    g_autofree char *name = g_strdup_printf("c%d", i);
    sim_add_node(sim, name, &model_echo_client, params, NULL);
  }
  sim_add_observer(sim, record_latency, lat);
  sim_run(sim, 1 * SIM_S);
  if (with_partition)
    sim_net_partition(sim, (const int[]) { 0, 1, 0, 0 }, 4);
  sim_run(sim, 2 * SIM_S);
  sim_net_heal(sim);
  sim_run(sim, 3 * SIM_S);
  return lat;
}

/* The senders here never react to what they receive, so the same messages
 * are sent with or without the partition; each one delivered in both runs
 * must have drawn the same latency. */
static void test_partition_keeps_network_draws(void)
{
  g_autoptr(GHashTable) plain = sink_latencies(FALSE);
  g_autoptr(GHashTable) cut = sink_latencies(TRUE);
  CU_ASSERT(g_hash_table_size(cut) < g_hash_table_size(plain));
  guint compared = 0, equal = 0;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, cut);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    gint64 *other = g_hash_table_lookup(plain, key);
    if (!other)
      continue;
    compared++;
    equal += *other == *(gint64 *) value;
  }
  CU_ASSERT(compared > 500);
  CU_ASSERT_EQUAL(equal, compared);
}

void suite_kernel(void)
{
  CU_pSuite s = CU_add_suite("kernel", NULL, suite_cleanup);
  CU_add_test(s, "same seed, same digest and trace; other seed differs", test_determinism_same_seed);
  CU_add_test(s, "same digest in a child process", test_determinism_across_processes);
  CU_add_test(s, "removing a fault leaves other streams unchanged", test_stream_independence);
  CU_add_test(s, "crash loses volatile state and timers, keeps durable", test_crash_loses_volatile_keeps_durable);
  CU_add_test(s, "a fault at an event's arrival wins over its handler", test_fault_at_arrival);
  CU_add_test(s, "a crash inside the node's own handler is safe", test_crash_inside_handler);
  CU_add_test(s, "a paused node handles what waited at resume, in order", test_pause_delivers_late_in_order);
  CU_add_test(s, "loss 0 delivers all, loss 1 nothing", test_net_loss);
  CU_add_test(s, "duplication is observable", test_net_duplication);
  CU_add_test(s, "loss and duplication at p = 0.1 within a binomial bound", test_net_loss_duplication_rates);
  CU_add_test(s, "uniform latency reorders, fifo does not", test_net_reorder_and_fifo);
  CU_add_test(s, "a cut link delivers nothing until restored", test_net_cut_and_heal);
  CU_add_test(s, "a partition cuts both ways between groups only", test_net_partition);
  CU_add_test(s, "a message in flight on a cut link is dropped", test_net_cut_in_flight);
  CU_add_test(s, "local clocks: offset, jumps and drift", test_clock_offset_and_drift);
  CU_add_test(s, "timers run on the local clock", test_clock_drift_timer);
  CU_add_test(s, "equal times run in scheduling order; cancel", test_event_order);
  CU_add_test(s, "timer cancel, stale ids ignored", test_timer_cancel);
  CU_add_test(s, "latency distributions parse and have their means", test_dist_parse_and_means);
  CU_add_test(s, "bad latency distributions are rejected", test_dist_rejects);
  CU_add_test(s, "history: invoke, ok, fail, info at the deadline", test_history);
  CU_add_test(s, "history: early info leaves no live timeout", test_history_early_info);
  CU_add_test(s, "a partition leaves later network draws unchanged", test_partition_keeps_network_draws);
}
