/* Client retries (sim/kernel/retry.h): the backoff sequence and its jitter,
 * a retry after a timeout sending a new message, a reply to an old attempt
 * completing the op, max, on_fail, the budget, a client crashed at retry
 * time, runs without a retry keeping their trace, and echo.client's
 * outlier ejection.
 *
 * Node 0 runs rt.client: on_invoke and on_retry send REQ(op, attempt) to
 * node 1; a REP(op, ok) completes the op ok or fail. Node 1 runs
 * rt.server, which counts each REQ in `probe` and answers as its
 * parameter "mode" says. */
#include "sim/kernel/internal.h"
#include "sim/kernel/retry.h"
#include "sim/kernel/service.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <string.h>

extern const SimModel model_echo_server;
extern const SimModel model_echo_client;

typedef struct {
  guint requests;        /* REQs at the server */
  guint retry_lines;     /* `retry` trace lines (not denied) */
  guint denied_lines;
  GString *reqs;         /* "op/attempt@ms " per REQ */
  GString *ejects;       /* "target@ms " per echo eject event */
  guint pings_to[4];     /* echo: PINGs sent to each node */
} Probe;

static Probe probe;

static void probe_reset(void)
{
  if (probe.reqs)
    g_string_free(probe.reqs, TRUE);
  if (probe.ejects)
    g_string_free(probe.ejects, TRUE);
  memset(&probe, 0, sizeof probe);
  probe.reqs = g_string_new(NULL);
  probe.ejects = g_string_new(NULL);
}

static int suite_cleanup(void)
{
  if (probe.reqs)
    g_string_free(probe.reqs, TRUE);
  if (probe.ejects)
    g_string_free(probe.ejects, TRUE);
  memset(&probe, 0, sizeof probe);
  return 0;
}

static void send_req(SimNode *node, uint64_t op, guint attempt)
{
  SimMsg *m = sim_msg_new(node, "REQ");
  sim_msg_set(m, "op", (int64_t) op);
  sim_msg_set(m, "attempt", attempt);
  sim_send(node, 1, m);
}

static void client_on_invoke(SimNode *node, uint64_t op, const char *f, const SimValue *key, const SimValue *value)
{
  (void) f; (void) key; (void) value;
  send_req(node, op, 1);
}

static void client_on_retry(SimNode *node, uint64_t op, const char *f, const SimValue *key, const SimValue *value,
                            guint attempt)
{
  (void) key;
  CU_ASSERT_STRING_EQUAL(f, "req");
  /* The op's value comes back: op × 10, or test_memory_counted's list. */
  if (value->kind == SIM_V_LIST) {
    CU_ASSERT_EQUAL(value->list->len, 1000);
  } else {
    CU_ASSERT_EQUAL(value->a, (int64_t) op * 10);
  }
  CU_ASSERT_EQUAL(value->kind == SIM_V_INT || value->kind == SIM_V_LIST, TRUE);
  send_req(node, op, attempt);
}

static void client_on_message(SimNode *node, const SimMsg *msg)
{
  SimValue v = sim_value_nil();
  sim_op_complete(node, (uint64_t) sim_msg_get(msg, "op", 0), sim_msg_get(msg, "ok", 0) ? SIM_OP_OK : SIM_OP_FAIL,
                  &v);
}

static const SimParamSpec no_params[] = { { NULL } };

static const SimModel client_model = {
  .name = "rt.client", .summary = "test client", .params = no_params, .on_message = client_on_message,
  .on_invoke = client_on_invoke, .on_retry = client_on_retry,
};

/* mode 0: never answers; 1: REP ok; 2: REP fail; 3: answers only the first
 * attempt. */
