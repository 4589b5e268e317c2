/* zk.server's snapshots (Raft §7; models/zk/zk_tree.c, zk_server.c): the
 * packing of snapshot values into words, the data tree's round trip (tree
 * → words → tree: the same stats, children, sessions, and the same words
 * again), refusal of words that encode no tree, a replica restored from a
 * snapshot at any point of a transaction stream that then applies the
 * rest ending where the replica that applied everything ends (tree and
 * machine: results kept per session, so a transaction's second log entry
 * after the snapshot is not applied again), and
 * scenarios/zk_snapshot.lua under each network fault. */
#include "models/zk/zk.h"
#include "models/registry.h"
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>
#include <string.h>

static ZkPath P(int64_t dir, int64_t name) { return (ZkPath) { dir, name }; }

static gboolean same_words(const GArray *a, const GArray *b)
{
  return a->len == b->len && memcmp(a->data, b->data, a->len * sizeof(int64_t)) == 0;
}

static GArray *tree_words(const ZkTree *t)
{
  GArray *w = g_array_new(FALSE, FALSE, sizeof(int64_t));
  ZkPacker p = { w, 0, 0 };
  zk_tree_snapshot(t, &p);
  zk_pack_finish(&p);
  return w;
}

static ZkTree *tree_from(const GArray *w)
{
  ZkWords r = { (const int64_t *) (const void *) w->data, w->len, 0, FALSE };
  ZkTree *t = zk_tree_restore(&r);
  if (t && !zk_words_done(&r)) {
    zk_tree_free(t);
    return NULL;
  }
  return t;
}

/* Values of every size and sign come back in order; a reader past the
 * end or given an impossible count goes bad. */
static void test_packing(void)
{
  const int64_t values[] = { 0, 1, -1, 63, -64, 64, 127, 128, 300, -300, INT32_MAX, INT32_MIN,
                             INT64_C(1) << 40, G_MAXINT64, G_MININT64, 7 };
  g_autoptr(GArray) w = g_array_new(FALSE, FALSE, sizeof(int64_t));
  ZkPacker p = { w, 0, 0 };
  for (guint i = 0; i < G_N_ELEMENTS(values); i++)
    zk_pack_put(&p, values[i]);
  zk_pack_finish(&p);
  /* Small values take a byte: 0..7 above are 1 byte each, 2^63 ones 10. */
  CU_ASSERT_TRUE(w->len < G_N_ELEMENTS(values));
  ZkWords r = { (const int64_t *) (void *) w->data, w->len, 0, FALSE };
  for (guint i = 0; i < G_N_ELEMENTS(values); i++)
    CU_ASSERT_EQUAL(zk_words_take(&r), values[i]);
  CU_ASSERT_TRUE(zk_words_done(&r));
  /* The padding of the last word reads as zeros, then the end. */
  while (r.pos % 8)
    CU_ASSERT_EQUAL(zk_words_take(&r), 0);
  CU_ASSERT_FALSE(r.bad);
  zk_words_take(&r);
  CU_ASSERT_TRUE(r.bad);
  CU_ASSERT_FALSE(zk_words_done(&r));
  /* A count larger than the remaining bytes could hold. */
  g_autoptr(GArray) w2 = g_array_new(FALSE, FALSE, sizeof(int64_t));
  ZkPacker p2 = { w2, 0, 0 };
  zk_pack_put(&p2, 1000);
  zk_pack_finish(&p2);
  ZkWords r2 = { (const int64_t *) (void *) w2->data, w2->len, 0, FALSE };
  CU_ASSERT_EQUAL(zk_words_count(&r2, 1), -1);
  CU_ASSERT_TRUE(r2.bad);
}

/* A tree with persistent and ephemeral znodes, sequential children,
 * versions and cversions moved by deletes, an open and a closed session. */
