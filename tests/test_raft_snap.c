/* Raft snapshots and log compaction (models/raft/raft_snapshot.c; paper
 * §7, Figure 13): the log's offset arithmetic after compaction, Figure 13's
 * keep-or-discard rule, recovery from snapshot records plus later entries,
 * the chunk arithmetic, the key-value machine's snapshot round trip and
 * its duplicate filter, a one-server cluster that compacts, crashes and
 * recovers, the setup error for a machine that cannot snapshot, and whole
 * clusters under each network fault and crashes
 * (scenarios/raft_snapshot.lua). */
#include "models/raft/raft.h"
#include "models/registry.h"
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>

/* An entry of `term` writing `value` to key 1 with op id `op`. */
static RaftEntry write_entry(int64_t term, int64_t value, uint64_t op)
{
  RaftKvCmd cmd = { .kind = RAFT_WRITE, .has_key = TRUE, .key = 1, .a = value, .op = op };
  RaftEntry e = { .term = term };
  raft_cmd_pack(&cmd, &e.cmd[0], &e.cmd[1], &e.cmd[2]);
  return e;
}

/* A state whose log holds entries of the given terms (entry i writes i
 * with op id i). */
static void build(RaftState *s, const int64_t *terms, guint n)
{
  raft_state_init(s);
  for (guint i = 0; i < n; i++) {
    RaftEntry e = write_entry(terms[i], (int64_t) i + 1, i + 1);
    RaftAppendResult r;
    raft_append_entries(s, raft_last_index(s), &e, 1, &r);
  }
  s->currentTerm = n ? terms[n - 1] : 0;
}

/* Snapshot words for s up to `index`: its chain there, then `extra`. */
static GArray *words_at(const RaftState *s, int64_t index, int64_t extra)
{
  GArray *w = g_array_new(FALSE, FALSE, sizeof(int64_t));
  int64_t chain = raft_chain_at(s, index);
  g_array_append_val(w, chain);
  g_array_append_val(w, extra);
  return w;
}

static const int64_t terms10[] = { 1, 1, 1, 2, 2, 2, 3, 3, 3, 3 };

/* After compaction at 6 the log answers for 7..10 exactly as before, knows
 * the term and chain at 6 and nothing below. */