static void server_on_message(SimNode *node, const SimMsg *msg)
{
  Sim *sim = sim_node_sim(node);
  probe.requests++;
  int64_t attempt = sim_msg_get(msg, "attempt", 0);
  g_string_append_printf(probe.reqs, "%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "@%" G_GINT64_FORMAT " ",
                         sim_msg_get(msg, "op", 0), attempt, sim_now(sim) / SIM_MS);
  int64_t mode = sim_node_param_int(node, "mode");
  if (mode == 0 || (mode == 3 && attempt != 1))
    return;
  SimMsg *r = sim_msg_new(node, "REP");
  sim_msg_set(r, "op", sim_msg_get(msg, "op", 0));
  sim_msg_set(r, "ok", mode != 2);
  sim_send(node, msg->src, r);
}

static const SimParamSpec server_params[] = {
  { "mode", SIM_PARAM_INT, "0", "how to answer", 0, 0 },
  { NULL },
};

static const SimModel server_model = {
  .name = "rt.server", .summary = "test server", .params = server_params, .on_message = server_on_message,
};

static void observe(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) data;
  if (ev->kind == SIM_TR_RETRY) {
    if (ev->detail)
      probe.denied_lines++;
    else
      probe.retry_lines++;
  }
  if (ev->kind == SIM_TR_SEND && ev->msg && strcmp(ev->msg->type, "PING") == 0 &&
      ev->peer >= 0 && ev->peer < 4)
    probe.pings_to[ev->peer]++;
  if (ev->kind == SIM_TR_EVENT && strcmp(ev->msg->type, "eject") == 0)
    g_string_append_printf(probe.ejects, "%s@%" G_GINT64_FORMAT " ",
                           sim_node_name(sim_node(sim, (int) sim_msg_get(ev->msg, "target", -1))),
                           ev->time / SIM_MS);
}

/* A Sim with rt.client (0) and rt.server (1) in `mode`, one-way latency
 * `latency`, and `policy` (may be NULL) on the client. */
static Sim *setup(const char *mode, SimTime latency, const SimRetryPolicy *policy)
{
  probe_reset();
  Sim *sim = sim_new(7);
  sim_net_default(sim)->latency = sim_dist_constant(latency);
  GError *error = NULL;
  CU_ASSERT_EQUAL(sim_add_node(sim, "c", &client_model, NULL, &error), 0);
  GHashTable *params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "mode", (gpointer) mode);
  CU_ASSERT_EQUAL(sim_add_node(sim, "s", &server_model, params, &error), 1);
  g_hash_table_unref(params);
  if (policy)
    CU_ASSERT_TRUE(sim_node_set_retry(sim, 0, policy, &error));
  CU_ASSERT_PTR_NULL(error);
  g_clear_error(&error);
  sim_add_observer(sim, observe, NULL);
  return sim;
}

typedef struct {
  SimTime timeout;
} InvokeArgs;

/* Invokes "req" with value op*10 at node 0 and hands it to the model. */
static void call_invoke(Sim *sim, void *d)
{
  SimNode *c = sim_node(sim, 0);
  if (sim_node_state(c) != SIM_NODE_UP)
    return;
  SimValue v = sim_value_int((int64_t) (sim->next_op + 1) * 10);
  uint64_t op = sim_op_invoke(c, "req", NULL, &v, GPOINTER_TO_SIZE(d));
  c->model->on_invoke(c, op, "req", NULL, &v);
}

static void invoke_at(Sim *sim, SimTime t, SimTime timeout)
{
  sim_schedule(sim, t, call_invoke, GSIZE_TO_POINTER((gsize) timeout), NULL);
}

static void call_crash(Sim *sim, void *d) { (void) d; sim_crash(sim, 0); }
static void call_restart(Sim *sim, void *d) { (void) d; sim_restart(sim, 0); }
static void call_pause(Sim *sim, void *d) { (void) d; sim_pause(sim, 0); }
static void do_at(Sim *sim, SimTime t, SimCallFn fn) { sim_schedule(sim, t, fn, NULL, NULL); }

