/* Log compaction that bounds what a server keeps (issue 16, linear cost):
 * the key-value machine's client sessions (models/raft/raft_session.c,
 * thesis §6.3) — a window of results per session, a floor below it,
 * expiry by log index, a duplicate whose result went answered "expired"
 * and never applied twice, the words round trip; zk.server's window of
 * results per session (a duplicate below it answered SESSIONEXPIRED,
 * not applied again); and whole runs of raft_snapshot.lua and
 * zk_snapshot.lua four times longer than shipped, where every server's
 * snapshot and durable log stay small (before: the snapshot held every op
 * id ever applied and the durable log every record since the start). */
#include "models/raft/raft.h"
#include "models/registry.h"
#include "models/zk/zk.h"
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>
#include <string.h>

/* ---- raft_session.c ---- */

/* Op `op` of session `session` applied at `index` with result {op, -op}:
 * what begin said. */
static RaftSessionCheck session_apply(RaftSessions *s, int64_t session, int64_t op, int64_t index)
{
  int64_t r[2] = { 0, 0 };
  RaftSessionCheck c = raft_sessions_begin(s, session, op, index, r);
  if (c == RAFT_SESSION_NEW) {
    int64_t mine[2] = { op, -op };
    raft_sessions_record(s, session, op, mine);
  } else if (c == RAFT_SESSION_DUPLICATE) {
    CU_ASSERT_EQUAL(r[0], op);
    CU_ASSERT_EQUAL(r[1], -op);
  }
  return c;
}

/* The latest RAFT_SESSION_WINDOW results answer duplicates; an op that
 * fell out of the window, or older than all of them, is EXPIRED — never
 * NEW again; a gap inside the window is still NEW (ops may arrive out of
 * order). */
static void test_session_window(void)
{
  RaftSessions *s = raft_sessions_new(1000000);
  int64_t index = 1;
  CU_ASSERT_EQUAL(session_apply(s, 1, 10, index++), RAFT_SESSION_NEW);
  CU_ASSERT_EQUAL(session_apply(s, 1, 10, index++), RAFT_SESSION_DUPLICATE);
  for (int64_t op = 12; op < 12 + RAFT_SESSION_WINDOW; op++)
    CU_ASSERT_EQUAL(session_apply(s, 1, op, index++), RAFT_SESSION_NEW);
  /* 10 went out of the window: its outcome is no longer known. */
  int64_t r[2];
  CU_ASSERT_EQUAL(raft_sessions_peek(s, 1, 10, r), RAFT_SESSION_EXPIRED);
  CU_ASSERT_EQUAL(session_apply(s, 1, 10, index++), RAFT_SESSION_EXPIRED);
  /* 11 never came and is above the floor: NEW; older than every result
   * held, it does not fit the window, so the floor moves up to it. */
  CU_ASSERT_EQUAL(session_apply(s, 1, 11, index++), RAFT_SESSION_NEW);
  CU_ASSERT_EQUAL(session_apply(s, 1, 11, index++), RAFT_SESSION_EXPIRED);
  CU_ASSERT_EQUAL(session_apply(s, 1, 13, index++), RAFT_SESSION_DUPLICATE);
  /* A gap inside the window: 100 then 99. */
  CU_ASSERT_EQUAL(session_apply(s, 1, 100, index++), RAFT_SESSION_NEW);
  CU_ASSERT_EQUAL(session_apply(s, 1, 99, index++), RAFT_SESSION_NEW);
  CU_ASSERT_EQUAL(session_apply(s, 1, 99, index++), RAFT_SESSION_DUPLICATE);
  /* Another session is its own. */
  CU_ASSERT_EQUAL(session_apply(s, 2, 10, index++), RAFT_SESSION_NEW);
  CU_ASSERT_EQUAL(raft_sessions_count(s), 2);
  raft_sessions_free(s);
}

/* A session idle for `expiry` entries goes; its ops, and any op invoked
 * before the expiry by a client without a session, are EXPIRED; the
 * client's next op (a higher id) opens a new session. */
