/* Distributed locks (models/lock, sim/check_lock): the servers' key logic
 * driven message by message in a bare Sim, the resource's fencing check,
 * the checker on hand-built histories, and the five lock scenarios asserted
 * seed by seed through scenario_run. */
#include "models/lock/lock.h"
#include "models/registry.h"
#include "sim/check/check_lock.h"
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>

/* ---- a probe node: sends scheduled requests, keeps every reply ---- */

static void probe_init(SimNode *node)
{
  sim_node_set_data(node, g_array_new(FALSE, FALSE, sizeof(SimMsg)), (GDestroyNotify) g_array_unref);
}

static void probe_on_message(SimNode *node, const SimMsg *msg)
{
  SimMsg copy = *msg;
  copy.next_free = NULL;
  g_array_append_val((GArray *) sim_node_data(node), copy);
}

static const SimParamSpec no_params[] = { { NULL } };
static const SimModel probe_model = {
  .name = "test.probe", .summary = "test probe", .params = no_params,
  .init = probe_init, .on_message = probe_on_message,
};

typedef struct {
  const char *type;
  int64_t req, owner, ttl, token;
} ProbeReq;

typedef struct {
  int from, to;
  ProbeReq r;
} ProbeSend;

static void probe_send_cb(Sim *sim, void *data)
{
  ProbeSend *p = data;
  SimNode *from = sim_node(sim, p->from);
  SimMsg *m = sim_msg_new(from, p->r.type);
  sim_msg_set(m, "req", p->r.req);
  sim_msg_set(m, "owner", p->r.owner);
  sim_msg_set(m, "ttl", p->r.ttl);
  sim_msg_set(m, "token", p->r.token);
  sim_msg_set(m, "seq", p->r.req);
  sim_send(from, p->to, m);
}

/* Sends `r` from node `from` to node `to` at time `at`. */
static void send_at(Sim *sim, SimTime at, int from, int to, ProbeReq r)
{
  ProbeSend *p = g_new(ProbeSend, 1);
  *p = (ProbeSend) { from, to, r };
  sim_schedule(sim, at, probe_send_cb, p, g_free);
}

typedef struct {
  int node;
  int what; /* 0 crash, 1 restart, 2 clock jump */
  SimTime delta;
} FaultAt;

static void fault_cb(Sim *sim, void *data)
{
  FaultAt *f = data;
  if (f->what == 0)
    sim_crash(sim, f->node);
  else if (f->what == 1)
    sim_restart(sim, f->node);
  else
    sim_clock_jump(sim, f->node, f->delta);
}

static void fault_at(Sim *sim, SimTime at, int node, int what, SimTime delta)
{
  FaultAt *f = g_new(FaultAt, 1);
  *f = (FaultAt) { node, what, delta };
  sim_schedule(sim, at, fault_cb, f, g_free);
}

/* A Sim with node 0 = `server_model` (params: key, value, ... NULL) and
 * node 1 = the probe, 1 ms links. */
static Sim *lock_sim(const char *server_model, ...)
{
  Sim *sim = sim_new(1);
  sim_net_default(sim)->latency = sim_dist_constant(SIM_MS);
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  va_list ap;
  va_start(ap, server_model);
  for (const char *k; (k = va_arg(ap, const char *));)
    g_hash_table_insert(params, (gpointer) k, va_arg(ap, char *));
  va_end(ap);
  GError *error = NULL;
  CU_ASSERT_EQUAL(sim_add_node(sim, "server", sim_registry_find(server_model), params, &error), 0);
  CU_ASSERT_EQUAL(sim_add_node(sim, "probe", &probe_model, NULL, &error), 1);
  CU_ASSERT_PTR_NULL(error);
  g_clear_error(&error);
  return sim;
}

/* The reply to request `req` (field "ok" or "token"), or `missing`. */
static int64_t reply_field(Sim *sim, int64_t req, const char *field, int64_t missing)
{
  GArray *a = sim_node_data(sim_node(sim, 1));
  for (guint i = 0; i < a->len; i++)
    if (sim_msg_get(&g_array_index(a, SimMsg, i), "req", -1) == req)
      return sim_msg_get(&g_array_index(a, SimMsg, i), field, missing);
  return missing;
}

static double metric(Sim *sim, const char *name)
{
  SimMetric *m = g_hash_table_lookup(sim->metrics, name);
  return m ? m->value : -1;
}

#define MS(x) ((SimTime) (x) * SIM_MS)