/* The outcomes in the history, "type@ms" joined by spaces. */
static char *outcomes(Sim *sim)
{
  GString *s = g_string_new(NULL);
  const GArray *h = sim_history(sim);
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (e->type != SIM_OP_INVOKE)
      g_string_append_printf(s, "%s%s@%" G_GINT64_FORMAT, s->len ? " " : "", sim_op_type_name(e->type),
                             e->time / SIM_MS);
  }
  return g_string_free(s, FALSE);
}

static void expect_outcomes(Sim *sim, const char *want)
{
  g_autofree char *got = outcomes(sim);
  if (strcmp(got, want) != 0)
    fprintf(stderr, "\n  outcomes: got '%s', want '%s'\n", got, want);
  CU_ASSERT_STRING_EQUAL(got, want);
}

static void expect_reqs(const char *want)
{
  if (strcmp(probe.reqs->str, want) != 0)
    fprintf(stderr, "\n  requests: got '%s', want '%s'\n", probe.reqs->str, want);
  CU_ASSERT_STRING_EQUAL(probe.reqs->str, want);
}

static SimRetryPolicy policy_const(guint max, SimTime backoff)
{
  SimRetryPolicy p;
  sim_retry_policy_init(&p);
  p.max = max;
  p.base = p.cap = backoff;
  return p;
}

/* ------------------------------------------------------------------ */

static void test_backoff_sequence(void)
{
  SimRetryPolicy p;
  sim_retry_policy_init(&p);
  GError *error = NULL;
  CU_ASSERT_TRUE(sim_retry_parse_backoff("exp:10ms,2,1s", &p, &error));
  static const SimTime want[] = { 10, 20, 40, 80, 160, 320, 640, 1000, 1000 };
  for (guint k = 1; k <= G_N_ELEMENTS(want); k++)
    CU_ASSERT_EQUAL(sim_retry_backoff(&p, k), want[k - 1] * SIM_MS);
  CU_ASSERT_EQUAL(sim_retry_backoff(&p, SIM_RETRY_MAX), 1 * SIM_S);
  CU_ASSERT_TRUE(sim_retry_parse_backoff("exp:10ms, 1.5 ,1s", &p, &error));
  CU_ASSERT_EQUAL(sim_retry_backoff(&p, 2), 15 * SIM_MS);
  CU_ASSERT_EQUAL(sim_retry_backoff(&p, 3), 22500 * SIM_US);
  CU_ASSERT_TRUE(sim_retry_parse_backoff("50ms", &p, &error));
  for (guint k = 1; k <= 5; k++)
    CU_ASSERT_EQUAL(sim_retry_backoff(&p, k), 50 * SIM_MS);
  CU_ASSERT_TRUE(sim_retry_parse_backoff("0", &p, &error));
  CU_ASSERT_EQUAL(sim_retry_backoff(&p, 1), 0);
  CU_ASSERT_EQUAL(sim_retry_backoff(&p, 7), 0);
  /* Saturation: a huge base times a huge factor stops at the cap, and a
   * cap at the end of time stays there instead of wrapping. */
  CU_ASSERT_TRUE(sim_retry_parse_backoff("exp:9e9s,1000,9e9s", &p, &error));
  CU_ASSERT_EQUAL(sim_retry_backoff(&p, 1000), p.cap);
  p.base = SIM_TIME_MAX / 2;
  p.cap = SIM_TIME_MAX;
  p.factor = 1000;
  CU_ASSERT_EQUAL(sim_retry_backoff(&p, 2), SIM_TIME_MAX);
  CU_ASSERT_EQUAL(sim_retry_backoff(&p, 1000), SIM_TIME_MAX);
  CU_ASSERT_EQUAL(sim_time_after(SIM_TIME_MAX - 5, sim_retry_backoff(&p, 3)), SIM_TIME_MAX);
  CU_ASSERT_PTR_NULL(error);
  /* Bad forms leave the policy alone. */
  SimRetryPolicy before = p;
  CU_ASSERT_FALSE(sim_retry_parse_backoff("exp:10ms,2", &p, &error));
  g_clear_error(&error);
  CU_ASSERT_FALSE(sim_retry_parse_backoff("exp:1s,2,10ms", &p, &error));
  g_clear_error(&error);
  CU_ASSERT_FALSE(sim_retry_parse_backoff("exp:1ms,nan,10ms", &p, &error));
  g_clear_error(&error);
  CU_ASSERT_FALSE(sim_retry_parse_backoff("-1s", &p, &error));
  g_clear_error(&error);
  CU_ASSERT_EQUAL(memcmp(&before, &p, sizeof p), 0);
}

