/* Raft (models/raft): the rules of the paper's Figure 2 on hand-built
 * states — vote granting with the §5.4.1 up-to-date check, the
 * AppendEntries consistency check and conflict truncation (duplicates and
 * reordered messages included), the commit rule and its broken variant,
 * recovery from every kind of persisted record — then forced records
 * surviving a lose-unsynced fault on a live node, and whole clusters of 3
 * and 5 servers under each network fault (scenarios/raft_faults.lua). */
#include "models/raft/raft.h"
#include "models/registry.h"
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>

/* An entry of `term` holding the key-value write of `value` to key 1 with
 * op id `op`. */
static RaftEntry kv_entry(int64_t term, int64_t value, uint64_t op)
{
  RaftKvCmd cmd = { .kind = RAFT_WRITE, .has_key = TRUE, .key = 1, .a = value, .op = op };
  RaftEntry e = { .term = term };
  raft_cmd_pack(&cmd, &e.cmd[0], &e.cmd[1], &e.cmd[2]);
  return e;
}

/* A state whose log holds entries of the given terms (writes of their
 * index, op id = index), commitIndex 0. */
static void build(RaftState *s, int64_t current, const int64_t *terms, guint n)
{
  raft_state_init(s);
  s->currentTerm = current;
  for (guint i = 0; i < n; i++) {
    RaftEntry e = kv_entry(terms[i], (int64_t) i + 1, i + 1);
    RaftAppendResult r;
    raft_append_entries(s, raft_last_index(s), &e, 1, &r);
  }
}

static RaftEntry entry(int64_t term, int64_t value)
{
  return kv_entry(term, value, (uint64_t) (100 + value));
}

static void test_vote_granting(void)
{
  RaftState s;
  build(&s, 3, (int64_t[]) { 1, 2, 2 }, 3);
  /* A stale term never gets the vote. */
  CU_ASSERT_FALSE(raft_vote_granted(&s, 2, 7, 10, 9));
  /* Current term, no vote yet, log as up-to-date: granted. */
  CU_ASSERT_TRUE(raft_vote_granted(&s, 3, 7, 3, 2));
  /* Already voted for another: refused; for the same candidate (a
   * duplicated RequestVote): granted again. */
  s.votedFor = 5;
  CU_ASSERT_FALSE(raft_vote_granted(&s, 3, 7, 3, 2));
  CU_ASSERT_TRUE(raft_vote_granted(&s, 3, 5, 3, 2));
  s.votedFor = -1;
  /* Up-to-date: the later last term wins whatever the length... */
  CU_ASSERT_TRUE(raft_vote_granted(&s, 3, 7, 1, 3));
  CU_ASSERT_FALSE(raft_vote_granted(&s, 3, 7, 9, 1));
  /* ...with equal last terms the longer (or equal) log wins. */
  CU_ASSERT_FALSE(raft_vote_granted(&s, 3, 7, 2, 2));
  CU_ASSERT_TRUE(raft_vote_granted(&s, 3, 7, 4, 2));
  /* An empty log is up-to-date only against an empty log. */
  RaftState e;
  build(&e, 1, NULL, 0);
  CU_ASSERT_TRUE(raft_vote_granted(&e, 1, 2, 0, 0));
  CU_ASSERT_FALSE(raft_vote_granted(&s, 3, 7, 0, 0));
  /* A higher term must be adopted by the caller first. */
  CU_ASSERT_FALSE(raft_vote_granted(&s, 4, 7, 3, 2));
  raft_state_clear(&s);
  raft_state_clear(&e);
}

