/* The service model (sim/kernel/service.h): FIFO order, several servers,
 * overflow by drop and by reject, pauses that freeze work in progress, a
 * crash that empties the queue, per-type and timer service times, the
 * independence of the service stream, and Little's law on a measured run.
 *
 * Node 0 ("src") sends M(seq) messages at chosen times over links of zero
 * latency to node 1 ("srv"), whose probe model records each handler call
 * into `probe` (a test-file static, reset by every test; the tests run one
 * at a time). An observer records the trace's drops and deliveries. */
#include "sim/kernel/internal.h"
#include "sim/kernel/service.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <string.h>

extern const SimModel model_echo_server;
extern const SimModel model_echo_source;

typedef struct {
  SimTime t;
  char kind;   /* 'M' message, 'T' timer, 'O' overload */
  int64_t seq; /* the message's seq, or the timer's tag */
} Call;

typedef struct {
  GArray *calls;   /* of Call */
  GPtrArray *drops; /* "seq:detail" */
  GArray *waits;   /* deliver's a (waited), b (served) pairs: int64 */
  GArray *sends;   /* times of the sends of the node called "src" */
  SimTime pause_at_deliver; /* > 0: pause srv that long at its first deliver */
} Probe;

static Probe probe;

static void probe_free(void)
{
  if (probe.calls)
    g_array_unref(probe.calls);
  if (probe.drops)
    g_ptr_array_unref(probe.drops);
  if (probe.waits)
    g_array_unref(probe.waits);
  if (probe.sends)
    g_array_unref(probe.sends);
  memset(&probe, 0, sizeof probe);
}

static void probe_reset(void)
{
  probe_free();
  probe.calls = g_array_new(FALSE, FALSE, sizeof(Call));
  probe.sends = g_array_new(FALSE, FALSE, sizeof(SimTime));
  probe.drops = g_ptr_array_new_with_free_func(g_free);
  probe.waits = g_array_new(FALSE, FALSE, sizeof(int64_t));
}

static void record(SimNode *node, char kind, int64_t seq)
{
  Call c = { sim_now(sim_node_sim(node)), kind, seq };
  g_array_append_val(probe.calls, c);
}

static void probe_on_message(SimNode *node, const SimMsg *msg) { record(node, 'M', sim_msg_get(msg, "seq", -1)); }
static void probe_on_timer(SimNode *node, uint64_t tag) { record(node, 'T', (int64_t) tag); }
static void probe_on_overload(SimNode *node, const SimMsg *msg) { record(node, 'O', sim_msg_get(msg, "seq", -1)); }

/* Arms timer 7 at 0 when its parameter says so. */
static void probe_init(SimNode *node)
{
  if (sim_node_param_int(node, "timer"))
    sim_timer_after(node, 0, 7);
}

static const SimParamSpec probe_params[] = {
  { "timer", SIM_PARAM_INT, "0", "arm timer 7 at start", 0, 0 },
  { NULL },
};

static const SimModel probe_model = {
  .name = "svc.probe", .summary = "records", .params = probe_params, .init = probe_init,
  .on_message = probe_on_message, .on_timer = probe_on_timer, .on_overload = probe_on_overload,
};

static const SimModel probe_model_no_overload = {
  .name = "svc.probe_plain", .summary = "records", .params = probe_params, .init = probe_init,
  .on_message = probe_on_message, .on_timer = probe_on_timer,
};

static void call_resume(Sim *sim, void *d);

static void observe(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) data;
  if (ev->kind == SIM_TR_SEND && strcmp(sim_node_name(sim_node(sim, ev->node)), "src") == 0)
    g_array_append_val(probe.sends, ev->time);
  if (ev->kind == SIM_TR_DROP && ev->msg)
    g_ptr_array_add(probe.drops, g_strdup_printf("%" G_GINT64_FORMAT ":%s", sim_msg_get(ev->msg, "seq", -1), ev->detail));
  if (ev->kind == SIM_TR_DELIVER && ev->node == 1) {
    g_array_append_val(probe.waits, ev->a);
    g_array_append_val(probe.waits, ev->b);
    if (probe.pause_at_deliver > 0) {
      sim_pause(sim, 1);
      sim_schedule(sim, sim_now(sim) + probe.pause_at_deliver, call_resume, NULL, NULL);
      probe.pause_at_deliver = 0;
    }
  }
}

/* A Sim with src and srv (running `model`, its parameter "timer" set to
 * `timer`), zero latency, and `spec` on srv. */