static void test_offset_arithmetic(void)
{
  RaftState s, whole;
  build(&s, terms10, 10);
  build(&whole, terms10, 10);
  g_autoptr(GArray) w = words_at(&s, 6, 42);
  CU_ASSERT_TRUE(raft_snapshot_compact(&s, 6, 2, w));
  CU_ASSERT_EQUAL(s.lastIncludedIndex, 6);
  CU_ASSERT_EQUAL(s.lastIncludedTerm, 2);
  CU_ASSERT_EQUAL(s.lastIncludedChain, raft_entry_at(&whole, 6)->chain);
  CU_ASSERT_EQUAL(s.log->len, 4);
  CU_ASSERT_EQUAL(raft_last_index(&s), 10);
  CU_ASSERT_EQUAL(raft_last_term(&s), 3);
  CU_ASSERT_EQUAL(s.commitIndex, 6);
  CU_ASSERT_EQUAL(s.lastApplied, 6);
  CU_ASSERT_PTR_NULL(raft_entry_at(&s, 6));
  CU_ASSERT_PTR_NULL(raft_entry_at(&s, 1));
  CU_ASSERT_PTR_NULL(raft_entry_at(&s, 11));
  for (int64_t i = 7; i <= 10; i++) {
    CU_ASSERT_EQUAL(raft_entry_at(&s, i)->chain, raft_entry_at(&whole, i)->chain);
    CU_ASSERT_EQUAL(raft_term_at(&s, i), raft_term_at(&whole, i));
  }
  CU_ASSERT_EQUAL(raft_term_at(&s, 6), 2);
  CU_ASSERT_EQUAL(raft_term_at(&s, 5), -1);
  CU_ASSERT_EQUAL(raft_term_at(&s, 0), 0);
  CU_ASSERT_EQUAL(raft_chain_at(&s, 5), -1);
  CU_ASSERT_EQUAL(raft_chain_at(&s, 0), 0);
  /* Consistency: at the snapshot's index by its term; below it always
   * (compacted entries are committed); above as before. */
  CU_ASSERT_TRUE(raft_append_consistent(&s, 6, 2));
  CU_ASSERT_FALSE(raft_append_consistent(&s, 6, 1));
  CU_ASSERT_TRUE(raft_append_consistent(&s, 3, 99));
  CU_ASSERT_TRUE(raft_append_consistent(&s, 8, 3));
  CU_ASSERT_FALSE(raft_append_consistent(&s, 11, 3));
  /* An old AppendEntries reaching below the snapshot: compacted entries
   * are skipped, equal ones kept, a conflict at 9 truncated there, and the
   * chain continues from the snapshot's. */
  RaftEntry es[5];
  for (int k = 0; k < 5; k++)
    es[k] = *raft_entry_at(&whole, 5 + k);
  RaftAppendResult r;
  raft_append_entries(&s, 4, es, 5, &r);
  CU_ASSERT_EQUAL(r.truncated_from, 0);
  CU_ASSERT_EQUAL(r.first_new, 0);
  CU_ASSERT_EQUAL(raft_last_index(&s), 10);
  es[4] = write_entry(4, 99, 99);
  raft_append_entries(&s, 4, es, 5, &r);
  CU_ASSERT_EQUAL(r.truncated_from, 9);
  CU_ASSERT_EQUAL(r.first_new, 9);
  CU_ASSERT_EQUAL(raft_last_index(&s), 9);
  CU_ASSERT_EQUAL(raft_entry_at(&s, 9)->chain, raft_chain(raft_entry_at(&whole, 8)->chain, &es[4]));
  /* Up-to-date and the conflict hint see through the offset. */
  CU_ASSERT_TRUE(raft_log_up_to_date(&s, 9, 4));
  CU_ASSERT_FALSE(raft_log_up_to_date(&s, 8, 3));
  CU_ASSERT_EQUAL(raft_conflict_hint(&s, 12), 10);
  CU_ASSERT_EQUAL(raft_conflict_hint(&s, 8), 7);
  /* Compacting everything leaves an empty log that still knows its last
   * index and term. */
  RaftState all;
  build(&all, terms10, 3);
  g_autoptr(GArray) w3 = words_at(&all, 3, 0);
  CU_ASSERT_TRUE(raft_snapshot_compact(&all, 3, 1, w3));
  CU_ASSERT_EQUAL(all.log->len, 0);
  CU_ASSERT_EQUAL(raft_last_index(&all), 3);
  CU_ASSERT_EQUAL(raft_last_term(&all), 1);
  RaftEntry next = write_entry(2, 4, 4);
  raft_append_entries(&all, 3, &next, 1, &r);
  CU_ASSERT_EQUAL(r.first_new, 4);
  RaftState all_whole;
  build(&all_whole, terms10, 4);
  CU_ASSERT_EQUAL(raft_entry_at(&all, 4)->chain, raft_entry_at(&all_whole, 4)->chain);
  raft_state_clear(&all);
  raft_state_clear(&all_whole);
  raft_state_clear(&s);
  raft_state_clear(&whole);
}

/* Figure 13 steps 6–7: the log after lii stays only if it holds lii's
 * entry; a snapshot not past lastIncludedIndex changes nothing. */