static void test_append_consistency(void)
{
  RaftState s;
  build(&s, 2, (int64_t[]) { 1, 1, 2 }, 3);
  CU_ASSERT_TRUE(raft_append_consistent(&s, 0, 0));
  CU_ASSERT_TRUE(raft_append_consistent(&s, 3, 2));
  CU_ASSERT_FALSE(raft_append_consistent(&s, 3, 1)); /* term differs */
  CU_ASSERT_FALSE(raft_append_consistent(&s, 4, 2)); /* past the end */
  /* Hints: past the end → last + 1; a term mismatch → the first index of
   * the follower's term there. */
  CU_ASSERT_EQUAL(raft_conflict_hint(&s, 7), 4);
  CU_ASSERT_EQUAL(raft_conflict_hint(&s, 2), 1);
  CU_ASSERT_EQUAL(raft_conflict_hint(&s, 3), 3);
  raft_state_clear(&s);
}

static void test_append_conflicts(void)
{
  RaftState s, same;
  build(&s, 2, (int64_t[]) { 1, 1, 2, 2 }, 4);
  build(&same, 2, (int64_t[]) { 1, 1, 2, 2 }, 4);
  /* Equal logs have equal chains; the chain depends on the command. */
  for (int64_t i = 1; i <= 4; i++)
    CU_ASSERT_EQUAL(raft_entry_at(&s, i)->chain, raft_entry_at(&same, i)->chain);
  CU_ASSERT_EQUAL(raft_entry_at(&s, 4)->chain & ~RAFT_CHAIN_MASK, 0);
  RaftEntry other = *raft_entry_at(&s, 1);
  other.cmd[2] = 99; /* the written value */
  CU_ASSERT_NOT_EQUAL(raft_chain(0, &other), raft_entry_at(&s, 1)->chain);
  int64_t chain4 = raft_entry_at(&s, 4)->chain;

  /* A matching prefix (a duplicate or an old AppendEntries) changes
   * nothing, and in particular does not cut the entries after it. */
  RaftAppendResult r;
  RaftEntry dup[2] = { *raft_entry_at(&s, 2), *raft_entry_at(&s, 3) };
  raft_append_entries(&s, 1, dup, 2, &r);
  CU_ASSERT_EQUAL(r.truncated_from, 0);
  CU_ASSERT_EQUAL(r.first_new, 0);
  CU_ASSERT_EQUAL(raft_last_index(&s), 4);
  CU_ASSERT_EQUAL(raft_entry_at(&s, 4)->chain, chain4);

  /* A conflicting suffix is removed from the first conflict on. */
  RaftEntry e3 = entry(3, 30);
  raft_append_entries(&s, 2, &e3, 1, &r);
  CU_ASSERT_EQUAL(r.truncated_from, 3);
  CU_ASSERT_EQUAL(r.first_new, 3);
  CU_ASSERT_FALSE(r.below_commit);
  CU_ASSERT_EQUAL(raft_last_index(&s), 3);
  CU_ASSERT_EQUAL(raft_term_at(&s, 3), 3);
  CU_ASSERT_EQUAL(raft_entry_at(&s, 3)->chain, raft_chain(raft_entry_at(&s, 2)->chain, &e3));

  /* The same message again (duplication): idempotent. */
  raft_append_entries(&s, 2, &e3, 1, &r);
  CU_ASSERT_EQUAL(r.truncated_from, 0);
  CU_ASSERT_EQUAL(r.first_new, 0);
  CU_ASSERT_EQUAL(raft_last_index(&s), 3);

  /* Reordering: entry 5 arriving before entry 4 fails the consistency
   * check (the follower replies with a hint), then both apply in order. */
  RaftEntry e4 = entry(3, 40), e5 = entry(3, 50);
  CU_ASSERT_FALSE(raft_append_consistent(&s, 4, 3));
  CU_ASSERT_EQUAL(raft_conflict_hint(&s, 4), 4);
  CU_ASSERT_TRUE(raft_append_consistent(&s, 3, 3));
  raft_append_entries(&s, 3, &e4, 1, &r);
  CU_ASSERT_TRUE(raft_append_consistent(&s, 4, 3));
  raft_append_entries(&s, 4, &e5, 1, &r);
  CU_ASSERT_EQUAL(r.first_new, 5);
  CU_ASSERT_EQUAL(raft_last_index(&s), 5);
  /* A late copy of entry 4 after 5 is in: nothing is cut. */
  raft_append_entries(&s, 3, &e4, 1, &r);
  CU_ASSERT_EQUAL(raft_last_index(&s), 5);
  CU_ASSERT_EQUAL(r.truncated_from, 0);

  /* A truncation at or below commitIndex (only a broken variant gets
   * there) is flagged. */
  s.commitIndex = 4;
  RaftEntry e4b = entry(4, 41);
  raft_append_entries(&s, 3, &e4b, 1, &r);
  CU_ASSERT_TRUE(r.below_commit);
  CU_ASSERT_EQUAL(r.truncated_from, 4);
  raft_state_clear(&s);
  raft_state_clear(&same);
}