static ZkTree *sample_tree(void)
{
  ZkTree *t = zk_tree_new();
  int64_t name;
  zk_tree_session_open(t, 3, SIM_S);
  zk_tree_session_open(t, 4, 2 * SIM_S);
  zk_tree_session_open(t, 5, 3 * SIM_S);
  zk_tree_create(t, 6, 3, P(1, 0), 10, 0, &name, NULL);
  zk_tree_create(t, 7, 3, P(1, 5), -20, 0, &name, NULL);
  zk_tree_create(t, 8, 4, P(1, 0), 0, ZK_SEQUENTIAL | ZK_EPHEMERAL, &name, NULL);
  zk_tree_create(t, 9, 5, P(1, 0), 0, ZK_SEQUENTIAL | ZK_EPHEMERAL, &name, NULL);
  zk_tree_create(t, 10, 4, P(7, 0), 1, ZK_EPHEMERAL, &name, NULL);
  zk_tree_set_data(t, 11, 3, P(1, 5), 21, 0, NULL, NULL);
  zk_tree_set_data(t, 12, 3, P(1, 5), 22, 1, NULL, NULL);
  zk_tree_create(t, 13, 3, P(2, 0), 0, 0, &name, NULL);
  zk_tree_create(t, 14, 3, P(2, 9), 0, 0, &name, NULL);
  zk_tree_delete(t, 15, 3, P(2, 9), -1, NULL);
  zk_tree_session_close(t, 5, 16, NULL);
  return t;
}

/* Every path of the sample, as stat and children answers. */
static void assert_same_reads(const ZkTree *a, const ZkTree *b)
{
  CU_ASSERT_EQUAL(zk_tree_size(a), zk_tree_size(b));
  for (int64_t dir = 0; dir <= 8; dir++)
    for (int64_t name = 0; name <= 10; name++) {
      ZkStat sa, sb;
      int ea = zk_tree_stat(a, P(dir, name), &sa), eb = zk_tree_stat(b, P(dir, name), &sb);
      CU_ASSERT_EQUAL(ea, eb);
      if (ea == ZK_OK && eb == ZK_OK)
        CU_ASSERT_EQUAL(memcmp(&sa, &sb, sizeof sa), 0);
    }
  for (int64_t dir = 0; dir <= 8; dir++) {
    int64_t ca = -1, fa = -1, pa = -1, cb = -2, fb = -2, pb = -2;
    CU_ASSERT_EQUAL(zk_tree_children(a, dir, 4, &ca, &fa, &pa), zk_tree_children(b, dir, 4, &cb, &fb, &pb));
    if (ca >= 0) {
      CU_ASSERT_EQUAL(ca, cb);
      CU_ASSERT_EQUAL(fa, fb);
      CU_ASSERT_EQUAL(pa, pb);
    }
  }
  g_autoptr(GArray) oa = zk_tree_sessions(a);
  g_autoptr(GArray) ob = zk_tree_sessions(b);
  CU_ASSERT_TRUE(same_words(oa, ob));
  for (int64_t id = 1; id <= 6; id++) {
    CU_ASSERT_EQUAL(zk_tree_session_alive(a, id), zk_tree_session_alive(b, id));
    CU_ASSERT_EQUAL(zk_tree_session_timeout(a, id), zk_tree_session_timeout(b, id));
  }
}

/* tree → words → tree: the same answers and the same words; watches are
 * a server's own and do not travel. */