static void test_install_keep_or_discard(void)
{
  RaftState s;
  build(&s, terms10, 10);
  g_autoptr(GArray) w = words_at(&s, 8, 7);
  /* Another term at 8: the whole log goes. */
  CU_ASSERT_TRUE(raft_snapshot_compact(&s, 8, 5, w));
  CU_ASSERT_EQUAL(s.log->len, 0);
  CU_ASSERT_EQUAL(raft_last_index(&s), 8);
  CU_ASSERT_EQUAL(raft_last_term(&s), 5);
  CU_ASSERT_PTR_EQUAL(s.snapshot, w);
  /* Stale or empty snapshots are refused. */
  CU_ASSERT_FALSE(raft_snapshot_compact(&s, 8, 5, w));
  CU_ASSERT_FALSE(raft_snapshot_compact(&s, 3, 1, w));
  g_autoptr(GArray) empty = g_array_new(FALSE, FALSE, sizeof(int64_t));
  CU_ASSERT_FALSE(raft_snapshot_compact(&s, 9, 5, empty));
  /* Past the end of the log: everything goes, the log continues at 21. */
  CU_ASSERT_TRUE(raft_snapshot_compact(&s, 20, 6, w));
  CU_ASSERT_EQUAL(raft_last_index(&s), 20);
  CU_ASSERT_EQUAL(s.commitIndex, 20);
  raft_state_clear(&s);
  /* The same term at lii: the entries after it stay. */
  build(&s, terms10, 10);
  CU_ASSERT_TRUE(raft_snapshot_compact(&s, 8, 3, w));
  CU_ASSERT_EQUAL(s.log->len, 2);
  CU_ASSERT_EQUAL(raft_last_index(&s), 10);
  raft_state_clear(&s);
}

/* Records as raft_snapshot.c writes them: raft_snap_data {off, w0..w5}
 * then raft_snapshot {index, term, chain, len}. */
static guint snapshot_records(SimMsg *out, int64_t index, int64_t term, const GArray *w)
{
  static const char *const names[] = { "w0", "w1", "w2", "w3", "w4", "w5" };
  guint n = 0;
  for (guint off = 0; off < w->len; off += RAFT_SNAP_RECORD_WORDS) {
    out[n] = sim_record("raft_snap_data");
    sim_msg_set(&out[n], "off", off);
    for (guint k = 0; k < RAFT_SNAP_RECORD_WORDS && off + k < w->len; k++)
      sim_msg_set(&out[n], names[k], g_array_index(w, int64_t, off + k));
    n++;
  }
  out[n] = sim_record("raft_snapshot");
  sim_msg_set(&out[n], "index", index);
  sim_msg_set(&out[n], "term", term);
  sim_msg_set(&out[n], "chain", g_array_index(w, int64_t, 0));
  sim_msg_set(&out[n], "len", w->len);
  return n + 1;
}

static void recover_from(RaftState *s, SimMsg *recs, guint n)
{
  raft_state_init(s);
  const SimMsg **ptrs = g_new(const SimMsg *, n);
  for (guint i = 0; i < n; i++)
    ptrs[i] = &recs[i];
  raft_recover(s, ptrs, n);
  g_free(ptrs);
}

/* A restart recovers the last complete snapshot and the entries after it
 * (a truncation among them included), with the same chains as the log it
 * had; a snapshot whose words are incomplete is ignored. */