static Sim *setup_with(const SimModel *model, const SimServiceSpec *spec, const char *timer)
{
  probe_reset();
  Sim *sim = sim_new(42);
  sim_net_default(sim)->latency = sim_dist_constant(0);
  GError *error = NULL;
  CU_ASSERT_EQUAL(sim_add_node(sim, "src", model, NULL, &error), 0);
  GHashTable *params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "timer", (gpointer) timer);
  CU_ASSERT_EQUAL(sim_add_node(sim, "srv", model, params, &error), 1);
  g_hash_table_unref(params);
  CU_ASSERT_TRUE(sim_node_set_service(sim, 1, spec, &error));
  CU_ASSERT_PTR_NULL(error);
  g_clear_error(&error);
  sim_add_observer(sim, observe, NULL);
  return sim;
}

static Sim *setup(const SimModel *model, const SimServiceSpec *spec, gboolean timer)
{
  return setup_with(model, spec, timer ? "1" : "0");
}

static void call_send(Sim *sim, void *d)
{
  SimMsg *m = sim_msg_new(sim_node(sim, 0), "M");
  sim_msg_set(m, "seq", GPOINTER_TO_INT(d));
  sim_send(sim_node(sim, 0), 1, m);
}

static void call_send_prepare(Sim *sim, void *d)
{
  SimMsg *m = sim_msg_new(sim_node(sim, 0), "PREPARE");
  sim_msg_set(m, "seq", GPOINTER_TO_INT(d));
  sim_send(sim_node(sim, 0), 1, m);
}

static void call_crash(Sim *sim, void *d) { (void) d; sim_crash(sim, 1); }
static void call_restart(Sim *sim, void *d) { (void) d; sim_restart(sim, 1); }
static void call_pause(Sim *sim, void *d) { (void) d; sim_pause(sim, 1); }
static void call_resume(Sim *sim, void *d) { (void) d; sim_resume(sim, 1); }

static void send_at(Sim *sim, SimTime t, int seq) { sim_schedule(sim, t, call_send, GINT_TO_POINTER(seq), NULL); }
static void do_at(Sim *sim, SimTime t, SimCallFn fn) { sim_schedule(sim, t, fn, NULL, NULL); }

static SimServiceSpec spec_const(SimTime t, guint servers, guint64 queue)
{
  SimServiceSpec spec;
  sim_service_spec_init(&spec);
  spec.time = sim_dist_constant(t);
  spec.servers = servers;
  spec.queue = queue;
  return spec;
}

/* Asserts the handler calls, as "kind seq @ms" joined by spaces. */
static void expect_calls(const char *want)
{
  g_autoptr(GString) got = g_string_new(NULL);
  for (guint i = 0; i < probe.calls->len; i++) {
    Call *c = &g_array_index(probe.calls, Call, i);
    g_string_append_printf(got, "%s%c%" G_GINT64_FORMAT "@%" G_GINT64_FORMAT, i ? " " : "", c->kind, c->seq,
                           c->t / SIM_MS);
  }
  if (strcmp(got->str, want) != 0)
    fprintf(stderr, "\n  calls: got '%s', want '%s'\n", got->str, want);
  CU_ASSERT_STRING_EQUAL(got->str, want);
}

static void expect_drops(const char *want)
{
  g_autoptr(GString) got = g_string_new(NULL);
  for (guint i = 0; i < probe.drops->len; i++)
    g_string_append_printf(got, "%s%s", i ? " " : "", (const char *) probe.drops->pdata[i]);
  if (strcmp(got->str, want) != 0)
    fprintf(stderr, "\n  drops: got '%s', want '%s'\n", got->str, want);
  CU_ASSERT_STRING_EQUAL(got->str, want);
}

static SimServiceStats stats(Sim *sim)
{
  SimServiceStats st;
  CU_ASSERT_TRUE(sim_node_service_stats(sim, 1, sim_now(sim), &st));
  return st;
}

/* ------------------------------------------------------------------ */