static void test_commit_advance(void)
{
  RaftState s;
  /* Five servers, leader of term 3 with log terms 1 2 3 3. */
  build(&s, 3, (int64_t[]) { 1, 2, 3, 3 }, 4);
  CU_ASSERT_EQUAL(raft_commit_advance(&s, (int64_t[]) { 4, 3, 1, 0, 4 }, 5, FALSE), 3);
  CU_ASSERT_EQUAL(raft_commit_advance(&s, (int64_t[]) { 4, 4, 1, 0, 4 }, 5, FALSE), 4);
  /* No majority: unchanged. */
  CU_ASSERT_EQUAL(raft_commit_advance(&s, (int64_t[]) { 4, 0, 0, 0, 4 }, 5, FALSE), 0);
  s.commitIndex = 3;
  CU_ASSERT_EQUAL(raft_commit_advance(&s, (int64_t[]) { 4, 3, 3, 0, 4 }, 5, FALSE), 3);
  raft_state_clear(&s);

  /* Figure 8 (c): leader of term 4 whose log is 1 2; a majority holds
   * index 2 (of term 2). The correct rule does not commit it by counting;
   * the broken variant does. */
  build(&s, 4, (int64_t[]) { 1, 2 }, 2);
  s.commitIndex = 1;
  int64_t m[5] = { 2, 2, 1, 1, 2 };
  CU_ASSERT_EQUAL(raft_commit_advance(&s, m, 5, FALSE), 1);
  CU_ASSERT_EQUAL(raft_commit_advance(&s, m, 5, TRUE), 2);
  /* Once an entry of term 4 is on a majority, index 2 commits with it. */
  RaftEntry e = entry(4, 3);
  RaftAppendResult r;
  raft_append_entries(&s, 2, &e, 1, &r);
  CU_ASSERT_EQUAL(raft_commit_advance(&s, (int64_t[]) { 3, 3, 1, 1, 3 }, 5, FALSE), 3);
  raft_state_clear(&s);
}

static SimMsg rec(const char *type)
{
  return sim_record(type);
}

static void recover(RaftState *s, SimMsg *recs, guint n)
{
  raft_state_init(s);
  const SimMsg *ptrs[16];
  for (guint i = 0; i < n; i++)
    ptrs[i] = &recs[i];
  raft_recover(s, ptrs, n);
}