static void test_recover_snapshot(void)
{
  RaftState whole;
  build(&whole, terms10, 10);
  /* 13 words: three data records (6 + 6 + 1). */
  g_autoptr(GArray) w = words_at(&whole, 6, 0);
  for (int64_t k = 0; k < 11; k++)
    g_array_append_val(w, k);
  SimMsg recs[32];
  guint n = 0;
  for (int64_t i = 1; i <= 8; i++)
    recs[n++] = raft_entry_record(i, raft_entry_at(&whole, i));
  guint snap_at = n;
  n += snapshot_records(&recs[n], 6, 2, w);
  CU_ASSERT_EQUAL(n - snap_at, 4);
  for (int64_t i = 9; i <= 10; i++)
    recs[n++] = raft_entry_record(i, raft_entry_at(&whole, i));
  recs[n] = sim_record("raft_trunc");
  sim_msg_set(&recs[n++], "from", 10);
  RaftState s;
  recover_from(&s, recs, n);
  CU_ASSERT_EQUAL(s.lastIncludedIndex, 6);
  CU_ASSERT_EQUAL(s.lastIncludedTerm, 2);
  CU_ASSERT_EQUAL(s.commitIndex, 6);
  CU_ASSERT_EQUAL(s.lastApplied, 6);
  CU_ASSERT_EQUAL(raft_last_index(&s), 9);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s.snapshot);
  CU_ASSERT_EQUAL(s.snapshot->len, w->len);
  CU_ASSERT_EQUAL(memcmp(s.snapshot->data, w->data, w->len * sizeof(int64_t)), 0);
  for (int64_t i = 7; i <= 9; i++)
    CU_ASSERT_EQUAL(raft_entry_at(&s, i)->chain, raft_entry_at(&whole, i)->chain);
  raft_state_clear(&s);
  /* Without its last data record the snapshot is not complete: the log is
   * recovered whole. */
  SimMsg cut[32];
  guint m = 0;
  for (guint i = 0; i < n; i++)
    if (i != snap_at + 2)
      cut[m++] = recs[i];
  recover_from(&s, cut, m);
  CU_ASSERT_EQUAL(s.lastIncludedIndex, 0);
  CU_ASSERT_EQUAL(raft_last_index(&s), 9);
  CU_ASSERT_EQUAL(s.commitIndex, 0);
  raft_state_clear(&s);
  /* A later snapshot (an installed one, past the log) supersedes it. */
  g_autoptr(GArray) later = g_array_new(FALSE, FALSE, sizeof(int64_t));
  int64_t chain = 12345;
  g_array_append_val(later, chain);
  n += snapshot_records(&recs[n], 15, 4, later);
  recover_from(&s, recs, n);
  CU_ASSERT_EQUAL(s.lastIncludedIndex, 15);
  CU_ASSERT_EQUAL(s.lastIncludedChain, 12345);
  CU_ASSERT_EQUAL(raft_last_index(&s), 15);
  CU_ASSERT_EQUAL(s.log->len, 0);
  raft_state_clear(&s);
  raft_state_clear(&whole);
}

/* Chunks of RAFT_SNAP_CHUNK_WORDS (3) words; done on the last. */
static void test_chunks(void)
{
  CU_ASSERT_EQUAL(raft_snapshot_chunks(0), 0);
  CU_ASSERT_EQUAL(raft_snapshot_chunks(1), 1);
  CU_ASSERT_EQUAL(raft_snapshot_chunks(3), 1);
  CU_ASSERT_EQUAL(raft_snapshot_chunks(4), 2);
  CU_ASSERT_EQUAL(raft_snapshot_chunks(7), 3);
  CU_ASSERT_TRUE(raft_snapshot_chunk_done(7, 6));
  CU_ASSERT_FALSE(raft_snapshot_chunk_done(7, 3));
  CU_ASSERT_TRUE(raft_snapshot_chunk_done(6, 3));
  CU_ASSERT_FALSE(raft_snapshot_chunk_done(6, 0));
  CU_ASSERT_TRUE(raft_snapshot_chunk_done(1, 0));
  /* Recovery reads records only in order: one out of place is dropped. */
  g_autoptr(GArray) saving = g_array_new(FALSE, FALSE, sizeof(int64_t));
  SimMsg r = sim_record("raft_snap_data");
  sim_msg_set(&r, "off", 6);
  sim_msg_set(&r, "w0", 1);
  raft_snapshot_record_words(&r, saving);
  CU_ASSERT_EQUAL(saving->len, 0);
  sim_msg_set(&r, "off", 0);
  raft_snapshot_record_words(&r, saving);
  CU_ASSERT_EQUAL(saving->len, 1);
}

/* Applies a kv command with op id `op` to machine m. */
static void kv_apply_cmd(void *m, RaftCmdKind kind, int64_t key, int64_t a, int64_t b, uint64_t op)
{
  RaftKvCmd cmd = { .kind = kind, .has_key = TRUE, .key = key, .a = a, .b = b, .op = op };
  RaftEntry e = { .term = 1 };
  raft_cmd_pack(&cmd, &e.cmd[0], &e.cmd[1], &e.cmd[2]);
  raft_kv_machine.apply(NULL, m, (int64_t) op, &e);
}