static void test_fifo_one_server(void)
{
  SimServiceSpec spec = spec_const(10 * SIM_MS, 1, 1000);
  g_autoptr(Sim) sim = setup(&probe_model, &spec, FALSE);
  send_at(sim, 0, 1);
  send_at(sim, 0, 2);
  send_at(sim, 0, 3);
  send_at(sim, 35 * SIM_MS, 4);
  sim_run(sim, SIM_S);
  /* One at a time, in arrival order, each after 10 ms of work. */
  expect_calls("M1@10 M2@20 M3@30 M4@45");
  expect_drops("");
  /* The deliver line carries waited and served: M2 waited 10 ms. */
  CU_ASSERT_EQUAL(g_array_index(probe.waits, int64_t, 2), 10 * SIM_MS);
  CU_ASSERT_EQUAL(g_array_index(probe.waits, int64_t, 3), 10 * SIM_MS);
  SimServiceStats st = stats(sim);
  CU_ASSERT_EQUAL(st.arrivals, 4);
  CU_ASSERT_EQUAL(st.completions, 4);
  CU_ASSERT_EQUAL(st.queue_max, 2);
  /* Waits 0, 10, 20, 0 ms; responses 10, 20, 30, 10 ms. */
  CU_ASSERT_DOUBLE_EQUAL(st.wait_mean_ms, 7.5, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL(st.response_mean_ms, 17.5, 1e-9);
  /* Busy 40 ms of 1 s; 2 waiting for 10 ms, 1 for 10 ms. */
  CU_ASSERT_DOUBLE_EQUAL(st.utilization, 0.04, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(st.queue_mean, 0.030, 1e-12);
  CU_ASSERT_EQUAL(sim_stats(sim)->delivered, 4);
}

static void test_several_servers(void)
{
  SimServiceSpec spec = spec_const(10 * SIM_MS, 2, 1000);
  g_autoptr(Sim) sim = setup(&probe_model, &spec, FALSE);
  for (int i = 1; i <= 5; i++)
    send_at(sim, 0, i);
  sim_run(sim, SIM_S);
  expect_calls("M1@10 M2@10 M3@20 M4@20 M5@30");
  SimServiceStats st = stats(sim);
  CU_ASSERT_EQUAL(st.servers, 2);
  CU_ASSERT_EQUAL(st.queue_max, 3);
  /* 50 ms of work on 2 servers over 1 s. */
  CU_ASSERT_DOUBLE_EQUAL(st.utilization, 0.025, 1e-12);
}

static void test_overflow_drop(void)
{
  SimServiceSpec spec = spec_const(10 * SIM_MS, 1, 1);
  g_autoptr(Sim) sim = setup(&probe_model, &spec, FALSE);
  for (int i = 1; i <= 4; i++)
    send_at(sim, 0, i);
  sim_run(sim, SIM_S);
  /* 1 in service, 2 waits in the one place, 3 and 4 find it full. */
  expect_calls("M1@10 M2@20");
  expect_drops("3:overload 4:overload");
  SimServiceStats st = stats(sim);
  CU_ASSERT_EQUAL(st.overload_drops, 2);
  CU_ASSERT_EQUAL(st.rejected, 0);
  CU_ASSERT_EQUAL(st.arrivals, 2);
  CU_ASSERT_EQUAL(sim_stats(sim)->dropped, 2);
  CU_ASSERT_EQUAL(sim_stats(sim)->delivered, 2);
}

static void test_overflow_reject(void)
{
  SimServiceSpec spec = spec_const(10 * SIM_MS, 1, 0);
  spec.overflow = SIM_OVERFLOW_REJECT;
  g_autoptr(Sim) sim = setup(&probe_model, &spec, FALSE);
  send_at(sim, 0, 1);
  send_at(sim, 0, 2);
  send_at(sim, 5 * SIM_MS, 3);
  sim_run(sim, SIM_S);
  /* Queue 0: a loss system. 2 and 3 go to on_overload at once. */
  expect_calls("O2@0 O3@5 M1@10");
  expect_drops("2:rejected 3:rejected");
  SimServiceStats st = stats(sim);
  CU_ASSERT_EQUAL(st.rejected, 2);
  CU_ASSERT_EQUAL(st.overload_drops, 0);

  /* A model without on_overload: reject is a drop. */
  g_autoptr(Sim) plain = setup(&probe_model_no_overload, &spec, FALSE);
  send_at(plain, 0, 1);
  send_at(plain, 0, 2);
  sim_run(plain, SIM_S);
  expect_calls("M1@10");
  expect_drops("2:overload");
  CU_ASSERT_EQUAL(stats(plain).overload_drops, 1);
}

static void test_pause_freezes_work(void)
{
  SimServiceSpec spec = spec_const(10 * SIM_MS, 1, 1);
  g_autoptr(Sim) sim = setup(&probe_model, &spec, FALSE);
  send_at(sim, 0, 1);
  do_at(sim, 4 * SIM_MS, call_pause);
  send_at(sim, 6 * SIM_MS, 2);  /* waits: the queue keeps filling */
  send_at(sim, 7 * SIM_MS, 3);  /* finds the one place taken */
  do_at(sim, 24 * SIM_MS, call_resume);
  sim_run(sim, SIM_S);
  /* 1 worked 4 ms, froze 20 ms, finishes its 6 ms left at 30. */
  expect_calls("M1@30 M2@40");
  expect_drops("3:overload");
  SimServiceStats st = stats(sim);
  /* 20 ms of work over 1 s. */
  CU_ASSERT_DOUBLE_EQUAL(st.utilization, 0.020, 1e-12);

  /* The end falls due during the pause: it waits, then the rest runs. */
  g_autoptr(Sim) late = setup(&probe_model, &spec, FALSE);
  send_at(late, 0, 1);
  do_at(late, 8 * SIM_MS, call_pause);
  do_at(late, 12 * SIM_MS, call_resume);
  do_at(late, 13 * SIM_MS, call_pause);
  do_at(late, 15 * SIM_MS, call_resume);
  sim_run(late, SIM_S);
  /* 8 ms, 4 frozen, 1 ms, 2 frozen, 1 ms: done at 16. */
  expect_calls("M1@16");
}

static void test_pause_at_deliver(void)
{
  /* An observer pauses srv for 5 ms as M1's deliver is traced, at 10: M2
   * has just started, so its work stops too; M1's handler waits for the
   * resume, and M2 ends 5 ms late. */
  SimServiceSpec spec = spec_const(10 * SIM_MS, 1, 10);
  g_autoptr(Sim) sim = setup(&probe_model, &spec, FALSE);
  probe.pause_at_deliver = 5 * SIM_MS;
  send_at(sim, 0, 1);
  send_at(sim, 0, 2);
  sim_run(sim, SIM_S);
  expect_calls("M1@15 M2@25");
}

static void test_crash_empties_queue(void)
{
  SimServiceSpec spec = spec_const(10 * SIM_MS, 1, 10);
  g_autoptr(Sim) sim = setup(&probe_model, &spec, FALSE);
  send_at(sim, 0, 1);
  send_at(sim, 0, 2);
  send_at(sim, 0, 3);
  do_at(sim, 5 * SIM_MS, call_crash);
  send_at(sim, 6 * SIM_MS, 4); /* down */
  do_at(sim, 7 * SIM_MS, call_restart);
  send_at(sim, 8 * SIM_MS, 5);
  sim_run(sim, SIM_S);
  /* The job in service and both waiting are lost; 5 is served after. */
  expect_calls("M5@18");
  expect_drops("1:node down 2:node down 3:node down 4:node down");
  SimServiceStats st = stats(sim);
  CU_ASSERT_EQUAL(st.abandoned, 3);
  CU_ASSERT_EQUAL(st.completions, 1);
  CU_ASSERT_EQUAL(st.in_system, 0);
  CU_ASSERT_EQUAL(sim_stats(sim)->dropped, 4);

  /* A crash during a pause whose job's end fell due while frozen. */
  g_autoptr(Sim) frozen = setup(&probe_model, &spec, FALSE);
  send_at(frozen, 0, 1);
  send_at(frozen, 0, 2);
  do_at(frozen, 5 * SIM_MS, call_pause);
  do_at(frozen, 20 * SIM_MS, call_crash);
  do_at(frozen, 21 * SIM_MS, call_restart);
  send_at(frozen, 22 * SIM_MS, 3);
  sim_run(frozen, SIM_S);
  expect_calls("M3@32");
  expect_drops("1:node down 2:node down");
  CU_ASSERT_EQUAL(stats(frozen).abandoned, 2);
}

static void test_type_and_timer_times(void)
{
  SimServiceSpec spec = spec_const(5 * SIM_MS, 1, 10);
  SimServiceTypeTime by_type[] = { { "PREPARE", sim_dist_constant(1 * SIM_MS) } };
  spec.by_type = by_type;
  spec.ntypes = 1;
  spec.timers = TRUE;
  spec.timer_time = sim_dist_constant(2 * SIM_MS);
  g_autoptr(Sim) sim = setup(&probe_model, &spec, TRUE);
  sim_schedule(sim, 0, call_send_prepare, GINT_TO_POINTER(1), NULL);
  send_at(sim, 0, 2);
  sim_run(sim, SIM_S);
  /* The timer (armed at init, first) takes 2 ms, PREPARE 1, M 5. */
  expect_calls("T7@2 M1@3 M2@8");
}

/* svc.canceller: arms timers 1 and 2 at 1 ms; handling M(1) cancels
 * timer `timer` (parameter: 1 or 2). */
typedef struct {
  SimTimerId t[3];
} Canceller;

static void canceller_init(SimNode *node)
{
  Canceller *c = g_new0(Canceller, 1);
  sim_node_set_data(node, c, g_free);
  if (sim_node_param_int(node, "timer")) {
    c->t[1] = sim_timer_after(node, SIM_MS, 1);
    c->t[2] = sim_timer_after(node, SIM_MS, 2);
  }
}

static void canceller_on_message(SimNode *node, const SimMsg *msg)
{
  Canceller *c = sim_node_data(node);
  int64_t seq = sim_msg_get(msg, "seq", -1);
  record(node, 'M', seq);
  if (seq == 1)
    sim_timer_cancel(node, c->t[sim_node_param_int(node, "timer")]);
}

static const SimModel canceller_model = {
  .name = "svc.canceller", .summary = "cancels a timer", .params = probe_params, .init = canceller_init,
  .on_message = canceller_on_message, .on_timer = probe_on_timer,
};

static void test_cancelled_timer_jobs(void)
{
  /* One server; M takes 10 ms, a timer 20. M1 at 0 is served; T1, T2
   * (at 1) and M2 (at 2) wait. At 10 M1 ends, T1 starts, and M1's handler
   * cancels T1: the server is free at once and T2 starts (ends at 30),
   * then M2 (40). */
  SimServiceSpec spec = spec_const(10 * SIM_MS, 1, 10);
  spec.timers = TRUE;
  spec.timer_time = sim_dist_constant(20 * SIM_MS);
  g_autoptr(Sim) sim = setup_with(&canceller_model, &spec, "1");
  send_at(sim, 0, 1);
  send_at(sim, 2 * SIM_MS, 2);
  sim_run(sim, SIM_S);
  expect_calls("M1@10 T2@30 M2@40");
  CU_ASSERT_EQUAL(stats(sim).in_system, 0);
  /* Busy 10 (M1) + 20 (T2) + 10 (M2) ms: none for the cancelled T1. */
  CU_ASSERT_DOUBLE_EQUAL(stats(sim).utilization, 0.040, 1e-12);

  /* Cancelling T2 while it waits: it is skipped when its turn comes. */
  g_autoptr(Sim) queued = setup_with(&canceller_model, &spec, "2");
  send_at(queued, 0, 1);
  send_at(queued, 2 * SIM_MS, 2);
  sim_run(queued, SIM_S);
  expect_calls("M1@10 T1@30 M2@40");
  CU_ASSERT_EQUAL(stats(queued).in_system, 0);
}

/* Send times of an echo.source, with or without a service model on the
 * server it loads. */
static GArray *source_sends(gboolean service)
{
  g_autoptr(Sim) sim = sim_new(7);
  GError *error = NULL;
  int srv = sim_add_node(sim, "srv", &model_echo_server, NULL, &error);
  GHashTable *p = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(p, "target", "srv");
  g_hash_table_insert(p, "rate", "300");
  sim_add_node(sim, "src", &model_echo_source, p, &error);
  g_hash_table_unref(p);
  CU_ASSERT_TRUE(sim_resolve_nodes(sim, &error));
  if (service) {
    SimServiceSpec spec = spec_const(0, 1, 1000);
    CU_ASSERT_TRUE(sim_dist_parse("exp:3ms", &spec.time, &error));
    CU_ASSERT_TRUE(sim_node_set_service(sim, srv, &spec, &error));
  }
  probe_reset();
  sim_add_observer(sim, observe, NULL);
  sim_run(sim, SIM_S);
  CU_ASSERT_PTR_NULL(error);
  g_clear_error(&error);
  return g_array_ref(probe.sends);
}

static void test_service_stream_independent(void)
{
  /* The source's arrivals (its own stream) are the same whether or not
   * the server draws service times. */
  g_autoptr(GArray) plain = source_sends(FALSE);
  g_autoptr(GArray) served = source_sends(TRUE);
  CU_ASSERT_TRUE(plain->len > 200);
  CU_ASSERT_EQUAL(plain->len, served->len);
  if (plain->len == served->len)
    CU_ASSERT_EQUAL(memcmp(plain->data, served->data, plain->len * sizeof(SimTime)), 0);
}

/* Little's law L = λW on a measured M/M/1 run that ends empty: the
 * time-average number in system equals the arrival rate times the mean
 * response time, up to rounding, because both sum the same intervals. */
static void test_littles_law(void)
{
  g_autoptr(Sim) sim = sim_new(3);
  sim_net_default(sim)->latency = sim_dist_constant(SIM_MS);
  GError *error = NULL;
  int srv = sim_add_node(sim, "srv", &model_echo_server, NULL, &error);
  GHashTable *p = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(p, "target", "srv");
  g_hash_table_insert(p, "rate", "400");
  g_hash_table_insert(p, "stop", "95s");
  sim_add_node(sim, "src", &model_echo_source, p, &error);
  g_hash_table_unref(p);
  CU_ASSERT_TRUE(sim_resolve_nodes(sim, &error));
  SimServiceSpec spec = spec_const(0, 1, 100000);
  CU_ASSERT_TRUE(sim_dist_parse("exp:2ms", &spec.time, &error));
  CU_ASSERT_TRUE(sim_node_set_service(sim, srv, &spec, &error));
  CU_ASSERT_PTR_NULL(error);
  g_clear_error(&error);
  sim_run(sim, 100 * SIM_S);
  SimServiceStats st;
  CU_ASSERT_TRUE(sim_node_service_stats(sim, srv, sim_now(sim), &st));
  CU_ASSERT_EQUAL(st.in_system, 0);
  CU_ASSERT_EQUAL(st.arrivals, st.completions);
  CU_ASSERT_TRUE(st.arrivals > 35000);
  double L = st.system_mean, lw = st.arrival_rate * st.response_mean_ms / 1000.0;
  CU_ASSERT_DOUBLE_EQUAL(L / lw, 1.0, 1e-9);
  /* Lq = λ Wq too, and the utilization is near ρ = 0.8 (95 s of 100). */
  CU_ASSERT_DOUBLE_EQUAL(st.queue_mean / (st.arrival_rate * st.wait_mean_ms / 1000.0), 1.0, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL(st.utilization, 0.8 * 0.95, 0.02);
}

static void test_set_service_rejects(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  GError *error = NULL;
  sim_add_node(sim, "a", &model_echo_server, NULL, &error);
  SimServiceSpec spec = spec_const(SIM_MS, 0, 10);
  CU_ASSERT_FALSE(sim_node_set_service(sim, 0, &spec, &error));
  CU_ASSERT_PTR_NOT_NULL(error);
  g_clear_error(&error);
  spec.servers = 1;
  spec.queue = (guint64) SIM_SERVICE_MAX_QUEUE + 1;
  CU_ASSERT_FALSE(sim_node_set_service(sim, 0, &spec, &error));
  g_clear_error(&error);
  CU_ASSERT_FALSE(sim_node_has_service(sim, 0));
  spec.queue = 10;
  CU_ASSERT_TRUE(sim_node_set_service(sim, 0, &spec, &error));
  CU_ASSERT_FALSE(sim_node_set_service(sim, 0, &spec, &error));
  CU_ASSERT_PTR_NOT_NULL(error);
  g_clear_error(&error);
}

static int suite_cleanup(void)
{
  probe_free();
  return 0;
}

void suite_service(void)
{
  CU_pSuite s = CU_add_suite("service", NULL, suite_cleanup);
  CU_add_test(s, "one server: FIFO, waits and busy time", test_fifo_one_server);
  CU_add_test(s, "several servers share one queue", test_several_servers);
  CU_add_test(s, "a full queue drops the arrival", test_overflow_drop);
  CU_add_test(s, "reject hands overflow to on_overload; without it, a drop", test_overflow_reject);
  CU_add_test(s, "a pause freezes work in progress, the queue keeps filling", test_pause_freezes_work);
  CU_add_test(s, "a pause at a deliver holds the handler and the next job", test_pause_at_deliver);
  CU_add_test(s, "a crash empties the queue and abandons service", test_crash_empties_queue);
  CU_add_test(s, "per-type and timer service times", test_type_and_timer_times);
  CU_add_test(s, "a cancelled timer leaves the queue or frees its server", test_cancelled_timer_jobs);
  CU_add_test(s, "service draws leave other streams unchanged", test_service_stream_independent);
  CU_add_test(s, "Little's law holds on a measured run", test_littles_law);
  CU_add_test(s, "bad specs and a second service are refused", test_set_service_rejects);
}