static void test_lease_server_owner_and_ttl(void)
{
  g_autoptr(Sim) sim = lock_sim("lock.lease.server", NULL);
  send_at(sim, MS(0), 1, 0, (ProbeReq) { LOCK_SET_NX, 1, 7, MS(100), 0 });
  send_at(sim, MS(10), 1, 0, (ProbeReq) { LOCK_SET_NX, 2, 8, MS(100), 0 });   /* held */
  send_at(sim, MS(20), 1, 0, (ProbeReq) { LOCK_UNLOCK, 3, 8, 0, 0 });         /* not owner */
  send_at(sim, MS(30), 1, 0, (ProbeReq) { LOCK_EXTEND, 4, 7, MS(100), 0 });   /* → expires ~131 ms */
  send_at(sim, MS(120), 1, 0, (ProbeReq) { LOCK_SET_NX, 5, 8, MS(100), 0 });  /* still held: extended */
  send_at(sim, MS(140), 1, 0, (ProbeReq) { LOCK_EXTEND, 6, 7, MS(100), 0 });  /* too late: expired */
  send_at(sim, MS(150), 1, 0, (ProbeReq) { LOCK_SET_NX, 7, 8, MS(100), 0 });  /* free again */
  send_at(sim, MS(160), 1, 0, (ProbeReq) { LOCK_UNLOCK, 8, 8, 0, 0 });
  send_at(sim, MS(170), 1, 0, (ProbeReq) { LOCK_SET_NX, 9, 9, MS(100), 0 });
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL(reply_field(sim, 1, "ok", -9), 1);
  CU_ASSERT_EQUAL(reply_field(sim, 2, "ok", -9), 0);
  CU_ASSERT_EQUAL(reply_field(sim, 3, "ok", -9), 0);
  CU_ASSERT_EQUAL(reply_field(sim, 4, "ok", -9), 1);
  CU_ASSERT_EQUAL(reply_field(sim, 5, "ok", -9), 0);
  CU_ASSERT_EQUAL(reply_field(sim, 6, "ok", -9), 0);
  CU_ASSERT_EQUAL(reply_field(sim, 7, "ok", -9), 1);
  CU_ASSERT_EQUAL(reply_field(sim, 8, "ok", -9), 1);
  CU_ASSERT_EQUAL(reply_field(sim, 9, "ok", -9), 1);
  CU_ASSERT_EQUAL(reply_field(sim, 1, "token", -9), 0); /* no fencing tokens */
}

static void test_server_clock_jump_expires_early(void)
{
  g_autoptr(Sim) sim = lock_sim("lock.redlock.server", NULL);
  send_at(sim, MS(0), 1, 0, (ProbeReq) { LOCK_SET_NX, 1, 7, SIM_S, 0 });
  send_at(sim, MS(10), 1, 0, (ProbeReq) { LOCK_SET_NX, 2, 8, SIM_S, 0 });
  fault_at(sim, MS(20), 0, 2, 2 * SIM_S);
  send_at(sim, MS(30), 1, 0, (ProbeReq) { LOCK_SET_NX, 3, 8, SIM_S, 0 });
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL(reply_field(sim, 1, "ok", -9), 1);
  CU_ASSERT_EQUAL(reply_field(sim, 2, "ok", -9), 0);
  CU_ASSERT_EQUAL(reply_field(sim, 3, "ok", -9), 1); /* 31 ms of true time, 1 s TTL */
}

static void test_fenced_tokens_survive_restart(void)
{
  g_autoptr(Sim) sim = lock_sim("lock.fenced.server", NULL);
  send_at(sim, MS(0), 1, 0, (ProbeReq) { LOCK_SET_NX, 1, 7, MS(50), 0 });
  send_at(sim, MS(100), 1, 0, (ProbeReq) { LOCK_SET_NX, 2, 8, MS(50), 0 });
  fault_at(sim, MS(110), 0, 0, 0);
  fault_at(sim, MS(120), 0, 1, 0);
  send_at(sim, MS(130), 1, 0, (ProbeReq) { LOCK_SET_NX, 3, 9, MS(50), 0 });
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL(reply_field(sim, 1, "token", -9), 1);
  CU_ASSERT_EQUAL(reply_field(sim, 2, "token", -9), 2);
  CU_ASSERT_EQUAL(reply_field(sim, 3, "token", -9), 3);
}