static GArray *kv_words(void *m)
{
  GArray *w = g_array_new(FALSE, FALSE, sizeof(int64_t));
  raft_kv_machine.snapshot(m, w);
  return w;
}

static gboolean same_words(const GArray *a, const GArray *b)
{
  return a->len == b->len && memcmp(a->data, b->data, a->len * sizeof(int64_t)) == 0;
}

/* The key-value machine's snapshot holds the map and the applied op ids:
 * restored elsewhere it gives the same words, and an op applied before the
 * snapshot is not applied again after the restore (thesis §6.3). Words
 * that are not a snapshot are refused and change nothing. */
static void test_kv_snapshot_roundtrip(void)
{
  void *a = raft_kv_machine.create(NULL, NULL), *b = raft_kv_machine.create(NULL, NULL);
  kv_apply_cmd(a, RAFT_WRITE, 3, 30, 0, 1);
  kv_apply_cmd(a, RAFT_WRITE, -2, 7, 0, 2);
  kv_apply_cmd(a, RAFT_CAS, 3, 30, 31, 3);
  kv_apply_cmd(a, RAFT_CAS, 3, 99, 5, 4); /* fails: 31 is there */
  kv_apply_cmd(a, RAFT_READ, 3, 0, 0, 5);
  g_autoptr(GArray) wa = kv_words(a);
  /* 2 keys (2 words each) and 5 ops (3 words each) with their counts. */
  CU_ASSERT_EQUAL(wa->len, 1 + 4 + 1 + 15);
  CU_ASSERT_TRUE(raft_kv_machine.restore(b, (const int64_t *) (void *) wa->data, wa->len));
  g_autoptr(GArray) wb = kv_words(b);
  CU_ASSERT_TRUE(same_words(wa, wb));
  /* Op 1 again (a retried write that reached the log twice): no effect. */
  kv_apply_cmd(b, RAFT_WRITE, 3, 30, 0, 1);
  g_autoptr(GArray) wb2 = kv_words(b);
  CU_ASSERT_TRUE(same_words(wa, wb2));
  /* A new op changes it. */
  kv_apply_cmd(b, RAFT_WRITE, 3, 50, 0, 6);
  g_autoptr(GArray) wb3 = kv_words(b);
  CU_ASSERT_FALSE(same_words(wa, wb3));
  /* Malformed words. */
  int64_t bad1[] = { 5, 1, 2 };
  int64_t bad2[] = { 0, 1, 7, 0 };
  int64_t bad3[] = { -1, 0 };
  CU_ASSERT_FALSE(raft_kv_machine.restore(b, bad1, 3));
  CU_ASSERT_FALSE(raft_kv_machine.restore(b, bad2, 4));
  CU_ASSERT_FALSE(raft_kv_machine.restore(b, bad3, 2));
  CU_ASSERT_FALSE(raft_kv_machine.restore(b, bad3, 0));
  g_autoptr(GArray) wb4 = kv_words(b);
  CU_ASSERT_TRUE(same_words(wb3, wb4));
  /* Empty machines snapshot to two zero counts and restore from them. */
  void *c = raft_kv_machine.create(NULL, NULL);
  g_autoptr(GArray) wc = kv_words(c);
  CU_ASSERT_EQUAL(wc->len, 2);
  CU_ASSERT_TRUE(raft_kv_machine.restore(b, (const int64_t *) (void *) wc->data, wc->len));
  raft_kv_machine.free(a);
  raft_kv_machine.free(b);
  raft_kv_machine.free(c);
}

/* A one-server `raft` cluster with snapshot_every = 3 compacts as it
 * commits; after a crash it recovers the same snapshot and the entries
 * after it, and goes on. */