static void test_jitter_bounds(void)
{
  SimRetryPolicy p = policy_const(3, 0);
  SimRng a, b;
  sim_rng_init(&a, 1, "t");
  sim_rng_init(&b, 1, "t");
  const SimTime d = 1000 * SIM_MS;
  /* No jitter, or nothing to jitter: no draw. */
  CU_ASSERT_EQUAL(sim_retry_jitter(&p, d, &a), d);
  p.jitter = SIM_JITTER_FULL;
  CU_ASSERT_EQUAL(sim_retry_jitter(&p, 0, &a), 0);
  CU_ASSERT_EQUAL(sim_rng_u64(&a), sim_rng_u64(&b));
  for (int mode = 0; mode < 2; mode++) {
    p.jitter = mode ? SIM_JITTER_EQUAL : SIM_JITTER_FULL;
    SimTime lo = mode ? d / 2 : 0, min = SIM_TIME_MAX, max = 0;
    double sum = 0;
    for (int i = 0; i < 4000; i++) {
      SimTime x = sim_retry_jitter(&p, d, &a);
      CU_ASSERT_EQUAL(x, sim_retry_jitter(&p, d, &b)); /* determinism */
      CU_ASSERT_TRUE(x >= lo && x <= d);
      min = MIN(min, x);
      max = MAX(max, x);
      sum += (double) x;
    }
    /* Spread over the whole range, centred in it. */
    CU_ASSERT_TRUE(min < lo + d / 50 && max > d - d / 50);
    CU_ASSERT_TRUE(fabs(sum / 4000 - (double) (lo + d) / 2) < (double) d / 40);
  }
  CU_ASSERT_EQUAL(sim_retry_jitter(&p, 1, &a) >= 0, TRUE);
  p.jitter = SIM_JITTER_FULL;
  SimTime x = sim_retry_jitter(&p, SIM_TIME_MAX, &a);
  CU_ASSERT_TRUE(x >= 0 && x <= SIM_TIME_MAX);
}

/* A server that never answers: each timeout brings a retry, a new REQ,
 * until max; then info. The value comes back to on_retry. */
static void test_retry_after_timeout(void)
{
  SimRetryPolicy p = policy_const(2, 10 * SIM_MS);
  Sim *sim = setup("0", 0, &p);
  invoke_at(sim, 0, 100 * SIM_MS);
  sim_run(sim, 10 * SIM_S);
  expect_reqs("1/1@0 1/2@110 1/3@220 ");
  expect_outcomes(sim, "info@320");
  CU_ASSERT_EQUAL(probe.retry_lines, 2);
  SimClientStats st;
  CU_ASSERT_TRUE(sim_node_client_stats(sim, 0, sim_now(sim), &st));
  CU_ASSERT_EQUAL(st.ops, 1);
  CU_ASSERT_EQUAL(st.attempts, 3);
  CU_ASSERT_EQUAL(st.retries, 2);
  CU_ASSERT_EQUAL(st.info, 1);
  CU_ASSERT_EQUAL(st.ok + st.fail + st.retries_denied, 0);
  CU_ASSERT_TRUE(fabs(st.offered_per_s - 3 / 10.0) < 1e-9);
  CU_ASSERT_FALSE(sim_node_client_stats(sim, 1, sim_now(sim), &st));
  sim_free(sim);

  /* max = 0: one attempt, as without a policy. */
  p.max = 0;
  sim = setup("0", 0, &p);
  invoke_at(sim, 0, 100 * SIM_MS);
  sim_run(sim, 10 * SIM_S);
  expect_reqs("1/1@0 ");
  expect_outcomes(sim, "info@100");
  sim_free(sim);
}