static void test_recover(void)
{
  RaftState s;
  /* Nothing persisted: a fresh server. */
  recover(&s, NULL, 0);
  CU_ASSERT_EQUAL(s.currentTerm, 0);
  CU_ASSERT_EQUAL(s.votedFor, -1);
  CU_ASSERT_EQUAL(raft_last_index(&s), 0);
  raft_state_clear(&s);

  /* Term only. */
  SimMsg t[3] = { rec("raft_term") };
  sim_msg_set(&t[0], "term", 5);
  recover(&s, t, 1);
  CU_ASSERT_EQUAL(s.currentTerm, 5);
  CU_ASSERT_EQUAL(s.votedFor, -1);
  raft_state_clear(&s);

  /* Term then vote; a later term clears the vote. */
  t[1] = rec("raft_vote");
  sim_msg_set(&t[1], "term", 6);
  sim_msg_set(&t[1], "vote", 2);
  recover(&s, t, 2);
  CU_ASSERT_EQUAL(s.currentTerm, 6);
  CU_ASSERT_EQUAL(s.votedFor, 2);
  raft_state_clear(&s);
  t[2] = rec("raft_term");
  sim_msg_set(&t[2], "term", 7);
  recover(&s, t, 3);
  CU_ASSERT_EQUAL(s.currentTerm, 7);
  CU_ASSERT_EQUAL(s.votedFor, -1);
  raft_state_clear(&s);

  /* Entries: the same log (and chains) as appending them. */
  RaftState want;
  build(&want, 2, (int64_t[]) { 1, 1, 2 }, 3);
  SimMsg es[8];
  for (int64_t i = 1; i <= 3; i++)
    es[i - 1] = raft_entry_record(i, raft_entry_at(&want, i));
  recover(&s, es, 3);
  CU_ASSERT_EQUAL(raft_last_index(&s), 3);
  for (int64_t i = 1; i <= 3; i++) {
    CU_ASSERT_EQUAL(raft_entry_at(&s, i)->chain, raft_entry_at(&want, i)->chain);
    CU_ASSERT_EQUAL(raft_entry_at(&s, i)->cmd[2], raft_entry_at(&want, i)->cmd[2]);
  }
  CU_ASSERT_EQUAL(s.commitIndex, 0);
  CU_ASSERT_EQUAL(s.lastApplied, 0);
  raft_state_clear(&s);

  /* A truncation, then a new entry 2 of term 5. */
  es[3] = rec("raft_trunc");
  sim_msg_set(&es[3], "from", 2);
  RaftEntry e2 = entry(5, 7);
  es[4] = raft_entry_record(2, &e2);
  recover(&s, es, 4);
  CU_ASSERT_EQUAL(raft_last_index(&s), 1);
  raft_state_clear(&s);
  recover(&s, es, 5);
  CU_ASSERT_EQUAL(raft_last_index(&s), 2);
  CU_ASSERT_EQUAL(raft_term_at(&s, 2), 5);
  CU_ASSERT_EQUAL(raft_entry_at(&s, 2)->chain, raft_chain(raft_entry_at(&want, 1)->chain, &e2));
  raft_state_clear(&s);
  /* An entry record alone overwrites what followed (as AppendEntries does). */
  es[3] = raft_entry_record(2, &e2);
  recover(&s, es, 4);
  CU_ASSERT_EQUAL(raft_last_index(&s), 2);
  CU_ASSERT_EQUAL(raft_term_at(&s, 2), 5);
  raft_state_clear(&s);
  raft_state_clear(&want);
}

