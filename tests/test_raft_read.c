/* Raft read-only queries without the log (models/raft/raft_read.c; thesis
 * §6.4 ReadIndex, §6.4.1 leases): the pure rules on hand-built values —
 * the read mode, the lease length with and without the drift margin, when
 * a lease holds, the round a majority acknowledged, the leader's first
 * commit of its term, when a waiting read may be answered — then whole
 * clusters: a new leader whose commitIndex lags a committed write
 * (raft_readindex_new_leader.lua), ReadIndex and lease reads under each
 * network fault and clock drift within the bound (raft_faults.lua), the
 * lease schedules of raft_lease_read.lua (the margin holds,
 * raft.lease_no_drift_margin serves stale reads) and
 * raft_lease_read_beyond.lua (a clock fault beyond the bound breaks the
 * lease, not ReadIndex). */
#include "models/raft/raft_read.h"
#include "models/registry.h"
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include "tests/scenario_util.h"
#include <CUnit/CUnit.h>

static void test_mode_parse(void)
{
  RaftReadMode m = RAFT_READ_LEASE;
  CU_ASSERT_TRUE(raft_read_mode_parse("log", &m));
  CU_ASSERT_EQUAL(m, RAFT_READ_LOG);
  CU_ASSERT_TRUE(raft_read_mode_parse("readindex", &m));
  CU_ASSERT_EQUAL(m, RAFT_READ_INDEX);
  CU_ASSERT_TRUE(raft_read_mode_parse("lease", &m));
  CU_ASSERT_EQUAL(m, RAFT_READ_LEASE);
  /* Anything else is refused and leaves the mode alone. */
  CU_ASSERT_FALSE(raft_read_mode_parse("Lease", &m));
  CU_ASSERT_FALSE(raft_read_mode_parse("", &m));
  CU_ASSERT_FALSE(raft_read_mode_parse(NULL, &m));
  CU_ASSERT_EQUAL(m, RAFT_READ_LEASE);
}

/* §6.4.1: start + election timeout / drift bound. */
static void test_lease_duration(void)
{
  /* 150 ms / 1.5 = 100 ms; / 1.1 = 136.36... ms, rounded down. */
  CU_ASSERT_EQUAL(raft_lease_duration(150 * SIM_MS, 500000, TRUE), 100 * SIM_MS);
  CU_ASSERT_EQUAL(raft_lease_duration(150 * SIM_MS, 100000, TRUE), INT64_C(136363636));
  /* Never longer than the election timeout: no drift, or a negative one. */
  CU_ASSERT_EQUAL(raft_lease_duration(150 * SIM_MS, 0, TRUE), 150 * SIM_MS);
  CU_ASSERT_EQUAL(raft_lease_duration(150 * SIM_MS, -5, TRUE), 150 * SIM_MS);
  /* The broken variant ignores the bound. */
  CU_ASSERT_EQUAL(raft_lease_duration(150 * SIM_MS, 500000, FALSE), 150 * SIM_MS);
  /* Huge values do not overflow: a day at 2x is half a day. */
  CU_ASSERT_EQUAL(raft_lease_duration(86400 * SIM_S, 1000000, TRUE), 43200 * SIM_S);
  CU_ASSERT_EQUAL(raft_lease_duration(SIM_TIME_MAX, 1000000, TRUE), SIM_TIME_MAX / 2);
}

static void test_lease_holds(void)
{
  SimTime d = 100 * SIM_MS;
  CU_ASSERT_TRUE(raft_lease_holds(5 * SIM_S, 5 * SIM_S, d));
  CU_ASSERT_TRUE(raft_lease_holds(5 * SIM_S + d - 1, 5 * SIM_S, d));
  CU_ASSERT_FALSE(raft_lease_holds(5 * SIM_S + d, 5 * SIM_S, d)); /* ends at start + d */
  /* Local clocks may be negative (an offset): no sentinel value. */
  CU_ASSERT_TRUE(raft_lease_holds(-2 * SIM_S + d / 2, -2 * SIM_S, d));
  CU_ASSERT_FALSE(raft_lease_holds(-2 * SIM_S + d, -2 * SIM_S, d));
  /* The end saturates instead of wrapping to a time in the past. */
  CU_ASSERT_TRUE(raft_lease_holds(SIM_TIME_MAX - 1, SIM_TIME_MAX - 5, d));
}