static void test_tree_round_trip(void)
{
  ZkTree *a = sample_tree();
  zk_tree_watch(a, 3, P(1, 5), ZK_WATCH_DATA);
  g_autoptr(GArray) wa = tree_words(a);
  ZkTree *b = tree_from(wa);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  assert_same_reads(a, b);
  g_autoptr(GArray) wb = tree_words(b);
  CU_ASSERT_TRUE(same_words(wa, wb));
  CU_ASSERT_EQUAL(zk_tree_watch_count(b), 0);
  /* The restored tree carries on as the original: the next sequential
   * name, a closed session's id not reused, ephemerals deleted with their
   * session. */
  int64_t na = 0, nb = 0;
  CU_ASSERT_EQUAL(zk_tree_create(a, 20, 3, P(2, 0), 0, ZK_SEQUENTIAL, &na, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_create(b, 20, 3, P(2, 0), 0, ZK_SEQUENTIAL, &nb, NULL), ZK_OK);
  CU_ASSERT_EQUAL(na, 3); /* cversion 2: /2/9 created and deleted */
  CU_ASSERT_EQUAL(nb, 3);
  CU_ASSERT_FALSE(zk_tree_session_open(b, 5, SIM_S));
  CU_ASSERT_EQUAL(zk_tree_session_close(a, 4, 21, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_session_close(b, 4, 21, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_stat(b, P(7, 0), &(ZkStat) { 0 }), ZK_NONODE);
  assert_same_reads(a, b);
  /* An empty tree too. */
  ZkTree *e = zk_tree_new();
  g_autoptr(GArray) we = tree_words(e);
  ZkTree *e2 = tree_from(we);
  CU_ASSERT_PTR_NOT_NULL(e2);
  CU_ASSERT_EQUAL(zk_tree_size(e2), 0);
  zk_tree_free(e);
  zk_tree_free(e2);
  zk_tree_free(a);
  zk_tree_free(b);
}

/* Words that encode no tree are refused: every strict prefix, a corrupt
 * count, names out of order; never a crash. */
static void test_tree_refuses_garbage(void)
{
  ZkTree *a = sample_tree();
  g_autoptr(GArray) wa = tree_words(a);
  for (guint n = 0; n < wa->len; n++) {
    ZkWords r = { (const int64_t *) (void *) wa->data, n, 0, FALSE };
    ZkTree *t = zk_tree_restore(&r);
    CU_ASSERT_PTR_NULL(t);
    zk_tree_free(t);
  }
  g_autoptr(GArray) bad = g_array_new(FALSE, FALSE, sizeof(int64_t));
  ZkPacker p = { bad, 0, 0 };
  zk_pack_put(&p, 2);   /* two directories */
  zk_pack_put(&p, 4);   /* dir 3 */
  for (int k = 0; k < 6; k++)
    zk_pack_put(&p, 0);
  zk_pack_put(&p, 0);   /* no children */
  zk_pack_put(&p, 0);   /* dir 3 again: not increasing */
  for (int k = 0; k < 8; k++)
    zk_pack_put(&p, 0);
  zk_pack_finish(&p);
  CU_ASSERT_PTR_NULL(tree_from(bad));
  const int64_t junk[] = { -1, G_MAXINT64, G_MININT64, 0x7f7f7f7f7f7f7f7f };
  for (guint i = 0; i < G_N_ELEMENTS(junk); i++) {
    g_autoptr(GArray) one = g_array_new(FALSE, FALSE, sizeof(int64_t));
    g_array_append_val(one, junk[i]);
    CU_ASSERT_PTR_NULL(tree_from(one)); /* G_MININT64: an empty tree, then a byte that is no padding */
  }
  zk_tree_free(a);
}

/* ---- the machine: a transaction stream ---- */

static RaftEntry txn_entry(ZkTxnKind kind, int64_t session, int64_t xid, ZkPath path, int64_t data, int64_t arg)
{
  ZkTxn t = { .kind = kind, .session = session, .xid = xid, .path = path, .data = data, .arg = arg };
  if (kind == ZK_TXN_SESSION) {
    t.nonce = 100 + xid;
    t.timeout_ms = 1000;
    t.xid = 0;
  }
  RaftEntry e = { .term = 1 };
  zk_txn_pack(&t, e.cmd);
  return e;
}

/* Entries 1..n of a stream: sessions opened (ids 1, 2, 3 = their zxids;
 * one nonce twice), creates plain, sequential and ephemeral, setData with
 * versions, a delete, the same (session, xid) logged twice (a request
 * proposed again after a reconnection), a sync, an expiry deleting
 * ephemerals, a write from the expired session. */
static guint stream(RaftEntry *e)
{
  guint n = 0;
  e[n++] = txn_entry(ZK_TXN_SESSION, 0, 1, P(0, 0), 0, 0);          /* 1: session 1 */
  e[n++] = txn_entry(ZK_TXN_SESSION, 0, 2, P(0, 0), 0, 0);          /* 2: session 2 */
  e[n++] = txn_entry(ZK_TXN_CREATE, 1, 1, P(1, 0), 5, 0);
  e[n++] = txn_entry(ZK_TXN_SESSION, 0, 3, P(0, 0), 0, 0);          /* 4: session 4 */
  e[n++] = txn_entry(ZK_TXN_CREATE, 2, 1, P(1, 0), 0, ZK_SEQUENTIAL | ZK_EPHEMERAL);
  e[n++] = txn_entry(ZK_TXN_SET_DATA, 1, 2, P(1, 0), 6, 0);
  e[n++] = txn_entry(ZK_TXN_SET_DATA, 1, 2, P(1, 0), 6, 0);         /* the same request again */
  e[n++] = txn_entry(ZK_TXN_CREATE, 4, 1, P(1, 0), 0, ZK_SEQUENTIAL);
  e[n++] = txn_entry(ZK_TXN_SESSION, 0, 2, P(0, 0), 0, 0);          /* nonce 102 again: no session */
  e[n++] = txn_entry(ZK_TXN_SYNC, 4, 2, P(0, 0), 0, 0);
  e[n++] = txn_entry(ZK_TXN_CREATE, 2, 2, P(3, 0), 1, ZK_EPHEMERAL);
  e[n++] = txn_entry(ZK_TXN_SET_DATA, 1, 3, P(1, 0), 7, 5);        /* bad version */
  e[n++] = txn_entry(ZK_TXN_CREATE, 2, 1, P(1, 0), 0, ZK_SEQUENTIAL | ZK_EPHEMERAL); /* again */
  e[n++] = txn_entry(ZK_TXN_EXPIRE, 2, 0, P(0, 0), 0, 0);
  e[n++] = txn_entry(ZK_TXN_CREATE, 2, 3, P(1, 9), 0, 0);           /* expired session */
  e[n++] = txn_entry(ZK_TXN_DELETE, 4, 3, P(1, 2), -1, 0);
  e[n++] = txn_entry(ZK_TXN_SET_DATA, 4, 2, P(1, 0), 9, -1);        /* xid 2 again, another txn */
  e[n++] = txn_entry(ZK_TXN_CREATE, 4, 4, P(1, 0), 0, ZK_SEQUENTIAL);
  e[n++] = (RaftEntry) { .term = 2 };                                /* a leader's no-op */
  e[n++] = txn_entry(ZK_TXN_SET_DATA, 1, 4, P(1, 0), 8, 1);
  return n;
}

static GArray *machine_words(void *m)
{
  GArray *w = g_array_new(FALSE, FALSE, sizeof(int64_t));
  zk_server_machine.snapshot(m, w);
  return w;
}

/* For every cut k: replica b restores the snapshot replica a took after
 * entry k and applies entries k+1..n; both end with the same words as a
 * replica that applied all n (so the same tree, the same per-session
 * results and nonces), and the results are what ZooKeeper gives: the
 * repeated setData applied once, the expired session's ephemerals gone. */
static void test_restored_replica_catches_up(void)
{
  RaftEntry e[32];
  guint n = stream(e);
  void *full = zk_server_machine.create(NULL, NULL);
  for (guint i = 0; i < n; i++)
    zk_server_machine.apply(NULL, full, (int64_t) i + 1, &e[i]);
  g_autoptr(GArray) want = machine_words(full);
  for (guint k = 0; k <= n; k++) {
    void *a = zk_server_machine.create(NULL, NULL);
    for (guint i = 0; i < k; i++)
      zk_server_machine.apply(NULL, a, (int64_t) i + 1, &e[i]);
    g_autoptr(GArray) snap = machine_words(a);
    void *b = zk_server_machine.create(NULL, NULL);
    CU_ASSERT_TRUE_FATAL(zk_server_machine.restore(b, (const int64_t *) (void *) snap->data, snap->len));
    g_autoptr(GArray) again = machine_words(b);
    CU_ASSERT_TRUE(same_words(snap, again));
    for (guint i = k; i < n; i++) {
      zk_server_machine.apply(NULL, a, (int64_t) i + 1, &e[i]);
      zk_server_machine.apply(NULL, b, (int64_t) i + 1, &e[i]);
    }
    g_autoptr(GArray) wa = machine_words(a);
    g_autoptr(GArray) wb = machine_words(b);
    CU_ASSERT_TRUE(same_words(wa, want));
    if (!same_words(wb, want))
      fprintf(stderr, "\nzk machine restored after entry %u differs from the full replay\n", k);
    CU_ASSERT_TRUE(same_words(wb, want));
    zk_server_machine.free(a);
    zk_server_machine.free(b);
  }
  /* What the stream leaves: /1 with data 8 at version 2 (the repeated
   * setData counted once, the one with a bad version not at all), the
   * sequential name 5 (cversion 4: two creates, two deletes), session 2's
   * ephemerals deleted with it. */
  g_autoptr(GArray) tw = g_array_copy(want);
  ZkWords r = { (const int64_t *) (void *) tw->data, tw->len, 0, FALSE };
  ZkTree *t = zk_tree_restore(&r);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  ZkStat st;
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 0), &st), ZK_OK);
  CU_ASSERT_EQUAL(st.data, 8);
  CU_ASSERT_EQUAL(st.version, 2);
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 5), &st), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 2), &st), ZK_NONODE);
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(3, 0), &st), ZK_NONODE);
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 1), &st), ZK_NONODE);
  CU_ASSERT_FALSE(zk_tree_session_alive(t, 2));
  CU_ASSERT_TRUE(zk_tree_session_alive(t, 4));
  zk_tree_free(t);
  zk_server_machine.free(full);
}