static void test_cmd_pack(void)
{
  RaftKvCmd in[] = {
    { .kind = RAFT_NOOP },
    { .kind = RAFT_READ, .has_key = TRUE, .key = -3, .op = 9 },
    { .kind = RAFT_WRITE, .has_key = FALSE, .a = INT64_MIN, .op = 1 },
    { .kind = RAFT_CAS, .has_key = TRUE, .key = 2, .a = -1, .b = INT32_MAX, .op = (UINT64_C(1) << 59) - 1 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(in); i++) {
    int64_t c, k, v;
    raft_cmd_pack(&in[i], &c, &k, &v);
    RaftKvCmd out;
    raft_cmd_unpack(&out, c, k, v);
    CU_ASSERT_EQUAL(out.kind, in[i].kind);
    CU_ASSERT_EQUAL(out.has_key, in[i].has_key);
    CU_ASSERT_EQUAL(out.key, in[i].key);
    CU_ASSERT_EQUAL(out.a, in[i].a);
    CU_ASSERT_EQUAL(out.b, in[i].b);
    CU_ASSERT_EQUAL(out.op, in[i].op);
  }
  CU_ASSERT_FALSE(raft_cmd_packable(RAFT_CAS, (int64_t) INT32_MAX + 1, 0, 1));
  CU_ASSERT_FALSE(raft_cmd_packable(RAFT_WRITE, 0, 0, UINT64_C(1) << 59));
  CU_ASSERT_TRUE(raft_cmd_packable(RAFT_WRITE, INT64_MAX, 0, 5));
}

/* A one-server cluster elects itself and appends its no-op; every record
 * it wrote is forced, so a lose-unsynced fault and a restart keep them and
 * the restarted server recovers the same term and log. */
static void test_forced_records_survive(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "peers", "a");
  GError *error = NULL;
  int id = sim_add_node(sim, "a", sim_registry_find("raft"), params, &error);
  CU_ASSERT_EQUAL_FATAL(id, 0);
  CU_ASSERT_TRUE_FATAL(sim_resolve_nodes(sim, &error));
  sim_run(sim, SIM_S);
  SimNode *node = sim_node(sim, id);
  guint before = sim_log_length(node);
  CU_ASSERT_TRUE(before >= 2); /* the vote for itself, the no-op */
  sim_log_lose_unsynced(sim, id);
  CU_ASSERT_EQUAL(sim_log_length(node), before);
  RaftState s;
  raft_state_init(&s);
  raft_log_load(node, &s);
  CU_ASSERT_EQUAL(s.currentTerm, 1);
  CU_ASSERT_EQUAL(s.votedFor, id);
  CU_ASSERT_EQUAL(raft_last_index(&s), 1);
  raft_state_clear(&s);
  sim_crash(sim, id);
  sim_restart(sim, id);
  sim_run(sim, 2 * SIM_S);
  raft_state_init(&s);
  raft_log_load(node, &s);
  /* It restarted in term 1 and won term 2 with a second no-op. */
  CU_ASSERT_EQUAL(s.currentTerm, 2);
  CU_ASSERT_EQUAL(raft_last_index(&s), 2);
  CU_ASSERT_EQUAL(raft_term_at(&s, 1), 1);
  raft_state_clear(&s);
}

/* Whole clusters: 3 and 5 servers with three kv.raft clients under each
 * network fault on its own, crash-restarts, and all combined: the
 * clients make progress, the applied logs agree and lincheck passes. */