static void test_quorum_round(void)
{
  /* One server: every round it starts is confirmed. */
  CU_ASSERT_EQUAL(raft_read_quorum_round(NULL, 1, 7), 7);
  /* Three: the leader and the better of two peers. */
  CU_ASSERT_EQUAL(raft_read_quorum_round((int64_t[]) { 0, 0 }, 3, 4), 0);
  CU_ASSERT_EQUAL(raft_read_quorum_round((int64_t[]) { 3, 0 }, 3, 4), 3);
  CU_ASSERT_EQUAL(raft_read_quorum_round((int64_t[]) { 1, 4 }, 3, 4), 4);
  /* Five: the leader and the second best of four, in any order. */
  CU_ASSERT_EQUAL(raft_read_quorum_round((int64_t[]) { 9, 2, 5, 0 }, 5, 9), 5);
  CU_ASSERT_EQUAL(raft_read_quorum_round((int64_t[]) { 0, 5, 2, 9 }, 5, 9), 5);
  CU_ASSERT_EQUAL(raft_read_quorum_round((int64_t[]) { 9, 0, 0, 0 }, 5, 9), 0);
  /* Four (an even cluster): three of four, so the second best of three. */
  CU_ASSERT_EQUAL(raft_read_quorum_round((int64_t[]) { 6, 6, 1 }, 4, 6), 6);
  CU_ASSERT_EQUAL(raft_read_quorum_round((int64_t[]) { 6, 1, 1 }, 4, 6), 1);
  /* Never past the last round started (a stray echo cannot confirm more). */
  CU_ASSERT_EQUAL(raft_read_quorum_round((int64_t[]) { 8, 8 }, 3, 5), 5);
}

/* A state whose log holds entries of `terms`, committed up to `commit`. */
static void build(RaftState *s, int64_t current, const int64_t *terms, guint n, int64_t commit)
{
  raft_state_init(s);
  s->currentTerm = current;
  for (guint i = 0; i < n; i++) {
    RaftEntry e = { .term = terms[i] };
    RaftAppendResult r;
    raft_append_entries(s, raft_last_index(s), &e, 1, &r);
  }
  s->commitIndex = commit;
}

/* §6.4 step 1: a new leader's commitIndex may lag until its no-op commits. */
static void test_committed_in_term(void)
{
  RaftState s;
  build(&s, 3, (int64_t[]) { 1, 2, 3 }, 3, 0);
  CU_ASSERT_FALSE(raft_read_committed_in_term(&s)); /* nothing committed */
  s.commitIndex = 2;
  CU_ASSERT_FALSE(raft_read_committed_in_term(&s)); /* only earlier terms */
  s.commitIndex = 3;
  CU_ASSERT_TRUE(raft_read_committed_in_term(&s));
  raft_state_clear(&s);
  build(&s, 4, (int64_t[]) { 1, 2, 3 }, 3, 3);
  CU_ASSERT_FALSE(raft_read_committed_in_term(&s)); /* elected in 4, no entry of 4 yet */
  raft_state_clear(&s);
}

static void test_read_ready(void)
{
  /* read index 5, waiting for round 3 */
  CU_ASSERT_FALSE(raft_read_ready(5, 3, 2, 9)); /* round not confirmed */
  CU_ASSERT_FALSE(raft_read_ready(5, 3, 3, 4)); /* not applied up to 5 */
  CU_ASSERT_TRUE(raft_read_ready(5, 3, 3, 5));
  CU_ASSERT_TRUE(raft_read_ready(5, 3, 4, 6));
  /* No read index yet (the leader has not committed in its term). */
  CU_ASSERT_FALSE(raft_read_ready(-1, 0, 9, 9));
  /* Within a lease: no round to wait for, only the apply. */
  CU_ASSERT_TRUE(raft_read_ready(5, 0, 0, 5));
  CU_ASSERT_FALSE(raft_read_ready(5, 0, 0, 4));
}

/* RaftReads on a node of its own (a one-server raft cluster whose own
 * server is not involved): the leader state `st` of a 3-server cluster,
 * reads counted by `count_answer`. */
static void count_answer(SimNode *node, const SimMsg *request, void *ud)
{
  (void) node;
  (void) request;
  (*(int *) ud)++;
}

static SimMsg read_request(int64_t op, uint64_t id)
{
  SimMsg m = sim_record("Request");
  m.src = 7;
  m.id = id;
  sim_msg_set(&m, "op", op);
  sim_msg_set(&m, "c", op << 4 | RAFT_READ);
  return m;
}