/* Replies take 150 ms, the timeout is 100 ms: the reply to attempt 1
 * completes the op while attempt 2 is out (its deadline is cancelled), or
 * while the retry waits out its backoff (the retry is cancelled). */
static void test_reply_to_old_attempt(void)
{
  SimRetryPolicy p = policy_const(3, 10 * SIM_MS);
  Sim *sim = setup("3", 75 * SIM_MS, &p);
  invoke_at(sim, 0, 100 * SIM_MS);
  sim_run(sim, 10 * SIM_S);
  expect_reqs("1/1@75 1/2@185 ");
  expect_outcomes(sim, "ok@150");
  CU_ASSERT_EQUAL(probe.retry_lines, 1);
  CU_ASSERT_EQUAL(sim_stats(sim)->info, 0);
  sim_free(sim);

  p = policy_const(3, 100 * SIM_MS);
  sim = setup("3", 75 * SIM_MS, &p);
  invoke_at(sim, 0, 100 * SIM_MS);
  sim_run(sim, 10 * SIM_S);
  expect_reqs("1/1@75 ");
  expect_outcomes(sim, "ok@150");
  CU_ASSERT_EQUAL(probe.retry_lines, 0);
  /* The waiting retry was cancelled: it popped without running. */
  CU_ASSERT_EQUAL(sim->popped - sim_stats(sim)->events, 1);
  sim_free(sim);
}

/* on_fail: a fail reply is retried too; without it, it is the outcome. */
static void test_on_fail(void)
{
  SimRetryPolicy p = policy_const(2, 10 * SIM_MS);
  p.on_fail = TRUE;
  Sim *sim = setup("2", 5 * SIM_MS, &p);
  invoke_at(sim, 0, 100 * SIM_MS);
  sim_run(sim, 10 * SIM_S);
  expect_reqs("1/1@5 1/2@25 1/3@45 ");
  expect_outcomes(sim, "fail@50");
  sim_free(sim);

  p.on_fail = FALSE;
  sim = setup("2", 5 * SIM_MS, &p);
  invoke_at(sim, 0, 100 * SIM_MS);
  sim_run(sim, 10 * SIM_S);
  expect_reqs("1/1@5 ");
  expect_outcomes(sim, "fail@10");
  sim_free(sim);
}

/* 1000 ops that all time out, ratio 0.1, burst 10: at most 0.1 × 1000 + 10
 * retries, every other one denied. */
static void test_budget(void)
{
  SimRetryPolicy p = policy_const(3, 0);
  p.budget = TRUE;
  p.ratio_milli = 100;
  p.burst = 10;
  Sim *sim = setup("0", 0, &p);
  for (int i = 0; i < 1000; i++)
    invoke_at(sim, i * SIM_MS, 50 * SIM_MS);
  sim_run(sim, 100 * SIM_S);
  SimClientStats st;
  CU_ASSERT_TRUE(sim_node_client_stats(sim, 0, sim_now(sim), &st));
  CU_ASSERT_EQUAL(st.ops, 1000);
  CU_ASSERT_TRUE(st.retries <= 110);
  CU_ASSERT_TRUE(st.retries >= 100); /* the budget is spent, not wasted */
  CU_ASSERT_EQUAL(st.attempts, st.ops + st.retries);
  CU_ASSERT_EQUAL(probe.requests, st.attempts);
  CU_ASSERT_EQUAL(st.info, 1000);
  /* Each op whose retry is denied stops there: one denial per such op. */
  CU_ASSERT_TRUE(st.retries_denied >= 1000 - st.retries / 3 - 10);
  CU_ASSERT_EQUAL(probe.denied_lines, st.retries_denied);
  CU_ASSERT_EQUAL(probe.retry_lines, st.retries);
  sim_free(sim);

  /* Without a budget the same load retries every op three times. */
  p.budget = FALSE;
  sim = setup("0", 0, &p);
  for (int i = 0; i < 1000; i++)
    invoke_at(sim, i * SIM_MS, 50 * SIM_MS);
  sim_run(sim, 100 * SIM_S);
  CU_ASSERT_TRUE(sim_node_client_stats(sim, 0, sim_now(sim), &st));
  CU_ASSERT_EQUAL(st.retries, 3000);
  sim_free(sim);
}

