/* The ZooKeeper client session library against zk.server
 * (models/zk/zk_session.c, zk_server.c): a scripted client on a
 * one-server cluster checks each request's result and the callbacks'
 * order (what the recipes rely on), then scenarios/zk_faults.lua runs
 * every network fault alone and combined, server crashes, and a client
 * paused past its session timeout, with zk.probe checking ZooKeeper's
 * guarantees and lincheck the zk.client history, and zk_stale_read.lua
 * shows what sync() is for. */
#include "models/registry.h"
#include "models/zk/zk_session.h"
#include "sim/kernel/model.h"
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>

/* ---- a scripted client ---- */

typedef struct {
  ZkSession *zs;
  GArray *log;        /* of int64: what happened, in order (see below) */
  ZkResult last[32];  /* result by tag */
  int connected, expired;
  int64_t first_session;
} Script;

/* log codes: 1000 + tag = result, 2000 + event = watch, 3000 = connected,
 * 4000 = expired */
static void log_it(Script *s, int64_t v) { g_array_append_val(s->log, v); }

static void sc_connected(SimNode *n, ZkSession *zs, void *ud)
{
  (void) n;
  Script *s = ud;
  s->connected++;
  if (!s->first_session)
    s->first_session = zk_session_id(zs);
  log_it(s, 3000);
}

static void sc_expired(SimNode *n, ZkSession *zs, void *ud)
{
  (void) n;
  Script *s = ud;
  s->expired++;
  log_it(s, 4000);
  zk_session_restart(zs);
}

static void sc_result(SimNode *n, ZkSession *zs, uint64_t tag, const ZkResult *r, void *ud)
{
  (void) n;
  (void) zs;
  Script *s = ud;
  if (tag < G_N_ELEMENTS(s->last))
    s->last[tag] = *r;
  log_it(s, 1000 + (int64_t) tag);
}

static void sc_watch(SimNode *n, ZkSession *zs, int event, ZkPath path, void *ud)
{
  (void) n;
  (void) zs;
  (void) path;
  log_it(ud, 2000 + event);
}

static void sc_free(gpointer p)
{
  Script *s = p;
  zk_session_free(s->zs);
  g_array_unref(s->log);
  g_free(s);
}

static void sc_init(SimNode *node)
{
  Script *s = g_new0(Script, 1);
  s->log = g_array_new(FALSE, FALSE, sizeof(int64_t));
  sim_node_set_data(node, s, sc_free);
  static const ZkSessionCallbacks cb = { sc_connected, sc_expired, sc_result, sc_watch };
  int server = 0;
  s->zs = zk_session_new(node, &server, 1, 400 * SIM_MS, &cb, s);
}

static void sc_message(SimNode *node, const SimMsg *msg)
{
  Script *s = sim_node_data(node);
  CU_ASSERT_TRUE(zk_session_on_message(s->zs, msg));
}

static void sc_timer(SimNode *node, uint64_t tag)
{
  Script *s = sim_node_data(node);
  CU_ASSERT_TRUE(zk_session_on_timer(s->zs, tag));
}

static const SimParamSpec sc_params[] = { { NULL } };
static const SimModel sc_model = {
  .name = "test.zk.script", .summary = "", .params = sc_params,
  .init = sc_init, .on_message = sc_message, .on_timer = sc_timer,
};

static gboolean logged(const Script *s, int64_t v, guint *at)
{
  for (guint i = 0; i < s->log->len; i++)
    if (g_array_index(s->log, int64_t, i) == v) {
      if (at)
        *at = i;
      return TRUE;
    }
  return FALSE;
}

/* A zk.server "zk" (node 0) and the scripted client "c" (node 1), not
 * started yet. */
static Sim *cluster_of_one(void)
{
  Sim *sim = sim_new(1);
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "peers", "zk");
  GError *error = NULL;
  CU_ASSERT_EQUAL(sim_add_node(sim, "zk", sim_registry_find("zk.server"), params, &error), 0);
  CU_ASSERT_EQUAL(sim_add_node(sim, "c", &sc_model, NULL, &error), 1);
  CU_ASSERT_TRUE(sim_resolve_nodes(sim, &error));
  return sim;
}

/* Every request on a healthy one-server cluster: results in issue order
 * with ZooKeeper's codes, a watch event before the result of the write
 * that fired it, and a paused client's session expiring (its ephemeral
 * gone) and replaced by a new one. */