static SimMsg ack(int64_t round)
{
  SimMsg m = sim_record("AppendEntriesReply");
  sim_msg_set(&m, "round", round);
  return m;
}

/* The runtime: a read waits for the round that started after it and for
 * nothing else; a resent read is not queued twice; stray round numbers
 * confirm nothing; a lease answers without a round until it runs out. */
static void test_reads_runtime(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  GError *error = NULL;
  const char *modes[] = { "readindex", "lease" };
  for (guint i = 0; i < 2; i++) {
    g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(params, "peers", (gpointer) modes[i]);
    g_hash_table_insert(params, "read", (gpointer) modes[i]);
    g_hash_table_insert(params, "check_quorum", "true");
    CU_ASSERT_EQUAL_FATAL(sim_add_node(sim, modes[i], sim_registry_find("raft"), params, &error), (int) i);
  }
  CU_ASSERT_TRUE_FATAL(sim_resolve_nodes(sim, &error));
  RaftState st;
  build(&st, 2, (int64_t[]) { 1, 2 }, 2, 2);
  st.lastApplied = 2;
  int answered = 0;
  RaftReadView v = { &st, count_answer, &answered, NULL, NULL, 0 };

  SimNode *node = sim_node(sim, 0);
  RaftReads *r = raft_reads_new(node, 150 * SIM_MS, 2, FALSE, TRUE, TRUE);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  raft_reads_leader_start(node, r);               /* round 1, in flight */
  SimMsg r1 = read_request(1, 100), r1again = read_request(1, 101), r2 = read_request(2, 102);
  CU_ASSERT_TRUE(raft_reads_request(node, r, &r1, &v)); /* round 2 */
  CU_ASSERT_FALSE(raft_reads_request(node, r, &r1again, &v)); /* a resend: no new round */
  CU_ASSERT_TRUE(raft_reads_request(node, r, &r2, &v)); /* round 3 */
  SimMsg a1 = ack(1), a2 = ack(2), a3 = ack(3), a9 = ack(9);
  raft_reads_on_reply(node, r, 0, &a1, &v);       /* round 1 started before r1 */
  CU_ASSERT_EQUAL(answered, 0);
  raft_reads_on_reply(node, r, 1, &a9, &v);       /* never started: ignored */
  raft_reads_on_reply(node, r, 1, &a1, &v);
  CU_ASSERT_EQUAL(answered, 0);
  raft_reads_on_reply(node, r, 0, &a2, &v);       /* peers acked 2 and 1: a majority for 2 */
  CU_ASSERT_EQUAL(answered, 1);                   /* r1 once, though it came twice */
  raft_reads_on_reply(node, r, 1, &a3, &v);
  CU_ASSERT_EQUAL(answered, 2);
  /* Not applied far enough: waits for the apply, then goes. */
  st.commitIndex = 3;
  RaftEntry e = { .term = 2 };
  RaftAppendResult res;
  raft_append_entries(&st, 2, &e, 1, &res);
  SimMsg r3 = read_request(3, 103), a4 = ack(4);
  CU_ASSERT_TRUE(raft_reads_request(node, r, &r3, &v));
  raft_reads_on_reply(node, r, 0, &a4, &v);
  CU_ASSERT_EQUAL(answered, 2);
  st.lastApplied = 3;
  CU_ASSERT_FALSE(raft_reads_on_commit(node, r, &v));
  CU_ASSERT_EQUAL(answered, 3);
  raft_reads_free(r);

  /* A lease: after a confirmed round, reads go at once and start no round;
   * once the lease (150 ms / 1.1) has run out on the leader's clock, a
   * read starts a round again. */
  node = sim_node(sim, 1);
  r = raft_reads_new(node, 150 * SIM_MS, 2, TRUE, TRUE, TRUE);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  raft_reads_leader_start(node, r);
  raft_reads_on_reply(node, r, 0, &a1, &v);
  SimMsg r4 = read_request(4, 104), r5 = read_request(5, 105);
  CU_ASSERT_FALSE(raft_reads_request(node, r, &r4, &v));
  CU_ASSERT_EQUAL(answered, 4);
  sim_run(sim, 136 * SIM_MS);
  SimMsg r6 = read_request(6, 106);
  CU_ASSERT_FALSE(raft_reads_request(node, r, &r6, &v)); /* 136 ms: still in it */
  CU_ASSERT_EQUAL(answered, 5);
  sim_run(sim, 137 * SIM_MS);
  CU_ASSERT_TRUE(raft_reads_request(node, r, &r5, &v));
  CU_ASSERT_EQUAL(answered, 5);
  raft_reads_free(r);
  raft_state_clear(&st);
}