static void test_one_server_compacts_and_recovers(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "peers", "a");
  g_hash_table_insert(params, "snapshot_every", "3");
  GError *error = NULL;
  int id = sim_add_node(sim, "a", sim_registry_find("raft"), params, &error);
  CU_ASSERT_EQUAL_FATAL(id, 0);
  CU_ASSERT_TRUE_FATAL(sim_resolve_nodes(sim, &error));
  sim_run(sim, SIM_S);
  SimNode *node = sim_node(sim, id);
  RaftServer *server = sim_node_data(node);
  CU_ASSERT_EQUAL_FATAL(raft_server_role(server), RAFT_LEADER);
  for (int64_t v = 1; v <= 7; v++) {
    RaftEntry e = write_entry(0, v, (uint64_t) v);
    CU_ASSERT_TRUE(raft_server_propose(node, server, e.cmd) > 0);
  }
  /* The no-op and 7 writes, each committed at once: snapshots at 3 and 6. */
  const RaftState *st = raft_server_state(server);
  CU_ASSERT_EQUAL(raft_last_index(st), 8);
  CU_ASSERT_EQUAL(st->lastIncludedIndex, 6);
  CU_ASSERT_EQUAL(st->log->len, 2);
  g_autoptr(GArray) before = g_array_copy(st->snapshot);
  int64_t chain8 = raft_entry_at(st, 8)->chain;
  sim_crash(sim, id);
  sim_restart(sim, id);
  server = sim_node_data(node);
  st = raft_server_state(server);
  CU_ASSERT_EQUAL(st->lastIncludedIndex, 6);
  CU_ASSERT_EQUAL(st->commitIndex, 6);
  CU_ASSERT_EQUAL(raft_last_index(st), 8);
  CU_ASSERT_EQUAL(raft_entry_at(st, 8)->chain, chain8);
  CU_ASSERT_TRUE(same_words(st->snapshot, before));
  sim_run(sim, 2 * SIM_S);
  /* Leader again; its no-op commits 7 and 8 (applied after the snapshot). */
  server = sim_node_data(node);
  st = raft_server_state(server);
  CU_ASSERT_EQUAL(raft_server_role(server), RAFT_LEADER);
  CU_ASSERT_EQUAL(raft_last_index(st), 9);
  CU_ASSERT_EQUAL(st->lastApplied, 9);
  CU_ASSERT_EQUAL(st->lastIncludedIndex, 9);
  double taken = 0;
  CU_ASSERT_TRUE(sim_metric_get(sim, "raft_snapshots_taken", &taken));
  CU_ASSERT_EQUAL(taken, 3);
  CU_ASSERT_EQUAL(sim_violations(sim, "log_matching"), 0);
  CU_ASSERT_EQUAL(sim_violations(sim, "state_machine_safety"), 0);
}

/* A machine without snapshot/restore: the
 * kv machine with them removed, set by the test. */
static RaftMachine unsnappable;
static void plain_start(SimNode *node) { raft_server_start(node, &unsnappable); }
static const SimParamSpec plain_params[] = { RAFT_SERVER_PARAMS, { NULL } };
static const SimModel plain_model = {
  .name = "raft.test_plain",
  .summary = "a Raft server whose machine cannot snapshot",
  .params = plain_params,
  .init = plain_start,
  .on_message = raft_server_on_message,
  .on_timer = raft_server_on_timer,
};

/* snapshot_every on such a machine is a setup error; 0 is fine. */
static void test_machine_without_snapshot(void)
{
  unsnappable = raft_kv_machine;
  unsnappable.snapshot = NULL;
  unsnappable.restore = NULL;
  const char *every[] = { "0", "5" };
  for (guint i = 0; i < 2; i++) {
    g_autoptr(Sim) sim = sim_new(1);
    g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(params, "peers", "a");
    g_hash_table_insert(params, "snapshot_every", (gpointer) every[i]);
    GError *error = NULL;
    CU_ASSERT_EQUAL_FATAL(sim_add_node(sim, "a", &plain_model, params, &error), 0);
    sim_run(sim, SIM_S);
    const char *failure = sim_failure(sim);
    if (i == 0) {
      CU_ASSERT_PTR_NULL(failure);
    } else {
      CU_ASSERT_PTR_NOT_NULL_FATAL(failure);
      CU_ASSERT_PTR_NOT_NULL(strstr(failure, "snapshot_every"));
    }
  }
}