static void test_requests_and_callbacks(void)
{
  g_autoptr(Sim) sim = cluster_of_one();
  sim_run(sim, SIM_S);
  Script *s = sim_node_data(sim_node(sim, 1));
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->connected, 1);
  CU_ASSERT_TRUE(zk_session_connected(s->zs));
  CU_ASSERT_TRUE(zk_session_id(s->zs) > 0);
  CU_ASSERT_EQUAL(zk_session_timeout(s->zs), 400 * SIM_MS);
  ZkSession *zs = s->zs;
  zk_create(zs, (ZkPath) { 1, 0 }, 7, 0, 1);
  zk_create(zs, (ZkPath) { 1, 0 }, 7, 0, 2);                         /* NODEEXISTS */
  zk_create(zs, (ZkPath) { 1, 0 }, 0, ZK_EPHEMERAL | ZK_SEQUENTIAL, 3);
  zk_create(zs, (ZkPath) { 1, 0 }, 0, ZK_EPHEMERAL | ZK_SEQUENTIAL, 4);
  zk_get_children(zs, 1, 2, TRUE, 5);
  zk_exists(zs, (ZkPath) { 1, 1 }, TRUE, 6);
  zk_set_data(zs, (ZkPath) { 1, 0 }, 8, 5, 7);                       /* BADVERSION */
  zk_set_data(zs, (ZkPath) { 1, 0 }, (int64_t) INT32_MAX + 1, -1, 8); /* BADARGUMENTS */
  zk_delete(zs, (ZkPath) { 1, 1 }, -1, 9);
  zk_get_data(zs, (ZkPath) { 1, 0 }, FALSE, 10);
  zk_delete(zs, (ZkPath) { 1, 0 }, -1, 11);                          /* NOTEMPTY */
  zk_get_data(zs, (ZkPath) { 9, 0 }, FALSE, 12);                     /* NONODE */
  zk_sync(zs, 13);
  zk_exists(zs, (ZkPath) { 3, 0 }, FALSE, 14);
  CU_ASSERT_EQUAL(zk_session_outstanding(zs), 14);
  sim_run(sim, 2 * SIM_S);
  CU_ASSERT_EQUAL(zk_session_outstanding(zs), 0);
  for (int64_t tag = 1; tag <= 14; tag++) {
    guint a = 0, b = 0;
    CU_ASSERT_TRUE(logged(s, 1000 + tag, &a));
    if (tag > 1) {
      CU_ASSERT_TRUE(logged(s, 1000 + tag - 1, &b));
      CU_ASSERT_TRUE(b < a);
    }
  }
  CU_ASSERT_EQUAL(s->last[1].err, ZK_OK);
  CU_ASSERT_EQUAL(s->last[2].err, ZK_NODEEXISTS);
  CU_ASSERT_EQUAL(s->last[3].err, ZK_OK);
  CU_ASSERT_EQUAL(s->last[3].name, 1);
  CU_ASSERT_EQUAL(s->last[4].name, 2);
  CU_ASSERT_TRUE(s->last[4].zxid > s->last[3].zxid);
  CU_ASSERT_EQUAL(s->last[5].nchildren, 2);
  CU_ASSERT_EQUAL(s->last[5].first, 1);
  CU_ASSERT_EQUAL(s->last[5].pred, 1);
  CU_ASSERT_EQUAL(s->last[6].owner, zk_session_id(zs));
  CU_ASSERT_EQUAL(s->last[6].czxid, s->last[3].zxid);
  CU_ASSERT_EQUAL(s->last[7].err, ZK_BADVERSION);
  CU_ASSERT_EQUAL(s->last[8].err, ZK_BADARGUMENTS);
  CU_ASSERT_EQUAL(s->last[9].err, ZK_OK);
  CU_ASSERT_EQUAL(s->last[10].data, 7);
  CU_ASSERT_EQUAL(s->last[10].version, 0);
  CU_ASSERT_EQUAL(s->last[11].err, ZK_NOTEMPTY);
  CU_ASSERT_EQUAL(s->last[12].err, ZK_NONODE);
  CU_ASSERT_EQUAL(s->last[13].err, ZK_OK);
  CU_ASSERT_TRUE(s->last[13].zxid > s->last[9].zxid);
  CU_ASSERT_EQUAL(s->last[14].err, ZK_NONODE);
  /* The delete of /1/1 fired the exists watch (DELETED) and the child
   * watch on /1 (CHILD), both before the delete's result. */
  guint deleted = 0, child = 0, result = 0;
  CU_ASSERT_TRUE(logged(s, 2000 + ZK_EV_DELETED, &deleted));
  CU_ASSERT_TRUE(logged(s, 2000 + ZK_EV_CHILD, &child));
  CU_ASSERT_TRUE(logged(s, 1009, &result));
  CU_ASSERT_TRUE(deleted < result && child < result);

  /* Paused past its timeout: the server expires the session and deletes
   * its ephemeral /1/2; the client learns it, fails what it had pending
   * and gets a new session. */
  zk_create(zs, (ZkPath) { 1, 0 }, 0, 0, 15); /* answered NODEEXISTS before the pause */
  sim_run(sim, 3 * SIM_S);
  sim_pause(sim, 1);
  sim_run(sim, 4 * SIM_S);
  sim_resume(sim, 1);
  zk_get_data(zs, (ZkPath) { 1, 2 }, FALSE, 16); /* on the connection the server dropped */
  sim_run(sim, 5 * SIM_S);
  CU_ASSERT_EQUAL(s->expired, 1);
  CU_ASSERT_EQUAL(s->last[16].err, ZK_SESSIONEXPIRED);
  CU_ASSERT_EQUAL(s->connected, 2);
  CU_ASSERT_TRUE(zk_session_id(zs) > s->first_session);
  double expired = 0;
  CU_ASSERT_TRUE(sim_metric_get(sim, "zk_sessions_expired", &expired));
  CU_ASSERT_EQUAL(expired, 1);
  zk_exists(zs, (ZkPath) { 1, 2 }, FALSE, 17);
  zk_exists(zs, (ZkPath) { 1, 0 }, FALSE, 18);
  sim_run(sim, 6 * SIM_S);
  CU_ASSERT_EQUAL(s->last[17].err, ZK_NONODE);
  CU_ASSERT_EQUAL(s->last[18].err, ZK_OK);
}