/* Words that are not a machine snapshot are refused and change nothing. */
static void test_machine_refuses_garbage(void)
{
  RaftEntry e[32];
  guint n = stream(e);
  void *a = zk_server_machine.create(NULL, NULL);
  for (guint i = 0; i < n; i++)
    zk_server_machine.apply(NULL, a, (int64_t) i + 1, &e[i]);
  g_autoptr(GArray) wa = machine_words(a);
  void *b = zk_server_machine.create(NULL, NULL);
  CU_ASSERT_TRUE(zk_server_machine.restore(b, (const int64_t *) (void *) wa->data, wa->len));
  for (guint len = 0; len < wa->len; len++)
    CU_ASSERT_FALSE(zk_server_machine.restore(b, (const int64_t *) (void *) wa->data, len));
  g_autoptr(GArray) longer = g_array_copy(wa);
  int64_t extra = 5;
  g_array_append_val(longer, extra);
  CU_ASSERT_FALSE(zk_server_machine.restore(b, (const int64_t *) (void *) longer->data, longer->len));
  g_autoptr(GArray) wb = machine_words(b);
  CU_ASSERT_TRUE(same_words(wa, wb));
  zk_server_machine.free(a);
  zk_server_machine.free(b);
}

/* scenarios/zk_snapshot.lua under each network fault alone and combined
 * and crash-restarts, seeds 1-2: the follower down 1.5 s gets
 * InstallSnapshot chunks and a restart recovers a snapshot; lincheck and
 * zk.probe's invariants hold. */