/* A client crashed at its retry time (or at its deadline) sends nothing
 * and the op is info then; one restarted in between does not retry an op
 * of its earlier life; one crashed while paused loses the waiting retry. */
static void test_crash_at_retry_time(void)
{
  SimRetryPolicy p = policy_const(3, 50 * SIM_MS);
  Sim *sim = setup("0", 0, &p);
  invoke_at(sim, 0, 100 * SIM_MS);
  do_at(sim, 120 * SIM_MS, call_crash);
  sim_run(sim, 10 * SIM_S);
  expect_reqs("1/1@0 ");
  expect_outcomes(sim, "info@150");
  CU_ASSERT_EQUAL(probe.retry_lines, 0);
  sim_free(sim);

  sim = setup("0", 0, &p);
  invoke_at(sim, 0, 100 * SIM_MS);
  do_at(sim, 120 * SIM_MS, call_crash);
  do_at(sim, 130 * SIM_MS, call_restart);
  sim_run(sim, 10 * SIM_S);
  expect_reqs("1/1@0 ");
  expect_outcomes(sim, "info@150");
  sim_free(sim);

  sim = setup("0", 0, &p);
  invoke_at(sim, 0, 100 * SIM_MS);
  do_at(sim, 50 * SIM_MS, call_crash);
  sim_run(sim, 10 * SIM_S);
  expect_reqs("1/1@0 ");
  expect_outcomes(sim, "info@100");
  sim_free(sim);

  sim = setup("0", 0, &p);
  invoke_at(sim, 0, 100 * SIM_MS);
  do_at(sim, 120 * SIM_MS, call_pause);
  do_at(sim, 200 * SIM_MS, call_crash);
  sim_run(sim, 10 * SIM_S);
  expect_reqs("1/1@0 ");
  expect_outcomes(sim, "info@200");
  sim_free(sim);
}

/* An echo run: client c pinging s every 100 ms (timeout 50 ms) over a
 * link of `latency`; `retry` gives c a policy. Returns the digest. */
static char *echo_digest(SimTime latency, gboolean retry, guint *retries)
{
  probe_reset();
  Sim *sim = sim_new(3);
  sim_net_default(sim)->latency = (SimDist) { SIM_DIST_UNIFORM, latency / 2, latency, 0 };
  GError *error = NULL;
  sim_add_node(sim, "s", &model_echo_server, NULL, &error);
  GHashTable *params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "target", "s");
  g_hash_table_insert(params, "timeout", "50ms");
  g_hash_table_insert(params, "count", "50");
  sim_add_node(sim, "c", &model_echo_client, params, &error);
  g_hash_table_unref(params);
  CU_ASSERT_TRUE(sim_resolve_nodes(sim, &error));
  if (retry) {
    SimRetryPolicy p = policy_const(2, 0);
    GError *e = NULL;
    CU_ASSERT_TRUE(sim_retry_parse_backoff("exp:1ms,2,10ms", &p, &e));
    p.jitter = SIM_JITTER_FULL;
    CU_ASSERT_TRUE(sim_node_set_retry(sim, 1, &p, &e));
  }
  CU_ASSERT_PTR_NULL(error);
  sim_add_observer(sim, observe, NULL);
  sim_run(sim, 10 * SIM_S);
  *retries = probe.retry_lines;
  char *d = sim_trace_digest(sim);
  sim_free(sim);
  return d;
}