/* scenarios/raft_snapshot.lua for 3 and 5 servers under each network
 * fault, crash-restarts and all combined, seeds 1-2: a follower down 1.5 s
 * catches up by InstallSnapshot, a restart recovers a snapshot, the
 * history is linearizable and the Raft invariants hold. */
static void test_clusters_under_faults(void)
{
  const char *faults[] = { "none", "loss", "duplicate", "reorder", "delay", "crash", "all" };
  const char *sizes[] = { "3", "5" };
  static const char *const invariants[] = {
    "linearizable", "raft_apply_agree", "election_safety", "log_matching", "leader_completeness",
    "state_machine_safety",
  };
  for (guint f = 0; f < G_N_ELEMENTS(faults); f++)
    for (guint n = 0; n < G_N_ELEMENTS(sizes); n++)
      for (uint64_t seed = 1; seed <= 2; seed++) {
        g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
        g_hash_table_insert(over, "fault", (gpointer) faults[f]);
        g_hash_table_insert(over, "servers", (gpointer) sizes[n]);
        ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
        GError *error = NULL;
        g_autoptr(Scenario) sc = scenario_run("scenarios/raft_snapshot.lua", seed, over, &opt, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        double lin = -2, installed = 0, recovered = 0, lagging = 0;
        sim_metric_get(sc->sim, "raft_lincheck", &lin);
        sim_metric_get(sc->sim, "raft_snapshots_installed", &installed);
        sim_metric_get(sc->sim, "recovered_from_snapshot", &recovered);
        sim_metric_get(sc->sim, "lagging_chunks", &lagging);
        guint64 bad = 0;
        for (guint k = 0; k < G_N_ELEMENTS(invariants); k++)
          bad += sim_violations(sc->sim, invariants[k]);
        if (lin != 1 || installed < 1 || recovered < 1 || lagging < 1 || bad)
          fprintf(stderr, "\nraft_snapshot fault=%s servers=%s seed %" G_GUINT64_FORMAT
                  ": lincheck %g installed %g recovered %g lagging chunks %g violations %" G_GUINT64_FORMAT "\n",
                  faults[f], sizes[n], seed, lin, installed, recovered, lagging, bad);
        CU_ASSERT_TRUE(sim_stats(sc->sim)->ok > 0);
        CU_ASSERT_EQUAL(lin, 1);
        CU_ASSERT_TRUE(installed >= 1);
        CU_ASSERT_TRUE(recovered >= 1);
        CU_ASSERT_TRUE(lagging >= 1);
        CU_ASSERT_EQUAL(bad, 0);
      }
}

void suite_raft_snap(void)
{
  CU_pSuite s = CU_add_suite("raft_snap", NULL, NULL);
  CU_add_test(s, "compaction: offset arithmetic of the log and its rules", test_offset_arithmetic);
  CU_add_test(s, "Figure 13: keep the log after lii only if it holds lii's entry", test_install_keep_or_discard);
  CU_add_test(s, "recovery: last complete snapshot + later entries", test_recover_snapshot);
  CU_add_test(s, "InstallSnapshot chunk arithmetic", test_chunks);
  CU_add_test(s, "kv machine: snapshot round trip and duplicate filter", test_kv_snapshot_roundtrip);
  CU_add_test(s, "one server: compacts, crashes, recovers", test_one_server_compacts_and_recovers);
  CU_add_test(s, "snapshot_every on a machine without snapshot: setup error", test_machine_without_snapshot);
  CU_add_test(s, "clusters of 3 and 5 under each network fault and crashes", test_clusters_under_faults);
}