static void test_session_expiry(void)
{
  RaftSessions *s = raft_sessions_new(10);
  CU_ASSERT_EQUAL(session_apply(s, 1, 5, 1), RAFT_SESSION_NEW);
  CU_ASSERT_EQUAL(session_apply(s, 2, 6, 2), RAFT_SESSION_NEW);
  for (int64_t i = 3; i <= 30; i++)
    CU_ASSERT_EQUAL(session_apply(s, 2, 4 + 3 * i, i), RAFT_SESSION_NEW);
  CU_ASSERT_EQUAL(raft_sessions_count(s), 1); /* session 1 expired */
  CU_ASSERT_EQUAL(session_apply(s, 1, 5, 31), RAFT_SESSION_EXPIRED);
  CU_ASSERT_EQUAL(raft_sessions_count(s), 1); /* no session for an expired request */
  /* Session 3 never made a request: an op id below the expired session's
   * last is of unknown outcome for it too. */
  CU_ASSERT_EQUAL(session_apply(s, 3, 4, 32), RAFT_SESSION_EXPIRED);
  CU_ASSERT_EQUAL(session_apply(s, 1, 1000, 33), RAFT_SESSION_NEW);
  CU_ASSERT_EQUAL(session_apply(s, 1, 1000, 34), RAFT_SESSION_DUPLICATE);
  raft_sessions_free(s);
}

static GArray *session_words(const RaftSessions *s)
{
  GArray *w = g_array_new(FALSE, FALSE, sizeof(int64_t));
  raft_sessions_save(s, w);
  return w;
}

/* Saved and loaded, the sessions give the same words and the same
 * answers; words that are not sessions are refused. */
static void test_session_words(void)
{
  RaftSessions *a = raft_sessions_new(50), *b = raft_sessions_new(50);
  for (int64_t i = 1; i <= 100; i++)
    session_apply(a, 1 + i % 3, i, i);
  g_autoptr(GArray) wa = session_words(a);
  guint used = 0;
  CU_ASSERT_TRUE_FATAL(raft_sessions_load(b, (const int64_t *) (void *) wa->data, wa->len, &used));
  CU_ASSERT_EQUAL(used, wa->len);
  g_autoptr(GArray) wb = session_words(b);
  CU_ASSERT_TRUE(wa->len == wb->len && memcmp(wa->data, wb->data, wa->len * sizeof(int64_t)) == 0);
  CU_ASSERT_EQUAL(session_apply(b, 2, 100, 101), RAFT_SESSION_DUPLICATE);
  CU_ASSERT_EQUAL(session_apply(b, 2, 1, 102), RAFT_SESSION_EXPIRED);
  int64_t bad1[] = { 5, 0, 0 };
  int64_t bad2[] = { 1, -1, 50, 7, 0, 0, 2, 1, 0, 0 };
  int64_t bad3[] = { 1, -1, 50, 7, 0, 0, 1, 3, 0, 0 }; /* result at the floor */
  CU_ASSERT_FALSE(raft_sessions_load(b, bad1, 3, &used));
  CU_ASSERT_FALSE(raft_sessions_load(b, bad2, G_N_ELEMENTS(bad2), &used));
  CU_ASSERT_FALSE(raft_sessions_load(b, bad3, 7, &used));
  raft_sessions_free(a);
  raft_sessions_free(b);
}

/* ---- the key-value machine with sessions ---- */

static void kv_apply_session(void *m, int64_t session, RaftCmdKind kind, int64_t key, int64_t a, uint64_t op,
                             int64_t index)
{
  RaftKvCmd cmd = { .kind = kind, .has_key = TRUE, .key = key, .a = a, .op = op, .session = session };
  RaftEntry e = { .term = 1 };
  raft_cmd_pack(&cmd, &e.cmd[0], &e.cmd[1], &e.cmd[2]);
  raft_kv_machine.apply(NULL, m, index, &e);
}