/* Membership (thesis §4.1): the runtime of a leader (server 1 of {1,2,3})
 * that removed 3 counts its rounds over {1,2}: 3's acknowledgement does
 * not answer the read, 2's does; then 4 is added (a new slot,
 * raft_reads_resize): of {1,2,4}, 3's acknowledgement still counts for
 * nothing and 4's makes a majority. */
static void test_reads_after_membership_change(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  GError *error = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(params, "peers", "x");
  g_hash_table_insert(params, "read", "readindex");
  CU_ASSERT_EQUAL_FATAL(sim_add_node(sim, "x", sim_registry_find("raft"), params, &error), 0);
  CU_ASSERT_TRUE_FATAL(sim_resolve_nodes(sim, &error));
  SimNode *node = sim_node(sim, 0);
  RaftState st;
  build(&st, 1, (int64_t[]) { 1 }, 1, 0);
  RaftConfig c;
  raft_config_init(&c, (int[]) { 1, 2, 3 }, 3);
  const int changes[][2] = { { RAFT_CONFIG_REMOVE, 3 }, { RAFT_CONFIG_ADD, 4 } };
  RaftAppendResult res;
  RaftEntry e = raft_config_entry(changes[0][0], changes[0][1]);
  e.term = 1;
  raft_append_entries(&st, 1, &e, 1, &res);
  raft_config_appended(&c, &st, 2);
  st.commitIndex = st.lastApplied = 2;
  int peers[] = { 2, 3, 4 }, answered = 0;
  RaftReadView v = { &st, count_answer, &answered, &c, peers, 1 };
  RaftReads *r = raft_reads_new(node, 150 * SIM_MS, 2, FALSE, TRUE, TRUE);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  raft_reads_leader_start(node, r);                     /* round 1 */
  SimMsg r1 = read_request(1, 100), r2 = read_request(2, 101), a2 = ack(2), a3 = ack(3);
  CU_ASSERT_TRUE(raft_reads_request(node, r, &r1, &v)); /* round 2 */
  raft_reads_on_reply(node, r, 1, &a2, &v);             /* 3, removed */
  CU_ASSERT_EQUAL(answered, 0);
  raft_reads_on_reply(node, r, 0, &a2, &v);             /* 2: both of {1,2} */
  CU_ASSERT_EQUAL(answered, 1);
  e = raft_config_entry(changes[1][0], changes[1][1]);
  e.term = 1;
  raft_append_entries(&st, 2, &e, 1, &res);
  raft_config_appended(&c, &st, 3);
  st.commitIndex = st.lastApplied = 3;
  raft_reads_resize(r, 3);
  CU_ASSERT_TRUE(raft_reads_request(node, r, &r2, &v)); /* round 3 */
  raft_reads_on_reply(node, r, 1, &a3, &v);             /* 3 again: nothing */
  CU_ASSERT_EQUAL(answered, 1);
  raft_reads_on_reply(node, r, 2, &a3, &v);             /* 4: 1 and 4 of {1,2,4} */
  CU_ASSERT_EQUAL(answered, 2);
  raft_reads_free(r);
  raft_config_clear(&c);
  raft_state_clear(&st);
}


/* One row of raft_faults.lua: progress, agreement, linearizable, and the
 * reads really went around the log. */
static void faults_row(const char *read, const char *fault, const char *servers, const char *clock, uint64_t seed)
{
  const char *set[] = { "read", read, "fault", fault, "servers", servers, "clock", clock };
  g_autoptr(Scenario) sc = test_scenario_run("scenarios/raft_faults.lua", seed, set, 4);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  double lin = test_scenario_metric(sc, "raft_lincheck"), applied = test_scenario_metric(sc, "raft_applied_indices");
  double outside = test_scenario_metric(sc, "raft_reads_lease") + test_scenario_metric(sc, "raft_reads_readindex");
  gboolean ok = sim_stats(sc->sim)->ok > 0 && lin == 1 && applied >= 50 && outside >= 10
                && !sim_violations(sc->sim, "raft_apply_agree") && !sim_violations(sc->sim, "linearizable");
  if (!ok)
    fprintf(stderr, "\nraft_faults read=%s fault=%s servers=%s clock=%s seed %" G_GUINT64_FORMAT
            ": ok %" G_GUINT64_FORMAT " lincheck %g applied %g reads outside the log %g\n",
            read, fault, servers, clock, seed, sim_stats(sc->sim)->ok, lin, applied, outside);
  CU_ASSERT_TRUE(ok);
}