static void test_clusters_under_faults(void)
{
  const char *faults[] = { "none", "loss", "duplicate", "reorder", "delay", "crash", "all" };
  const char *sizes[] = { "3", "5" };
  for (guint f = 0; f < G_N_ELEMENTS(faults); f++)
    for (guint n = 0; n < G_N_ELEMENTS(sizes); n++)
      for (uint64_t seed = 1; seed <= 2; seed++) {
        g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
        g_hash_table_insert(over, "fault", (gpointer) faults[f]);
        g_hash_table_insert(over, "servers", (gpointer) sizes[n]);
        ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
        GError *error = NULL;
        g_autoptr(Scenario) sc = scenario_run("scenarios/raft_faults.lua", seed, over, &opt, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        double lin = -2, applied = 0;
        sim_metric_get(sc->sim, "raft_lincheck", &lin);
        sim_metric_get(sc->sim, "raft_applied_indices", &applied);
        if (sim_stats(sc->sim)->ok == 0 || lin != 1 || applied < 50
            || sim_violations(sc->sim, "raft_apply_agree") || sim_violations(sc->sim, "linearizable"))
          fprintf(stderr, "\nraft_faults fault=%s servers=%s seed %" G_GUINT64_FORMAT ": ok %" G_GUINT64_FORMAT
                  " lincheck %g applied %g\n", faults[f], sizes[n], seed, sim_stats(sc->sim)->ok, lin, applied);
        CU_ASSERT_TRUE(sim_stats(sc->sim)->ok > 0);
        CU_ASSERT_EQUAL(lin, 1);
        CU_ASSERT_TRUE(applied >= 50);
        CU_ASSERT_EQUAL(sim_violations(sc->sim, "raft_apply_agree"), 0);
        CU_ASSERT_EQUAL(sim_violations(sc->sim, "linearizable"), 0);
      }
}

/* Runs scenarios/raft_isolate.lua and returns metric `name` (-1 if absent). */
static double isolate_metric(uint64_t seed, const char *isolate, const char *prevote,
                             const char *check_quorum, const char *name)
{
  g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(over, "isolate", (gpointer) isolate);
  g_hash_table_insert(over, "prevote", (gpointer) prevote);
  g_hash_table_insert(over, "check_quorum", (gpointer) check_quorum);
  ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run("scenarios/raft_isolate.lua", seed, over, &opt, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  double v = -1;
  sim_metric_get(sc->sim, name, &v);
  CU_ASSERT_EQUAL(sim_violations(sc->sim, "raft_apply_agree"), 0);
  CU_ASSERT_EQUAL(sim_violations(sc->sim, "linearizable"), 0);
  return v;
}

/* Thesis §9.6 and §6.2: a follower cut off for 2 s deposes the leader when
 * it returns unless PreVote kept its term; a leader cut off from the
 * majority steps down by itself only with CheckQuorum. */
static void test_prevote_check_quorum(void)
{
  for (uint64_t seed = 1; seed <= 3; seed++) {
    CU_ASSERT_TRUE(isolate_metric(seed, "follower", "false", "false", "raft_leaders_elected") >= 2);
    CU_ASSERT_EQUAL(isolate_metric(seed, "follower", "true", "false", "raft_leaders_elected"), 1);
    CU_ASSERT_EQUAL(isolate_metric(seed, "leader", "false", "false", "raft_check_quorum_stepdowns"), 0);
    CU_ASSERT_EQUAL(isolate_metric(seed, "leader", "true", "true", "raft_check_quorum_stepdowns"), 1);
  }
}

/* Figure 2 persists votedFor: a server that voted in a term, crashed and
 * restarted must not vote again in it. scenarios/raft_volatile_vote.lua
 * schedules exactly that; raft keeps one leader per term, the
 * raft.volatile_vote variant elects two in term 1. */
static void test_volatile_vote_two_leaders(void)
{
  const char *models[] = { "raft", "raft.volatile_vote" };
  for (uint64_t seed = 1; seed <= 3; seed++)
    for (guint m = 0; m < G_N_ELEMENTS(models); m++) {
      g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
      g_hash_table_insert(over, "model", (gpointer) models[m]);
      ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
      GError *error = NULL;
      g_autoptr(Scenario) sc = scenario_run("scenarios/raft_volatile_vote.lua", seed, over, &opt, &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
      guint64 v = sim_violations(sc->sim, "election_safety");
      CU_ASSERT_TRUE(m == 0 ? v == 0 : v >= 1);
    }
}

void suite_raft(void)
{
  CU_pSuite s = CU_add_suite("raft", NULL, NULL);
  CU_add_test(s, "RequestVote: term, votedFor, up-to-date log", test_vote_granting);
  CU_add_test(s, "AppendEntries consistency check and conflict hint", test_append_consistency);
  CU_add_test(s, "AppendEntries: prefix kept, conflicts cut, duplicates and reordering", test_append_conflicts);
  CU_add_test(s, "commit index: majority of matchIndex, current term only (and the variant)", test_commit_advance);
  CU_add_test(s, "restart recovery from term, vote, entry and truncation records", test_recover);
  CU_add_test(s, "commands packed into message fields round-trip", test_cmd_pack);
  CU_add_test(s, "forced records survive lose-unsynced and a restart", test_forced_records_survive);
  CU_add_test(s, "3- and 5-server clusters under each network fault", test_clusters_under_faults);
  CU_add_test(s, "PreVote keeps an isolated follower's term; CheckQuorum deposes an isolated leader", test_prevote_check_quorum);
  CU_add_test(s, "votedFor persisted: one leader per term; raft.volatile_vote elects two", test_volatile_vote_two_leaders);
}