/* The map's value at `key` (from the machine's snapshot words: nkv, then
 * key, value pairs), or -1 without one. */
static int64_t kv_value(void *m, int64_t key)
{
  g_autoptr(GArray) w = g_array_new(FALSE, FALSE, sizeof(int64_t));
  raft_kv_machine.snapshot(m, w);
  int64_t n = g_array_index(w, int64_t, 0);
  for (int64_t i = 0; i < n; i++)
    if (g_array_index(w, int64_t, 1 + 2 * i) == key)
      return g_array_index(w, int64_t, 2 + 2 * i);
  return -1;
}

/* Thesis §6.3: a retried write whose log entry comes again after its
 * session's entry was dropped (the session expired) is not applied a
 * second time: client 1 writes 10, client 2 then writes 20 and keeps the
 * log busy until session 1 expires; client 1's write reaching the log
 * again leaves 20. The session packing round-trips through the words. */
static void test_kv_duplicate_after_expiry(void)
{
  RaftKvCmd in = { .kind = RAFT_CAS, .has_key = TRUE, .key = -3, .a = 1, .b = -2, .op = (UINT64_C(1) << 39) - 1,
                   .session = (INT64_C(1) << 20) - 1 };
  int64_t c, k, v;
  CU_ASSERT_TRUE(raft_cmd_session_packable(in.op, in.session));
  CU_ASSERT_FALSE(raft_cmd_session_packable(UINT64_C(1) << 39, 1));
  CU_ASSERT_FALSE(raft_cmd_session_packable(1, INT64_C(1) << 20));
  raft_cmd_pack(&in, &c, &k, &v);
  RaftKvCmd out;
  raft_cmd_unpack(&out, c, k, v);
  CU_ASSERT_TRUE(out.kind == in.kind && out.key == in.key && out.a == in.a && out.b == in.b && out.op == in.op
                 && out.session == in.session);

  void *m = raft_kv_create_with_sessions(10);
  kv_apply_session(m, 1, RAFT_WRITE, 7, 10, 1, 1);
  CU_ASSERT_EQUAL(kv_value(m, 7), 10);
  kv_apply_session(m, 2, RAFT_WRITE, 7, 20, 2, 2);
  /* The same write again at once: a duplicate, answered from its result. */
  kv_apply_session(m, 1, RAFT_WRITE, 7, 10, 1, 3);
  CU_ASSERT_EQUAL(kv_value(m, 7), 20);
  for (int64_t i = 4; i <= 40; i++)
    kv_apply_session(m, 2, RAFT_WRITE, 8, i, (uint64_t) i, i);
  kv_apply_session(m, 1, RAFT_WRITE, 7, 10, 1, 41);
  CU_ASSERT_EQUAL(kv_value(m, 7), 20);
  /* Restored elsewhere, the same. */
  g_autoptr(GArray) w = g_array_new(FALSE, FALSE, sizeof(int64_t));
  raft_kv_machine.snapshot(m, w);
  void *b = raft_kv_create_with_sessions(10);
  CU_ASSERT_TRUE_FATAL(raft_kv_machine.restore(b, (const int64_t *) (void *) w->data, w->len));
  kv_apply_session(b, 1, RAFT_WRITE, 7, 10, 1, 42);
  CU_ASSERT_EQUAL(kv_value(b, 7), 20);
  kv_apply_session(b, 1, RAFT_WRITE, 7, 30, 43, 43);
  CU_ASSERT_EQUAL(kv_value(b, 7), 30);
  raft_kv_machine.free(m);
  raft_kv_machine.free(b);
}

/* ---- zk.server's window ---- */

static RaftEntry zk_entry(ZkTxnKind kind, int64_t session, int64_t xid, ZkPath path, int64_t data, int64_t arg)
{
  ZkTxn t = { .kind = kind, .session = session, .xid = xid, .path = path, .data = data, .arg = arg };
  RaftEntry e = { .term = 1 };
  CU_ASSERT_TRUE(zk_txn_packable(&t));
  zk_txn_pack(&t, e.cmd);
  return e;
}