static void test_naive_del_ignores_owner(void)
{
  g_autoptr(Sim) sim = lock_sim("lock.naive.server", NULL);
  send_at(sim, MS(0), 1, 0, (ProbeReq) { LOCK_SET_NX, 1, 7, SIM_S, 0 });
  send_at(sim, MS(10), 1, 0, (ProbeReq) { LOCK_DEL, 2, 8, 0, 0 });
  send_at(sim, MS(20), 1, 0, (ProbeReq) { LOCK_SET_NX, 3, 8, SIM_S, 0 });
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL(reply_field(sim, 2, "ok", -9), 1);
  CU_ASSERT_EQUAL(reply_field(sim, 3, "ok", -9), 1);
  CU_ASSERT_EQUAL(metric(sim, "locks_deleted_by_non_owner"), 1);
}

static void test_restart_persistence_and_delay(void)
{
  /* Without persistence a restart forgets the key; with it, it does not;
   * with a restart delay every request is refused for that long. */
  const struct { const char *persist, *delay; int64_t after_restart, later; } cases[] = {
    { "false", "0", 1, 0 },
    { "true", "0", 0, 0 },
    { "false", "500ms", -1, 1 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(Sim) sim = lock_sim("lock.redlock.server", "persist", cases[i].persist,
                                  "restart_delay", cases[i].delay, NULL);
    send_at(sim, MS(0), 1, 0, (ProbeReq) { LOCK_SET_NX, 1, 7, SIM_S, 0 });
    fault_at(sim, MS(10), 0, 0, 0);
    fault_at(sim, MS(20), 0, 1, 0);
    send_at(sim, MS(30), 1, 0, (ProbeReq) { LOCK_SET_NX, 2, 8, SIM_S, 0 });
    send_at(sim, MS(600), 1, 0, (ProbeReq) { LOCK_SET_NX, 3, 9, SIM_S, 0 });
    sim_run(sim, 2 * SIM_S);
    CU_ASSERT_EQUAL(reply_field(sim, 2, "ok", -9), cases[i].after_restart);
    CU_ASSERT_EQUAL(reply_field(sim, 3, "ok", -9), cases[i].later);
  }
}

/* The fencing boundary: a write at the highest token seen minus one is
 * rejected, one at the highest token itself accepted (further writes of
 * the current holder), also after the highest has moved on. */
static void test_resource_fencing(void)
{
  const int64_t tokens[] = { 5, 3, 4, 5, 6, 5, 6, 7 };
  const int64_t fenced_ok[] = { 1, 0, 0, 1, 1, 0, 1, 1 };
  for (int fencing = 0; fencing <= 1; fencing++) {
    g_autoptr(Sim) sim = lock_sim("resource", "fencing", fencing ? "true" : "false", NULL);
    for (guint i = 0; i < G_N_ELEMENTS(tokens); i++)
      send_at(sim, MS(10 * i), 1, 0, (ProbeReq) { LOCK_WRITE, i + 1, 0, 0, tokens[i] });
    sim_run(sim, SIM_S);
    for (guint i = 0; i < G_N_ELEMENTS(tokens); i++)
      CU_ASSERT_EQUAL(reply_field(sim, i + 1, "ok", -9), fencing ? fenced_ok[i] : 1);
    CU_ASSERT_EQUAL(metric(sim, "stale_token_rejections"), fencing ? 3 : 0);
    CU_ASSERT_EQUAL(metric(sim, "writes_accepted"), fencing ? 5 : 8);
    CU_ASSERT_EQUAL(sim_log_length(sim_node(sim, 0)), G_N_ELEMENTS(tokens));
  }
}

/* ---- the checker on hand-built histories ---- */

static void count_report(SimTime at, const char *what, void *data)
{
  (void) at;
  (void) what;
  (*(int *) data)++;
}

static void test_checker_overlaps(void)
{
  int reported = 0;
  CheckLockSink sink = { count_report, &reported, NULL, 0 };
  CheckLockInterval clean[] = {
    { 1, 1, MS(0), MS(100) }, { 2, 1, MS(100), MS(200) }, { 1, 2, MS(200), MS(300) },
    { 3, 1, MS(350), MS(350) }, /* empty */
  };
  CU_ASSERT_EQUAL(check_lock_overlaps(clean, G_N_ELEMENTS(clean), &sink), 0);
  CheckLockInterval bad[] = {
    { 2, 1, MS(150), MS(400) }, { 1, 1, MS(0), MS(200) }, { 3, 1, MS(300), MS(500) },
    { 1, 2, MS(450), MS(600) }, /* overlaps client 3 only... and client 2? no: 400 < 450 */
  };
  CU_ASSERT_EQUAL(check_lock_overlaps(bad, G_N_ELEMENTS(bad), &sink), 3);
  CU_ASSERT_EQUAL(reported, 3);
  CU_ASSERT_EQUAL(bad[0].client, 1); /* sorted by start */
  /* The same client twice is not a violation of mutual exclusion. */
  CheckLockInterval self[] = { { 1, 1, MS(0), MS(200) }, { 1, 2, MS(100), MS(300) } };
  CU_ASSERT_EQUAL(check_lock_overlaps(self, 2, NULL), 0);
}

static void test_checker_unsafe_writes(void)
{
  CheckLockInterval iv[] = { { 1, 1, MS(0), MS(100) }, { 2, 1, MS(120), MS(300) }, { 1, 2, MS(400), MS(500) } };
  check_lock_overlaps(iv, G_N_ELEMENTS(iv), NULL);
  CheckLockWrite w[] = {
    { 1, 1, MS(50), TRUE },   /* in time: safe */
    { 1, 1, MS(150), TRUE },  /* late, but client 2 has not written yet: nothing overwritten */
    { 2, 1, MS(200), TRUE },  /* client 2's own: safe */
    { 1, 1, MS(210), FALSE }, /* late but rejected: safe */
    { 1, 1, MS(250), TRUE },  /* late and after client 2's write: unsafe */
    { 3, 9, MS(10), TRUE },   /* no such grant: unsafe */
    { 1, 2, MS(450), TRUE },  /* client 1 again, newer than client 2: safe */
    { 2, 1, MS(460), TRUE },  /* client 2's stale write after client 1's newer one: unsafe */
    { 1, 1, MS(470), TRUE },  /* client 1's first grant, older than client 2's, which wrote: unsafe */
  };
  int reported = 0;
  CheckLockSink sink = { count_report, &reported, NULL, 0 };
  CU_ASSERT_EQUAL(check_lock_unsafe_writes(iv, 3, w, 4, &sink), 0);
  CU_ASSERT_EQUAL(check_lock_unsafe_writes(iv, 3, w, 6, &sink), 2);
  CU_ASSERT_EQUAL(reported, 2);
  CU_ASSERT_EQUAL(check_lock_unsafe_writes(iv, 3, w, G_N_ELEMENTS(w), NULL), 4);
  /* A client's own newer grant is no reason: only another client's. */
  CheckLockWrite own[] = { { 1, 2, MS(450), TRUE }, { 1, 1, MS(460), TRUE } };
  CU_ASSERT_EQUAL(check_lock_unsafe_writes(iv, 3, own, 2, NULL), 0);
  /* The order the resource took them in is by time, whatever the array says. */
  CheckLockWrite swapped[] = { { 1, 1, MS(250), TRUE }, { 2, 1, MS(200), TRUE } };
  CU_ASSERT_EQUAL(check_lock_unsafe_writes(iv, 3, swapped, 2, NULL), 1);
}

/* ---- scenarios, seed by seed ---- */

/* Runs `path` with one optional override and returns the metric `name`
 * (count of samples for a series), or -1 if not reported. */
static double scenario_metric(const char *path, uint64_t seed, const char *key, const char *value, const char *name,
                              double *violations)
{
  g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
  if (key)
    g_hash_table_insert(over, (gpointer) key, (gpointer) value);
  ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run(path, seed, over, &opt, &error);
  CU_ASSERT_PTR_NOT_NULL(sc);
  if (!sc) {
    fprintf(stderr, "%s\n", error->message);
    g_error_free(error);
    return -1;
  }
  if (violations)
    *violations = (double) sim_violations(sc->sim, "mutual_exclusion");
  return metric(sc->sim, name);
}

#define SEEDS 30

static void test_scenario_gc_pause(void)
{
  for (uint64_t s = 1; s <= SEEDS; s++) {
    double overlaps = 0;
    CU_ASSERT_TRUE(scenario_metric("scenarios/lock_gc_pause.lua", s, NULL, NULL, "unsafe_writes", &overlaps) >= 1);
    CU_ASSERT_EQUAL(overlaps, 0); /* the lease itself held: the write came late */
    CU_ASSERT_EQUAL(scenario_metric("scenarios/lock_gc_pause.lua", s, "model", "lock.fenced", "unsafe_writes", NULL), 0);
    CU_ASSERT_EQUAL(scenario_metric("scenarios/lock_gc_pause.lua", s, "model", "lock.fenced", "stale_token_rejections", NULL), 1);
    /* A pause shorter than the lease harms nobody. */
    CU_ASSERT_EQUAL(scenario_metric("scenarios/lock_gc_pause.lua", s, "pause", "100ms", "unsafe_writes", NULL), 0);
  }
}

static void test_scenario_naive_pause(void)
{
  for (uint64_t s = 1; s <= SEEDS; s++) {
    CU_ASSERT_TRUE(scenario_metric("scenarios/lock_naive_pause.lua", s, NULL, NULL, "overlaps", NULL) >= 1);
    CU_ASSERT_TRUE(scenario_metric("scenarios/lock_naive_pause.lua", s, NULL, NULL, "locks_deleted_by_non_owner", NULL) >= 1);
  }
}

static void test_scenario_redlock_clock_jump(void)
{
  for (uint64_t s = 1; s <= SEEDS; s++) {
    CU_ASSERT_TRUE(scenario_metric("scenarios/lock_redlock_clock_jump.lua", s, NULL, NULL, "overlaps", NULL) >= 1);
    CU_ASSERT_EQUAL(scenario_metric("scenarios/lock_redlock_clock_jump.lua", s, "jump", "0", "overlaps", NULL), 0);
  }
}

static void test_scenario_redlock_crashes(void)
{
  for (uint64_t s = 1; s <= SEEDS; s++) {
    double v = -1;
    CU_ASSERT_TRUE(scenario_metric("scenarios/lock_redlock_crashes.lua", s, "crashed", "2", "lock_availability", &v) >= 0.95);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(scenario_metric("scenarios/lock_redlock_crashes.lua", s, "crashed", "3", "lock_availability", &v), 0);
    CU_ASSERT_EQUAL(v, 0);
  }
}

static void test_scenario_redlock_restart(void)
{
  for (uint64_t s = 1; s <= SEEDS; s++) {
    CU_ASSERT_TRUE(scenario_metric("scenarios/lock_redlock_restart.lua", s, NULL, NULL, "overlaps", NULL) >= 1);
    CU_ASSERT_EQUAL(scenario_metric("scenarios/lock_redlock_restart.lua", s, "delayed", "true", "overlaps", NULL), 0);
    CU_ASSERT_EQUAL(scenario_metric("scenarios/lock_redlock_restart.lua", s, "persist", "true", "overlaps", NULL), 0);
  }
}

/* Renewal end to end: with EXTEND client2 waits for client1's release at
 * about 3 s; without, it takes over when client1's 1 s lease ends. */
static void test_scenario_lease_renew(void)
{
  for (uint64_t s = 1; s <= 10; s++) {
    double overlaps = -1;
    double renewed = scenario_metric("scenarios/lock_lease_renew.lua", s, NULL, NULL, "client2_granted_at_s", &overlaps);
    CU_ASSERT(renewed >= 3.0 && renewed <= 3.3);
    CU_ASSERT_EQUAL(overlaps, 0);
    CU_ASSERT(scenario_metric("scenarios/lock_lease_renew.lua", s, NULL, NULL, "extends_sent", NULL) >= 4);
    double lapsed = scenario_metric("scenarios/lock_lease_renew.lua", s, "renew", "false", "client2_granted_at_s", &overlaps);
    CU_ASSERT(lapsed >= 0.95 && lapsed <= 1.3);
    CU_ASSERT_EQUAL(overlaps, 0);
  }
}

void suite_lock(void)
{
  CU_pSuite s = CU_add_suite("lock", NULL, NULL);
  CU_add_test(s, "lease renewal keeps the lock past its TTL", test_scenario_lease_renew);
  CU_add_test(s, "lease server: owner checks and TTL by its clock", test_lease_server_owner_and_ttl);
  CU_add_test(s, "a server clock jump expires a key early", test_server_clock_jump_expires_early);
  CU_add_test(s, "fencing tokens increase across a restart", test_fenced_tokens_survive_restart);
  CU_add_test(s, "naive DEL deletes another owner's key", test_naive_del_ignores_owner);
  CU_add_test(s, "restart without/with persistence, delayed restart", test_restart_persistence_and_delay);
  CU_add_test(s, "resource: highest token minus one rejected, highest accepted", test_resource_fencing);
  CU_add_test(s, "checker: overlaps of different clients", test_checker_overlaps);
  CU_add_test(s, "checker: stale writes after a newer holder's write", test_checker_unsafe_writes);
  CU_add_test(s, "scenario: GC pause, lease unsafe, fenced safe", test_scenario_gc_pause);
  CU_add_test(s, "scenario: naive lock with a long pause", test_scenario_naive_pause);
  CU_add_test(s, "scenario: Redlock clock jump", test_scenario_redlock_clock_jump);
  CU_add_test(s, "scenario: Redlock with 2 and 3 of 5 servers crashed", test_scenario_redlock_crashes);
  CU_add_test(s, "scenario: Redlock restart, plain/delayed/persistent", test_scenario_redlock_restart);
}