static const char *const network_faults[] = { "none", "loss", "duplicate", "reorder", "delay", "crash", "all" };

/* ReadIndex and leases under each network fault alone and all combined,
 * 3 and 5 servers. */
static void test_reads_under_network_faults(void)
{
  const char *reads[] = { "readindex", "lease" };
  const char *sizes[] = { "3", "5" };
  for (guint r = 0; r < G_N_ELEMENTS(reads); r++)
    for (guint f = 0; f < G_N_ELEMENTS(network_faults); f++)
      for (guint n = 0; n < G_N_ELEMENTS(sizes); n++)
        faults_row(reads[r], network_faults[f], sizes[n], "none", 1);
}

/* Clock faults: drift within the lease's bound for both modes; clock
 * jumps (beyond any drift bound) for ReadIndex, which no clock can fool. */
static void test_reads_under_clock_faults(void)
{
  for (guint f = 0; f < G_N_ELEMENTS(network_faults); f++) {
    faults_row("lease", network_faults[f], "3", "drift", 2);
    faults_row("readindex", network_faults[f], "3", "drift", 2);
    faults_row("readindex", network_faults[f], "5", "jumps", 2);
  }
}

/* A lease answers reads without rounds; ReadIndex spends one per read. */
static void test_lease_saves_rounds(void)
{
  const char *lease[] = { "read", "lease", "fault", "none" };
  g_autoptr(Scenario) a = test_scenario_run("scenarios/raft_faults.lua", 1, lease, 2);
  const char *index[] = { "read", "readindex", "fault", "none" };
  g_autoptr(Scenario) b = test_scenario_run("scenarios/raft_faults.lua", 1, index, 2);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT_TRUE(test_scenario_metric(a, "raft_reads_lease") >= 100);
  CU_ASSERT_TRUE(test_scenario_metric(a, "raft_read_rounds") * 10 <= test_scenario_metric(a, "raft_reads_lease"));
  CU_ASSERT_EQUAL(test_scenario_metric(b, "raft_reads_lease"), 0);
  CU_ASSERT_TRUE(test_scenario_metric(b, "raft_reads_readindex") >= 100);
  CU_ASSERT_TRUE(test_scenario_metric(b, "raft_read_rounds") >= test_scenario_metric(b, "raft_reads_readindex") * 0.9);
}

/* The lease schedule within the drift bound: the margin keeps every read
 * fresh; without it the old leader serves stale reads, and lincheck says
 * so. A one-server cluster answers its own rounds. */
static void test_lease_margin(void)
{
  const char *clocks[] = { "fast", "jump" };
  for (uint64_t seed = 1; seed <= 3; seed++)
    for (guint c = 0; c < G_N_ELEMENTS(clocks); c++) {
      const char *good[] = { "variant", "raft", "clock", clocks[c] };
      g_autoptr(Scenario) a = test_scenario_run("scenarios/raft_lease_read.lua", seed, good, 2);
      const char *bad[] = { "variant", "raft.lease_no_drift_margin", "clock", clocks[c] };
      g_autoptr(Scenario) b = test_scenario_run("scenarios/raft_lease_read.lua", seed, bad, 2);
      CU_ASSERT_PTR_NOT_NULL_FATAL(a);
      CU_ASSERT_PTR_NOT_NULL_FATAL(b);
      CU_ASSERT_EQUAL(test_scenario_metric(a, "new_leader"), 1);
      CU_ASSERT_EQUAL(test_scenario_metric(a, "stale_reads"), 0);
      CU_ASSERT_EQUAL(sim_violations(a->sim, "linearizable"), 0);
      CU_ASSERT_TRUE(test_scenario_metric(a, "reads_after_partition") >= 1); /* the lease did serve */
      CU_ASSERT_EQUAL(test_scenario_metric(b, "new_leader"), 1);
      CU_ASSERT_TRUE(test_scenario_metric(b, "stale_reads") >= 1);
      CU_ASSERT_EQUAL(sim_violations(b->sim, "linearizable"), 1);
    }
  const char *single[] = { "read", "lease", "servers", "1", "fault", "none" };
  g_autoptr(Scenario) one = test_scenario_run("scenarios/raft_faults.lua", 1, single, 3);
  CU_ASSERT_PTR_NOT_NULL_FATAL(one);
  CU_ASSERT_TRUE(test_scenario_metric(one, "raft_reads_lease") >= 100);
  CU_ASSERT_EQUAL(test_scenario_metric(one, "raft_lincheck"), 1);
}