/* With the window on, a setData whose result left the window (64 later
 * xids applied) is answered SESSIONEXPIRED when its log entry comes again,
 * and the znode's version does not move; without it, the full filter
 * answers it from its result. */
static void test_zk_duplicate_below_window(void)
{
  for (int window = 0; window <= 1; window++) {
    void *m = zk_server_machine.create(NULL, NULL);
    zk_server_set_result_window(m, window);
    int64_t index = 1;
    ZkTxn open = { .kind = ZK_TXN_SESSION, .nonce = 5, .timeout_ms = 100000 };
    RaftEntry e = { .term = 1 };
    zk_txn_pack(&open, e.cmd);
    int64_t session = index;
    zk_server_machine.apply(NULL, m, index++, &e);
    e = zk_entry(ZK_TXN_CREATE, session, 1, (ZkPath) { 1, 0 }, 0, 0);
    zk_server_machine.apply(NULL, m, index++, &e);
    RaftEntry set2 = zk_entry(ZK_TXN_SET_DATA, session, 2, (ZkPath) { 1, 0 }, 2, -1);
    zk_server_machine.apply(NULL, m, index++, &set2);
    for (int64_t xid = 3; xid < 3 + 70; xid++) {
      e = zk_entry(ZK_TXN_CREATE, session, xid, (ZkPath) { 2, xid }, 0, 0);
      zk_server_machine.apply(NULL, m, index++, &e);
    }
    CU_ASSERT_TRUE(zk_server_has_result(m, session, 2) == !window);
    zk_server_machine.apply(NULL, m, index++, &set2);
    ZkStat st;
    CU_ASSERT_EQUAL(zk_server_stat(m, (ZkPath) { 1, 0 }, &st), ZK_OK);
    CU_ASSERT_EQUAL(st.version, 1); /* set once */
    zk_server_machine.free(m);
  }
}

/* ---- the durable log's prefix discard (node.c) ---- */

/* sim_log_discard_prefix drops synced records only, renumbers the rest
 * from 0 and gives their memory back; a lose-unsynced fault afterwards
 * loses what it would have. */
static void test_log_discard_prefix(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "peers", "a");
  GError *error = NULL;
  int id = sim_add_node(sim, "a", sim_registry_find("raft"), params, &error);
  CU_ASSERT_EQUAL_FATAL(id, 0);
  SimNode *node = sim_node(sim, id);
  size_t before = *sim_memory_counter(sim);
  for (int64_t i = 0; i < 5; i++) {
    SimMsg r = sim_record("R");
    sim_msg_set(&r, "i", i);
    sim_log_append(node, &r, i < 3);
  }
  CU_ASSERT_TRUE(*sim_memory_counter(sim) > before);
  CU_ASSERT_EQUAL(sim_log_discard_prefix(node, 10), 3); /* 3 and 4 are not synced */
  CU_ASSERT_EQUAL_FATAL(sim_log_length(node), 2);
  CU_ASSERT_EQUAL(sim_msg_get(sim_log_get(node, 0), "i", -1), 3);
  sim_log_lose_unsynced(sim, id);
  CU_ASSERT_EQUAL(sim_log_length(node), 0);
  size_t empty = *sim_memory_counter(sim); /* the node's cold part stays */
  SimMsg r = sim_record("R");
  sim_msg_set(&r, "i", 5);
  sim_log_append(node, &r, TRUE);
  sim_log_append(node, &r, TRUE);
  CU_ASSERT_EQUAL(sim_log_discard_prefix(node, 1), 1);
  CU_ASSERT_EQUAL(sim_log_length(node), 1);
  CU_ASSERT_EQUAL(sim_log_discard_prefix(node, 0), 0);
  CU_ASSERT_EQUAL(sim_log_discard_prefix(node, 1), 1);
  CU_ASSERT_EQUAL(sim_log_length(node), 0);
  CU_ASSERT_EQUAL(*sim_memory_counter(sim), empty);
}

