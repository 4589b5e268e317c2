/* ZooKeeper's data tree (models/zk/zk_tree.c) on its own: sessions and
 * the deletion of their ephemeral nodes when they expire, sequential
 * names from the parent's counter, versions and the conditional writes,
 * ZooKeeper's error codes, one-shot watches firing in order, the
 * getChildren summary the recipes use; and the packing of transactions
 * into a Raft entry's words (zk_txn.c). */
#include "models/zk/zk.h"
#include <CUnit/CUnit.h>

static ZkPath P(int64_t dir, int64_t name) { return (ZkPath) { dir, name }; }

static GArray *events_new(void) { return g_array_new(FALSE, FALSE, sizeof(ZkWatchEvent)); }

static const ZkWatchEvent *ev_at(const GArray *evs, guint i) { return &g_array_index(evs, ZkWatchEvent, i); }

static void test_errors_and_versions(void)
{
  ZkTree *t = zk_tree_new();
  int64_t name = -1;
  ZkStat st;
  /* Nothing works without an open session. */
  CU_ASSERT_EQUAL(zk_tree_create(t, 1, 7, P(1, 0), 5, 0, &name, NULL), ZK_SESSIONEXPIRED);
  CU_ASSERT_TRUE(zk_tree_session_open(t, 7, 100 * SIM_MS));
  CU_ASSERT_FALSE(zk_tree_session_open(t, 7, 100 * SIM_MS)); /* never reused */
  /* "/1/2" needs "/1". */
  CU_ASSERT_EQUAL(zk_tree_create(t, 2, 7, P(1, 2), 5, 0, &name, NULL), ZK_NONODE);
  CU_ASSERT_EQUAL(zk_tree_create(t, 3, 7, P(1, 0), 5, 0, &name, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_create(t, 4, 7, P(1, 0), 6, 0, &name, NULL), ZK_NODEEXISTS);
  CU_ASSERT_EQUAL(zk_tree_create(t, 5, 7, P(1, 2), 9, 0, &name, NULL), ZK_OK);
  CU_ASSERT_EQUAL(name, 2);
  CU_ASSERT_EQUAL(zk_tree_create(t, 6, 7, P(-1, 0), 9, 0, &name, NULL), ZK_BADARGUMENTS);
  CU_ASSERT_EQUAL(zk_tree_create(t, 6, 7, P(1, ZK_PATH_MAX + 1), 9, 0, &name, NULL), ZK_BADARGUMENTS);
  /* Stat: czxid and mzxid are the creating zxid, version 0. */
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 2), &st), ZK_OK);
  CU_ASSERT_EQUAL(st.data, 9);
  CU_ASSERT_EQUAL(st.czxid, 5);
  CU_ASSERT_EQUAL(st.mzxid, 5);
  CU_ASSERT_EQUAL(st.version, 0);
  CU_ASSERT_EQUAL(st.owner, 0);
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 0), &st), ZK_OK);
  CU_ASSERT_EQUAL(st.nchildren, 1);
  CU_ASSERT_EQUAL(st.cversion, 1);
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 3), &st), ZK_NONODE);
  /* setData with the right version, then a stale one. */
  CU_ASSERT_EQUAL(zk_tree_set_data(t, 7, 7, P(1, 2), 10, 0, &st, NULL), ZK_OK);
  CU_ASSERT_EQUAL(st.version, 1);
  CU_ASSERT_EQUAL(st.mzxid, 7);
  CU_ASSERT_EQUAL(st.czxid, 5);
  CU_ASSERT_EQUAL(zk_tree_set_data(t, 8, 7, P(1, 2), 11, 0, &st, NULL), ZK_BADVERSION);
  CU_ASSERT_EQUAL(zk_tree_set_data(t, 8, 7, P(1, 2), 11, -1, &st, NULL), ZK_OK);
  CU_ASSERT_EQUAL(st.version, 2);
  CU_ASSERT_EQUAL(zk_tree_set_data(t, 9, 7, P(1, 5), 1, -1, NULL, NULL), ZK_NONODE);
  /* A directory with children cannot go; a stale version cannot delete. */
  CU_ASSERT_EQUAL(zk_tree_delete(t, 10, 7, P(1, 0), -1, NULL), ZK_NOTEMPTY);
  CU_ASSERT_EQUAL(zk_tree_delete(t, 10, 7, P(1, 2), 1, NULL), ZK_BADVERSION);
  CU_ASSERT_EQUAL(zk_tree_delete(t, 10, 7, P(1, 2), 2, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_delete(t, 11, 7, P(1, 2), -1, NULL), ZK_NONODE);
  CU_ASSERT_EQUAL(zk_tree_delete(t, 11, 7, P(1, 0), -1, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_size(t), 0);
  /* An ephemeral node has no children. */
  CU_ASSERT_EQUAL(zk_tree_create(t, 12, 7, P(2, 0), 0, ZK_EPHEMERAL, &name, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_create(t, 13, 7, P(2, 1), 0, 0, &name, NULL), ZK_NOCHILDRENFOREPHEMERALS);
  CU_ASSERT_EQUAL(zk_tree_create(t, 13, 7, P(2, 0), 0, ZK_SEQUENTIAL, &name, NULL), ZK_NOCHILDRENFOREPHEMERALS);
  zk_tree_free(t);
}

static void test_sequential_names(void)
{
  ZkTree *t = zk_tree_new();
  zk_tree_session_open(t, 1, SIM_S);
  zk_tree_session_open(t, 2, SIM_S);
  int64_t name = 0, count, first, pred;
  CU_ASSERT_EQUAL(zk_tree_create(t, 3, 1, P(5, 0), 0, 0, &name, NULL), ZK_OK);
  CU_ASSERT_EQUAL(name, 0);
  /* Names come from the parent's cversion (+1: name 0 is the directory),
   * whatever name was given; every create and delete of a child moves it. */
  int64_t want[] = { 1, 2, 3 };
  for (guint i = 0; i < 3; i++) {
    CU_ASSERT_EQUAL(zk_tree_create(t, 4 + i, 1 + i % 2, P(5, 77), 0, ZK_SEQUENTIAL | ZK_EPHEMERAL, &name, NULL), ZK_OK);
    CU_ASSERT_EQUAL(name, want[i]);
  }
  CU_ASSERT_EQUAL(zk_tree_delete(t, 7, 1, P(5, 2), -1, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_create(t, 8, 2, P(5, 0), 0, ZK_SEQUENTIAL, &name, NULL), ZK_OK);
  CU_ASSERT_EQUAL(name, 5); /* cversion 4: three creates and a delete */
  /* A plain create may take a name the counter reaches later. */
  CU_ASSERT_EQUAL(zk_tree_create(t, 9, 2, P(5, 7), 0, 0, &name, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_create(t, 10, 2, P(5, 0), 0, ZK_SEQUENTIAL, &name, NULL), ZK_NODEEXISTS);
  /* Children 1 3 5 7: the count, the smallest, the predecessor. */
  CU_ASSERT_EQUAL(zk_tree_children(t, 5, 5, &count, &first, &pred), ZK_OK);
  CU_ASSERT_EQUAL(count, 4);
  CU_ASSERT_EQUAL(first, 1);
  CU_ASSERT_EQUAL(pred, 3);
  CU_ASSERT_EQUAL(zk_tree_children(t, 5, 1, &count, &first, &pred), ZK_OK);
  CU_ASSERT_EQUAL(pred, 0);
  CU_ASSERT_EQUAL(zk_tree_children(t, 5, 100, &count, &first, &pred), ZK_OK);
  CU_ASSERT_EQUAL(pred, 7);
  CU_ASSERT_EQUAL(zk_tree_children(t, 6, 1, &count, &first, &pred), ZK_NONODE);
  zk_tree_free(t);
}

static void test_session_expiry(void)
{
  ZkTree *t = zk_tree_new();
  zk_tree_session_open(t, 3, SIM_S);
  zk_tree_session_open(t, 9, 2 * SIM_S);
  CU_ASSERT_EQUAL(zk_tree_session_timeout(t, 9), 2 * SIM_S);
  int64_t name;
  zk_tree_create(t, 10, 3, P(1, 0), 0, 0, &name, NULL);
  zk_tree_create(t, 11, 3, P(1, 0), 0, ZK_SEQUENTIAL | ZK_EPHEMERAL, &name, NULL);
  zk_tree_create(t, 12, 9, P(1, 0), 0, ZK_SEQUENTIAL | ZK_EPHEMERAL, &name, NULL);
  zk_tree_create(t, 13, 3, P(2, 0), 0, ZK_EPHEMERAL, &name, NULL);
  zk_tree_create(t, 14, 3, P(1, 50), 0, ZK_EPHEMERAL, &name, NULL);
  ZkStat st;
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(2, 0), &st), ZK_OK);
  CU_ASSERT_EQUAL(st.owner, 3);
  /* Watches on what expiry deletes fire; ones on other nodes do not. */
  zk_tree_watch(t, 9, P(1, 1), ZK_WATCH_DATA);
  zk_tree_watch(t, 9, P(1, 2), ZK_WATCH_DATA);
  zk_tree_watch(t, 9, P(1, 0), ZK_WATCH_CHILD);
  zk_tree_watch(t, 3, P(1, 2), ZK_WATCH_DATA); /* the expiring session's own: dropped */
  g_autoptr(GArray) evs = events_new();
  CU_ASSERT_EQUAL(zk_tree_session_close(t, 3, 20, evs), ZK_OK);
  CU_ASSERT_FALSE(zk_tree_session_alive(t, 3));
  CU_ASSERT_EQUAL(zk_tree_session_close(t, 3, 21, evs), ZK_SESSIONEXPIRED);
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 1), &st), ZK_NONODE);
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 50), &st), ZK_NONODE);
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(2, 0), &st), ZK_NONODE);
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 2), &st), ZK_OK); /* session 9's */
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 0), &st), ZK_OK); /* persistent */
  /* In path order: /1/1 deleted (data watch, then the child watch, which
   * is then gone), /1/50 (no watch left), /2. */
  CU_ASSERT_EQUAL(evs->len, 2);
  CU_ASSERT_EQUAL(ev_at(evs, 0)->session, 9);
  CU_ASSERT_EQUAL(ev_at(evs, 0)->event, ZK_EV_DELETED);
  CU_ASSERT_EQUAL(ev_at(evs, 0)->path.name, 1);
  CU_ASSERT_EQUAL(ev_at(evs, 1)->event, ZK_EV_CHILD);
  CU_ASSERT_EQUAL(ev_at(evs, 1)->path.dir, 1);
  CU_ASSERT_EQUAL(ev_at(evs, 1)->path.name, 0);
  CU_ASSERT_EQUAL(zk_tree_watch_count(t), 1); /* session 9 on /1/2 */
  /* A closed session can do nothing more. */
  CU_ASSERT_EQUAL(zk_tree_create(t, 22, 3, P(3, 0), 0, 0, &name, NULL), ZK_SESSIONEXPIRED);
  CU_ASSERT_EQUAL(zk_tree_set_data(t, 22, 3, P(1, 0), 0, -1, NULL, NULL), ZK_SESSIONEXPIRED);
  CU_ASSERT_EQUAL(zk_tree_delete(t, 22, 3, P(1, 2), -1, NULL), ZK_SESSIONEXPIRED);
  g_autoptr(GArray) open = zk_tree_sessions(t);
  CU_ASSERT_EQUAL(open->len, 1);
  CU_ASSERT_EQUAL(g_array_index(open, int64_t, 0), 9);
  /* Deleting an ephemeral by hand forgets it: the later expiry skips it. */
  CU_ASSERT_EQUAL(zk_tree_delete(t, 23, 9, P(1, 2), -1, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_create(t, 24, 9, P(1, 2), 0, 0, &name, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_session_close(t, 9, 25, NULL), ZK_OK);
  CU_ASSERT_EQUAL(zk_tree_stat(t, P(1, 2), &st), ZK_OK);
  zk_tree_free(t);
}

static void test_watches(void)
{
  ZkTree *t = zk_tree_new();
  zk_tree_session_open(t, 1, SIM_S);
  int64_t name;
  g_autoptr(GArray) evs = events_new();
  /* An exists watch on a missing node fires CREATED. Registering twice
   * leaves one watch; sessions fire in registration order. */
  zk_tree_watch(t, 4, P(1, 0), ZK_WATCH_DATA);
  zk_tree_watch(t, 2, P(1, 0), ZK_WATCH_DATA);
  zk_tree_watch(t, 4, P(1, 0), ZK_WATCH_DATA);
  CU_ASSERT_EQUAL(zk_tree_watch_count(t), 2);
  zk_tree_create(t, 2, 1, P(1, 0), 0, 0, &name, evs);
  CU_ASSERT_EQUAL(evs->len, 2);
  CU_ASSERT_EQUAL(ev_at(evs, 0)->session, 4);
  CU_ASSERT_EQUAL(ev_at(evs, 1)->session, 2);
  CU_ASSERT_EQUAL(ev_at(evs, 0)->event, ZK_EV_CREATED);
  /* One-shot: the next change fires nothing. */
  g_array_set_size(evs, 0);
  zk_tree_set_data(t, 3, 1, P(1, 0), 1, -1, NULL, evs);
  CU_ASSERT_EQUAL(evs->len, 0);
  /* A data watch fires CHANGED on setData, a child watch CHILD on a
   * create in its directory, each once, in the order of the changes. */
  zk_tree_watch(t, 4, P(1, 0), ZK_WATCH_DATA);
  zk_tree_watch(t, 4, P(1, 0), ZK_WATCH_CHILD);
  zk_tree_set_data(t, 4, 1, P(1, 0), 2, -1, NULL, evs);
  zk_tree_create(t, 5, 1, P(1, 9), 0, 0, &name, evs);
  zk_tree_create(t, 6, 1, P(1, 8), 0, 0, &name, evs);
  CU_ASSERT_EQUAL(evs->len, 2);
  CU_ASSERT_EQUAL(ev_at(evs, 0)->event, ZK_EV_CHANGED);
  CU_ASSERT_EQUAL(ev_at(evs, 1)->event, ZK_EV_CHILD);
  CU_ASSERT_EQUAL(ev_at(evs, 1)->path.dir, 1);
  /* delete fires DELETED on the node and CHILD on its directory; a failed
   * write fires nothing. */
  g_array_set_size(evs, 0);
  zk_tree_watch(t, 4, P(1, 9), ZK_WATCH_DATA);
  zk_tree_watch(t, 5, P(1, 0), ZK_WATCH_CHILD);
  zk_tree_set_data(t, 7, 1, P(1, 9), 0, 5, NULL, evs);
  CU_ASSERT_EQUAL(evs->len, 0);
  zk_tree_delete(t, 8, 1, P(1, 9), -1, evs);
  CU_ASSERT_EQUAL(evs->len, 2);
  CU_ASSERT_EQUAL(ev_at(evs, 0)->event, ZK_EV_DELETED);
  CU_ASSERT_EQUAL(ev_at(evs, 0)->session, 4);
  CU_ASSERT_EQUAL(ev_at(evs, 1)->event, ZK_EV_CHILD);
  CU_ASSERT_EQUAL(ev_at(evs, 1)->session, 5);
  /* Deleting a directory fires DELETED for its data and child watches. */
  g_array_set_size(evs, 0);
  zk_tree_delete(t, 9, 1, P(1, 8), -1, NULL);
  zk_tree_watch(t, 6, P(1, 0), ZK_WATCH_DATA);
  zk_tree_watch(t, 7, P(1, 0), ZK_WATCH_CHILD);
  zk_tree_delete(t, 10, 1, P(1, 0), -1, evs);
  CU_ASSERT_EQUAL(evs->len, 2);
  CU_ASSERT_EQUAL(ev_at(evs, 0)->event, ZK_EV_DELETED);
  CU_ASSERT_EQUAL(ev_at(evs, 1)->event, ZK_EV_DELETED);
  CU_ASSERT_EQUAL(ev_at(evs, 1)->session, 7);
  /* A session's watches go with its connection. */
  zk_tree_watch(t, 8, P(3, 0), ZK_WATCH_DATA);
  zk_tree_watch(t, 9, P(3, 0), ZK_WATCH_DATA);
  zk_tree_unwatch_session(t, 8);
  g_array_set_size(evs, 0);
  zk_tree_create(t, 11, 1, P(3, 0), 0, 0, &name, evs);
  CU_ASSERT_EQUAL(evs->len, 1);
  CU_ASSERT_EQUAL(ev_at(evs, 0)->session, 9);
  zk_tree_watch(t, 9, P(3, 0), ZK_WATCH_DATA);
  zk_tree_unwatch_all(t);
  CU_ASSERT_EQUAL(zk_tree_watch_count(t), 0);
  zk_tree_free(t);
}

static void test_txn_pack(void)
{
  ZkTxn in[] = {
    { .kind = ZK_TXN_CREATE, .session = ZK_SESSION_ID_MAX, .xid = INT32_MAX, .path = { ZK_PATH_MAX, 0 },
      .data = INT32_MIN, .arg = ZK_EPHEMERAL | ZK_SEQUENTIAL },
    { .kind = ZK_TXN_DELETE, .session = 5, .xid = 1, .path = { 0, ZK_PATH_MAX }, .arg = -1 },
    { .kind = ZK_TXN_SET_DATA, .session = 6, .xid = 2, .path = { 3, 4 }, .data = -7, .arg = 12 },
    { .kind = ZK_TXN_SESSION, .nonce = INT64_C(1) << 40, .timeout_ms = 20000 },
    { .kind = ZK_TXN_EXPIRE, .session = 77 },
    { .kind = ZK_TXN_SYNC, .session = 8, .xid = 9 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(in); i++) {
    CU_ASSERT_TRUE(zk_txn_packable(&in[i]));
    int64_t w[RAFT_CMD_WORDS];
    zk_txn_pack(&in[i], w);
    ZkTxn out;
    zk_txn_unpack(&out, w);
    CU_ASSERT_EQUAL(out.kind, in[i].kind);
    CU_ASSERT_EQUAL(out.session, in[i].session);
    CU_ASSERT_EQUAL(out.xid, in[i].xid);
    CU_ASSERT_EQUAL(out.path.dir, in[i].path.dir);
    CU_ASSERT_EQUAL(out.path.name, in[i].path.name);
    CU_ASSERT_EQUAL(out.data, in[i].data);
    CU_ASSERT_EQUAL(out.arg, in[i].arg);
    CU_ASSERT_EQUAL(out.nonce, in[i].nonce);
    CU_ASSERT_EQUAL(out.timeout_ms, in[i].timeout_ms);
  }
  /* The leader's no-op is all zero words. */
  int64_t zero[RAFT_CMD_WORDS] = { 0 };
  ZkTxn noop;
  zk_txn_unpack(&noop, zero);
  CU_ASSERT_EQUAL(noop.kind, ZK_TXN_NOOP);
  ZkTxn bad = { .kind = ZK_TXN_SET_DATA, .session = 1, .path = { 1, 0 }, .data = (int64_t) INT32_MAX + 1 };
  CU_ASSERT_FALSE(zk_txn_packable(&bad));
  bad = (ZkTxn) { .kind = ZK_TXN_CREATE, .session = ZK_SESSION_ID_MAX + 1 };
  CU_ASSERT_FALSE(zk_txn_packable(&bad));
}

void suite_zk_tree(void)
{
  CU_pSuite s = CU_add_suite("zk_tree", NULL, NULL);
  CU_add_test(s, "errors, stat, versions, conditional writes", test_errors_and_versions);
  CU_add_test(s, "sequential names from the parent's cversion; getChildren summary", test_sequential_names);
  CU_add_test(s, "session expiry deletes its ephemerals and fires their watches", test_session_expiry);
  CU_add_test(s, "watches: one-shot, ordered, data/exists/child, dropped with the session", test_watches);
  CU_add_test(s, "transactions packed into a Raft entry's words", test_txn_pack);
}