/* A policy that never fires leaves the trace as it was; runs with one are
 * repeatable. */
static void test_trace_without_retries(void)
{
  guint r1, r2, r3, r4;
  g_autofree char *plain = echo_digest(10 * SIM_MS, FALSE, &r1);
  g_autofree char *idle = echo_digest(10 * SIM_MS, TRUE, &r2);
  CU_ASSERT_STRING_EQUAL(plain, idle);
  CU_ASSERT_EQUAL(r2, 0);
  /* Latencies up to 40 ms each way: some pings time out and retry. */
  g_autofree char *busy1 = echo_digest(40 * SIM_MS, TRUE, &r3);
  g_autofree char *busy2 = echo_digest(40 * SIM_MS, TRUE, &r4);
  g_autofree char *plain_busy = echo_digest(40 * SIM_MS, FALSE, &r1);
  CU_ASSERT_TRUE(r3 > 0);
  CU_ASSERT_EQUAL(r3, r4);
  CU_ASSERT_STRING_EQUAL(busy1, busy2);
  CU_ASSERT_STRING_NOT_EQUAL(busy1, plain_busy);
  CU_ASSERT_EQUAL(r1, 0);
}

/* echo.client over s1 (paused: every ping to it times out) and s2, with
 * eject_after 2: s1 is ejected after its second timed-out attempt, then
 * left out for eject_for; after that it is tried again. BUSY replies count
 * the same. */
static void test_echo_ejection(void)
{
  probe_reset();
  Sim *sim = sim_new(5);
  sim_net_default(sim)->latency = sim_dist_constant(1 * SIM_MS);
  GError *error = NULL;
  sim_add_node(sim, "s1", &model_echo_server, NULL, &error);
  sim_add_node(sim, "s2", &model_echo_server, NULL, &error);
  GHashTable *params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "target", "s1,s2");
  g_hash_table_insert(params, "timeout", "50ms");
  g_hash_table_insert(params, "interval", "100ms");
  g_hash_table_insert(params, "eject_after", "2");
  g_hash_table_insert(params, "eject_for", "5s");
  sim_add_node(sim, "c", &model_echo_client, params, &error);
  g_hash_table_unref(params);
  CU_ASSERT_TRUE(sim_resolve_nodes(sim, &error));
  SimRetryPolicy p = policy_const(3, 0);
  CU_ASSERT_TRUE(sim_node_set_retry(sim, 2, &p, &error));
  CU_ASSERT_PTR_NULL(error);
  sim_add_observer(sim, observe, NULL);
  sim_pause(sim, 0);
  sim_run(sim, 1 * SIM_S);
  /* Ejected once, early; no ping went to s1 in the 5 s after. */
  CU_ASSERT_TRUE(g_str_has_prefix(probe.ejects->str, "s1@"));
  CU_ASSERT_EQUAL(strchr(probe.ejects->str, ' ') + 1 - probe.ejects->str, (long) probe.ejects->len);
  long at = strtol(probe.ejects->str + 3, NULL, 10);
  CU_ASSERT_TRUE(at > 0 && at < 1000);
  /* The two that timed out, and maybe one sent at the same instant. */
  CU_ASSERT_TRUE(probe.pings_to[0] >= 2 && probe.pings_to[0] <= 3);
  memset(probe.pings_to, 0, sizeof probe.pings_to);
  sim_run(sim, (at + 4900) * SIM_MS);
  CU_ASSERT_EQUAL(probe.pings_to[0], 0);
  CU_ASSERT_TRUE(probe.pings_to[1] > 35);
  /* Every op got through: the retries went to s2. */
  CU_ASSERT_EQUAL(sim_stats(sim)->info, 0);
  /* After eject_for, s1 is back in the choice. */
  sim_run(sim, (at + 8000) * SIM_MS);
  CU_ASSERT_TRUE(probe.pings_to[0] > 0);
  sim_free(sim);

  /* s1 serves one ping for 10 s and answers BUSY to the rest. */
  probe_reset();
  sim = sim_new(5);
  sim_net_default(sim)->latency = sim_dist_constant(1 * SIM_MS);
  sim_add_node(sim, "s1", &model_echo_server, NULL, &error);
  sim_add_node(sim, "s2", &model_echo_server, NULL, &error);
  SimServiceSpec spec;
  sim_service_spec_init(&spec);
  spec.time = sim_dist_constant(10 * SIM_S);
  spec.queue = 0;
  spec.overflow = SIM_OVERFLOW_REJECT;
  CU_ASSERT_TRUE(sim_node_set_service(sim, 0, &spec, &error));
  params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "target", "s1,s2");
  g_hash_table_insert(params, "timeout", "5s");
  g_hash_table_insert(params, "eject_after", "2");
  sim_add_node(sim, "c", &model_echo_client, params, &error);
  g_hash_table_unref(params);
  CU_ASSERT_TRUE(sim_resolve_nodes(sim, &error));
  p.on_fail = TRUE;
  CU_ASSERT_TRUE(sim_node_set_retry(sim, 2, &p, &error));
  CU_ASSERT_PTR_NULL(error);
  sim_add_observer(sim, observe, NULL);
  sim_run(sim, 3 * SIM_S);
  CU_ASSERT_TRUE(g_str_has_prefix(probe.ejects->str, "s1@"));
  CU_ASSERT_EQUAL(sim_stats(sim)->fail, 0); /* the BUSYs were retried on s2 */
  sim_free(sim);
}