/* ---- the leader's answer ---- */

/* What the probe nodes received: "Reply" (ok, v) or "SessionExpired", by
 * op id (test-only state, reset by each test). */
typedef struct {
  char type[16];
  int64_t ok, v;
} Answer;
static Answer answers[64];

static void probe_on_message(SimNode *node, const SimMsg *msg)
{
  (void) node;
  int64_t op = sim_msg_get(msg, "op", -1);
  if (op < 0 || op >= (int64_t) G_N_ELEMENTS(answers))
    return;
  g_strlcpy(answers[op].type, msg->type, sizeof answers[op].type);
  answers[op].ok = sim_msg_get(msg, "ok", -1);
  answers[op].v = sim_msg_get(msg, "v", -1);
}

static const SimModel kv_probe_model = {
  .name = "test.kv_probe",
  .summary = "sends kv Requests the test builds and keeps the answers",
  .on_message = probe_on_message,
};

/* `from` sends a Request of op `op` to node 0 and the sim runs 50 ms. */
static void request(Sim *sim, int from, RaftCmdKind kind, int64_t key, int64_t value, uint64_t op)
{
  SimNode *node = sim_node(sim, from);
  RaftKvCmd cmd = { .kind = kind, .has_key = TRUE, .key = key, .a = value, .op = op };
  int64_t c, k, v;
  raft_cmd_pack(&cmd, &c, &k, &v);
  SimMsg *m = sim_msg_new(node, "Request");
  sim_msg_add(m, "op", (int64_t) op);
  sim_msg_add(m, "c", c);
  sim_msg_add(m, "k", k);
  sim_msg_add(m, "v", v);
  sim_send(node, 0, m);
  sim_run(sim, sim_now(sim) + 50 * SIM_MS);
}

/* A one-server cluster with snapshots (so sessions) expiring after 3
 * entries: p1 writes 10 (op 1); p2 writes 20 to the same key and then
 * enough others for p1's session to expire; p1's write sent again is
 * answered SessionExpired, not applied: p2 reads 20. */
static void test_leader_answers_session_expired(void)
{
  memset(answers, 0, sizeof answers);
  g_autoptr(Sim) sim = sim_new(1);
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "peers", "a");
  g_hash_table_insert(params, "snapshot_every", "5");
  g_hash_table_insert(params, "session_expiry", "3");
  GError *error = NULL;
  CU_ASSERT_EQUAL_FATAL(sim_add_node(sim, "a", sim_registry_find("raft"), params, &error), 0);
  int p1 = sim_add_node(sim, "p1", &kv_probe_model, NULL, &error);
  int p2 = sim_add_node(sim, "p2", &kv_probe_model, NULL, &error);
  CU_ASSERT_TRUE_FATAL(p1 > 0 && p2 > 0 && sim_resolve_nodes(sim, &error));
  sim_run(sim, SIM_S);
  request(sim, p1, RAFT_WRITE, 1, 10, 1);
  CU_ASSERT_STRING_EQUAL(answers[1].type, "Reply");
  CU_ASSERT_EQUAL(answers[1].ok, 1);
  request(sim, p1, RAFT_WRITE, 1, 10, 1); /* a duplicate while the session lives */
  CU_ASSERT_STRING_EQUAL(answers[1].type, "Reply");
  request(sim, p2, RAFT_WRITE, 1, 20, 2);
  for (uint64_t op = 3; op < 12; op++)
    request(sim, p2, RAFT_WRITE, 2, (int64_t) op, op);
  memset(&answers[1], 0, sizeof answers[1]);
  request(sim, p1, RAFT_WRITE, 1, 10, 1);
  CU_ASSERT_STRING_EQUAL(answers[1].type, "SessionExpired");
  request(sim, p2, RAFT_READ, 1, 0, 12);
  CU_ASSERT_STRING_EQUAL(answers[12].type, "Reply");
  CU_ASSERT_EQUAL(answers[12].v, 20);
  /* p1's next op opens a new session and is applied. */
  request(sim, p1, RAFT_WRITE, 1, 30, 13);
  request(sim, p2, RAFT_READ, 1, 0, 14);
  CU_ASSERT_EQUAL(answers[14].v, 30);
}