/* scenarios/zk_faults.lua, every row at seeds 1 and 2. */
static void test_faults_matrix(void)
{
  const char *faults[] = { "none", "loss", "duplicate", "reorder", "delay", "crash", "all" };
  const char *pauses[] = { "false", "true" };
  const char *inv[] = { "linearizable", "raft_apply_agree", "zk_results_ordered", "zk_watch_once",
                        "zk_watch_first", "zk_watch_fresh", "zk_exactly_once", "zk_ephemeral",
                        "zk_sequential", "election_safety", "state_machine_safety" };
  for (guint f = 0; f < G_N_ELEMENTS(faults); f++)
    for (guint p = 0; p < G_N_ELEMENTS(pauses); p++)
      for (uint64_t seed = 1; seed <= 2; seed++) {
        g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
        g_hash_table_insert(over, "fault", (gpointer) faults[f]);
        g_hash_table_insert(over, "pause", (gpointer) pauses[p]);
        ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
        GError *error = NULL;
        g_autoptr(Scenario) sc = scenario_run("scenarios/zk_faults.lua", seed, over, &opt, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        double lin = -2, events = 0, seqs = 0, expired = -1;
        sim_metric_get(sc->sim, "zk_lincheck", &lin);
        sim_metric_get(sc->sim, "zk_probe_events", &events);
        sim_metric_get(sc->sim, "zk_probe_sequential", &seqs);
        sim_metric_get(sc->sim, "zk_sessions_expired", &expired);
        guint64 bad = 0;
        for (guint i = 0; i < G_N_ELEMENTS(inv); i++)
          bad += sim_violations(sc->sim, inv[i]);
        if (bad || lin != 1 || events < 10 || seqs < 5 || (p == 1 && expired < 1))
          fprintf(stderr, "\nzk_faults fault=%s pause=%s seed %" G_GUINT64_FORMAT ": violations %" G_GUINT64_FORMAT
                  " lincheck %g events %g sequential %g expired %g\n", faults[f], pauses[p], seed, bad, lin, events,
                  seqs, expired);
        CU_ASSERT_EQUAL(bad, 0);
        CU_ASSERT_EQUAL(lin, 1);
        CU_ASSERT_TRUE(sim_stats(sc->sim)->ok > 0);
        CU_ASSERT_TRUE(events >= 10);
        CU_ASSERT_TRUE(seqs >= 5);
        CU_ASSERT_TRUE(p == 0 || expired >= 1);
      }
}

/* scenarios/zk_stale_read.lua: a deposed leader cut off with a reader
 * serves it stale getData (caught by lincheck); sync() first prevents it. */
static void test_stale_reads(void)
{
  const char *sync[] = { "false", "true" };
  for (uint64_t seed = 1; seed <= 3; seed++)
    for (guint i = 0; i < 2; i++) {
      g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
      g_hash_table_insert(over, "sync_reads", (gpointer) sync[i]);
      ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
      GError *error = NULL;
      g_autoptr(Scenario) sc = scenario_run("scenarios/zk_stale_read.lua", seed, over, &opt, &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
      guint64 v = sim_violations(sc->sim, "linearizable");
      CU_ASSERT_TRUE(i == 0 ? v >= 1 : v == 0);
      CU_ASSERT_EQUAL(sim_violations(sc->sim, "raft_apply_agree"), 0);
    }
}

void suite_zk_session(void)
{
  CU_pSuite s = CU_add_suite("zk_session", NULL, NULL);
  CU_add_test(s, "every request, results in order, watch before result, expiry and a new session",
              test_requests_and_callbacks);
  CU_add_test(s, "zk_faults.lua: each network fault alone and combined, crashes, a paused client",
              test_faults_matrix);
  CU_add_test(s, "zk_stale_read.lua: plain reads from a deposed leader are stale, sync + read is not",
              test_stale_reads);
}