static void test_scenario_under_faults(void)
{
  const char *faults[] = { "none", "loss", "duplicate", "reorder", "delay", "crash", "all" };
  const char *inv[] = { "linearizable", "raft_apply_agree", "zk_results_ordered", "zk_watch_once",
                        "zk_watch_first", "zk_watch_fresh", "zk_exactly_once", "zk_ephemeral",
                        "zk_sequential", "election_safety", "log_matching", "leader_completeness",
                        "state_machine_safety" };
  for (guint f = 0; f < G_N_ELEMENTS(faults); f++)
    for (uint64_t seed = 1; seed <= 2; seed++) {
      g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
      g_hash_table_insert(over, "fault", (gpointer) faults[f]);
      ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
      GError *error = NULL;
      g_autoptr(Scenario) sc = scenario_run("scenarios/zk_snapshot.lua", seed, over, &opt, &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
      double lin = -2, installed = 0, recovered = 0, lagging = 0;
      sim_metric_get(sc->sim, "zk_lincheck", &lin);
      sim_metric_get(sc->sim, "raft_snapshots_installed", &installed);
      sim_metric_get(sc->sim, "recovered_from_snapshot", &recovered);
      sim_metric_get(sc->sim, "lagging_chunks", &lagging);
      guint64 bad = 0;
      for (guint i = 0; i < G_N_ELEMENTS(inv); i++)
        bad += sim_violations(sc->sim, inv[i]);
      if (bad || lin != 1 || installed < 1 || recovered < 1 || lagging < 1)
        fprintf(stderr, "\nzk_snapshot fault=%s seed %" G_GUINT64_FORMAT ": violations %" G_GUINT64_FORMAT
                " lincheck %g installed %g recovered %g lagging chunks %g\n", faults[f], seed, bad, lin, installed,
                recovered, lagging);
      CU_ASSERT_PTR_NULL(sim_failure(sc->sim));
      CU_ASSERT_EQUAL(bad, 0);
      CU_ASSERT_EQUAL(lin, 1);
      CU_ASSERT_TRUE(sim_stats(sc->sim)->ok > 0);
      CU_ASSERT_TRUE(installed >= 1);
      CU_ASSERT_TRUE(recovered >= 1);
      CU_ASSERT_TRUE(lagging >= 1);
    }
}

void suite_zk_snap(void)
{
  CU_pSuite s = CU_add_suite("zk_snap", NULL, NULL);
  CU_add_test(s, "snapshot values packed as varints into words and read back", test_packing);
  CU_add_test(s, "data tree round trip: tree -> words -> tree answers and packs the same", test_tree_round_trip);
  CU_add_test(s, "data tree: words that encode no tree are refused", test_tree_refuses_garbage);
  CU_add_test(s, "machine: a replica restored at any entry then applying the rest ends like a full replay",
              test_restored_replica_catches_up);
  CU_add_test(s, "machine: words that are no snapshot are refused, state unchanged", test_machine_refuses_garbage);
  CU_add_test(s, "zk_snapshot.lua: InstallSnapshot under each network fault, invariants hold",
              test_scenario_under_faults);
}