/* ---- whole runs ---- */

/* Runs `scenario` through bench/linear.lua for `seconds` with snapshots
 * every 20 entries; then every Raft server's snapshot holds fewer than
 * `max_words` words and its durable log fewer than `max_records`
 * records, and the run's invariants held. */
static void check_compacted_run(const char *scenario, int seconds, guint max_words, guint max_records)
{
  g_autoptr(GHashTable) over = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert(over, "scenario", g_strdup(scenario));
  g_hash_table_insert(over, "T", g_strdup_printf("%ds", seconds));
  g_hash_table_insert(over, "snapshot_every", g_strdup("20"));
  ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run("bench/linear.lua", 1, over, &opt, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  CU_ASSERT_PTR_NULL(sim_failure(sc->sim));
  CU_ASSERT_TRUE(sim_stats(sc->sim)->ok > 1000);
  guint servers = 0;
  for (guint i = 0; i < sim_node_count(sc->sim); i++) {
    SimNode *node = sim_node(sc->sim, (int) i);
    const char *model = sim_node_model(node)->name;
    if (strcmp(model, "raft") != 0 && strcmp(model, "zk.server") != 0)
      continue;
    servers++;
    const RaftState *st = raft_server_state(sim_node_data(node));
    guint words = st->snapshot ? st->snapshot->len : 0, records = sim_log_length(node);
    if (words >= max_words || records >= max_records)
      fprintf(stderr, "\n%s: %s holds a snapshot of %u words and %u durable records\n", scenario,
              sim_node_name(node), words, records);
    CU_ASSERT_TRUE(st->lastIncludedIndex > 0);
    CU_ASSERT_TRUE(words < max_words);
    CU_ASSERT_TRUE(records < max_records);
  }
  CU_ASSERT_TRUE(servers >= 3);
  const char *inv[] = { "linearizable", "raft_apply_agree", "election_safety", "log_matching",
                        "leader_completeness", "state_machine_safety", "zk_exactly_once" };
  for (guint i = 0; i < G_N_ELEMENTS(inv); i++)
    CU_ASSERT_EQUAL(sim_violations(sc->sim, inv[i]), 0);
}

/* raft_snapshot.lua for 20 s (shipped: 5 s), three clients on three keys:
 * the snapshot holds the map and three sessions, the durable log one
 * snapshot and the entries after it. */
static void test_raft_run_stays_compact(void) { check_compacted_run("raft_snapshot.lua", 20, 400, 200); }

/* zk_snapshot.lua for 20 s (shipped: 5 s). */
static void test_zk_run_stays_compact(void) { check_compacted_run("zk_snapshot.lua", 20, 600, 400); }

void suite_compact(void)
{
  CU_pSuite s = CU_add_suite("compact", NULL, NULL);
  CU_add_test(s, "sessions: a window of results, a floor below it", test_session_window);
  CU_add_test(s, "sessions: expiry by log index, the floor a new session starts at", test_session_expiry);
  CU_add_test(s, "sessions: words round trip, bad words refused", test_session_words);
  CU_add_test(s, "kv: a duplicate after its session expired is not applied twice", test_kv_duplicate_after_expiry);
  CU_add_test(s, "kv: the leader answers SessionExpired to a duplicate of an expired session", test_leader_answers_session_expired);
  CU_add_test(s, "zk: a duplicate below the window is SESSIONEXPIRED, not applied", test_zk_duplicate_below_window);
  CU_add_test(s, "durable log: discard a synced prefix", test_log_discard_prefix);
  CU_add_test(s, "raft_snapshot.lua x4: snapshot and durable log stay small", test_raft_run_stays_compact);
  CU_add_test(s, "zk_snapshot.lua x4: snapshot and durable log stay small", test_zk_run_stays_compact);
}