/* Beyond the bound (a clock 2.3 times as fast as the leader's, or the
 * leader's clock stepped back) the correct lease serves stale reads too;
 * ReadIndex on the same schedule does not. */
static void test_beyond_the_bound(void)
{
  const char *clocks[] = { "slow_fast", "jump" };
  for (uint64_t seed = 1; seed <= 3; seed++)
    for (guint c = 0; c < G_N_ELEMENTS(clocks); c++) {
      const char *lease[] = { "read", "lease", "clock", clocks[c] };
      g_autoptr(Scenario) a = test_scenario_run("scenarios/raft_lease_read_beyond.lua", seed, lease, 2);
      const char *index[] = { "read", "readindex", "clock", clocks[c] };
      g_autoptr(Scenario) b = test_scenario_run("scenarios/raft_lease_read_beyond.lua", seed, index, 2);
      CU_ASSERT_PTR_NOT_NULL_FATAL(a);
      CU_ASSERT_PTR_NOT_NULL_FATAL(b);
      CU_ASSERT_TRUE(test_scenario_metric(a, "stale_reads") >= 1);
      CU_ASSERT_EQUAL(sim_violations(a->sim, "linearizable"), 1);
      CU_ASSERT_EQUAL(test_scenario_metric(b, "new_leader"), 1);
      CU_ASSERT_EQUAL(test_scenario_metric(b, "stale_reads"), 0);
      CU_ASSERT_EQUAL(sim_violations(b->sim, "linearizable"), 0);
    }
}

/* §6.4 step 1 on a schedule (scenarios/raft_readindex_new_leader.lua): a
 * new leader whose commitIndex lags a committed write confirms its
 * leadership at once but must not answer before its no-op commits. */
static void test_new_leader_waits(void)
{
  for (uint64_t seed = 1; seed <= 3; seed++) {
    g_autoptr(Scenario) sc = test_scenario_run("scenarios/raft_readindex_new_leader.lua", seed, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(test_scenario_metric(sc, "write_completed"), 1);
    CU_ASSERT_EQUAL(test_scenario_metric(sc, "new_leader"), 1);
    CU_ASSERT_TRUE(test_scenario_metric(sc, "reads_from_new_leader") >= 10);
    CU_ASSERT_EQUAL(test_scenario_metric(sc, "stale_reads"), 0);
    CU_ASSERT_EQUAL(sim_violations(sc->sim, "linearizable"), 0);
  }
}

void suite_raft_read(void)
{
  CU_pSuite s = CU_add_suite("raft_read", NULL, NULL);
  CU_add_test(s, "read mode: log, readindex, lease", test_mode_parse);
  CU_add_test(s, "lease length: election timeout / drift bound, rounded down", test_lease_duration);
  CU_add_test(s, "a lease holds until start + length, saturating", test_lease_holds);
  CU_add_test(s, "the round a majority acknowledged", test_quorum_round);
  CU_add_test(s, "ReadIndex waits for the leader's first commit of its term", test_committed_in_term);
  CU_add_test(s, "a waiting read goes once confirmed and applied", test_read_ready);
  CU_add_test(s, "waiting reads: rounds, resends, stray numbers, applies, lease expiry", test_reads_runtime);
  CU_add_test(s, "after a membership change: rounds over the latest configuration", test_reads_after_membership_change);
  CU_add_test(s, "a new leader reads only after its first commit (schedule)", test_new_leader_waits);
  CU_add_test(s, "ReadIndex and leases under each network fault, 3 and 5 servers", test_reads_under_network_faults);
  CU_add_test(s, "reads under clock drift within the bound and clock jumps", test_reads_under_clock_faults);
  CU_add_test(s, "a lease answers without rounds, ReadIndex with one each", test_lease_saves_rounds);
  CU_add_test(s, "lease within the bound: margin safe, no margin stale", test_lease_margin);
  CU_add_test(s, "beyond the bound: lease stale, ReadIndex safe", test_beyond_the_bound);
}