/* The kept value of a retrying op and its waiting retry count against the
 * memory budget, and are released with the op. */
static void test_memory_counted(void)
{
  gint64 held[2], left[2];
  for (int with = 0; with < 2; with++) {
    SimRetryPolicy p = policy_const(1, 1 * SIM_S);
    Sim *sim = setup("0", 0, with ? &p : NULL);
    int64_t items[1000] = { 0 };
    SimValue v = sim_value_list(items, 1000);
    gint64 before = sim->mem[SIM_MEM_HISTORY];
    uint64_t op = sim_op_invoke(sim_node(sim, 0), "req", NULL, &v, 10 * SIM_MS);
    held[with] = sim->mem[SIM_MEM_HISTORY] - before;
    sim_value_clear(&v);
    sim_run(sim, 500 * SIM_MS); /* timed out, its retry waiting */
    CU_ASSERT_EQUAL(sim_op_pending(sim, op), with);
    sim_run(sim, 5 * SIM_S);
    CU_ASSERT_FALSE(sim_op_pending(sim, op));
    left[with] = sim->mem[SIM_MEM_HISTORY] - before;
    sim_free(sim);
  }
  CU_ASSERT_TRUE(held[1] - held[0] >= (gint64) (1000 * sizeof(int64_t)));
  /* Once the op is over, only the history's entries are left, the same. */
  CU_ASSERT_EQUAL(left[0], left[1]);
}

void suite_retry(void)
{
  CU_pSuite s = CU_add_suite("retry", NULL, suite_cleanup);
  CU_add_test(s, "backoff: exponential with cap, constant, 0, saturation", test_backoff_sequence);
  CU_add_test(s, "full and equal jitter stay in bounds and repeat", test_jitter_bounds);
  CU_add_test(s, "a timeout brings a retry, a new message, up to max", test_retry_after_timeout);
  CU_add_test(s, "a reply to an old attempt completes the op", test_reply_to_old_attempt);
  CU_add_test(s, "on_fail retries a fail", test_on_fail);
  CU_add_test(s, "the budget denies retries beyond ratio and burst", test_budget);
  CU_add_test(s, "a client crashed at retry time sends nothing: info", test_crash_at_retry_time);
  CU_add_test(s, "no retry, no trace change; retries repeat", test_trace_without_retries);
  CU_add_test(s, "echo.client ejects a failing target", test_echo_ejection);
  CU_add_test(s, "retry state counts against the memory budget", test_memory_counted);
}
