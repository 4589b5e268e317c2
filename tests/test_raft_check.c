/* The Raft safety checker (models/raft/raft_check.h) on hand-built event
 * histories: a fake server model, "raft.fake", attaches the checker from
 * its init as the real servers do, and the test emits scripted raft_*
 * events from its nodes, one per millisecond. Each history asserts how
 * many violations of each of the four invariants it must produce. */
#include "models/kv/kv.h"
#include "models/raft/raft_check.h"
#include "sim/kernel/model.h"
#include <CUnit/CUnit.h>
#include <string.h>

static void fake_init(SimNode *node) { raft_check_attach(node); }
static void fake_message(SimNode *node, const SimMsg *msg) { (void) node; (void) msg; }
static void fake_timer(SimNode *node, uint64_t tag) { (void) node; (void) tag; }
static void other_init(SimNode *node) { (void) node; }

static const SimParamSpec fake_params[] = { { NULL } };

static const SimModel fake_model = {
  .name = "raft.fake",
  .summary = "emits scripted raft_* events",
  .params = fake_params,
  .init = fake_init,
  .on_message = fake_message,
  .on_timer = fake_timer,
};

static const SimModel other_model = {
  .name = "test.other",
  .summary = "a node that is not a Raft server",
  .params = fake_params,
  .init = other_init,
  .on_message = fake_message,
  .on_timer = fake_timer,
};

/* One scripted step: node `node` emits event `kind` with fields a, b, c
 * (leader: term; append/apply/snapshot: index, term, chain; truncate: from;
 * commit: index and, when b > 0, term), or the node crashes ('X') or
 * restarts ('R'). */
typedef struct {
  int node;
  char kind; /* L A T C P S X R */
  int64_t a, b, c;
} Step;

static void run_step(Sim *sim, void *data)
{
  const Step *s = data;
  SimNode *node = sim_node(sim, s->node);
  SimMsg e;
  switch (s->kind) {
  case 'L':
    e = sim_record("raft_leader");
    sim_msg_set(&e, "term", s->a);
    break;
  case 'A':
  case 'P':
  case 'S':
    e = sim_record(s->kind == 'A' ? "raft_append" : s->kind == 'P' ? "raft_apply" : "raft_snapshot");
    sim_msg_set(&e, "index", s->a);
    sim_msg_set(&e, "term", s->b);
    sim_msg_set(&e, "chain", s->c);
    break;
  case 'T':
    e = sim_record("raft_truncate");
    sim_msg_set(&e, "from", s->a);
    break;
  case 'C':
    e = sim_record("raft_commit");
    sim_msg_set(&e, "index", s->a);
    if (s->b > 0)
      sim_msg_set(&e, "term", s->b);
    break;
  case 'X':
    sim_crash(sim, s->node);
    return;
  case 'R':
    sim_restart(sim, s->node);
    return;
  default:
    g_assert_not_reached();
  }
  sim_emit(node, &e);
}

typedef struct {
  guint64 election, matching, completeness, machine;
} Counts;

/* Runs `steps` on `nodes` raft.fake servers (after one non-Raft node, so
 * the checker is attached by a node other than node 0) and returns the
 * violation counts. */
static Counts run_script(const Step *steps, guint n, int nodes)
{
  Sim *sim = sim_new(1);
  GError *error = NULL;
  sim_add_node(sim, "c", &other_model, NULL, &error);
  CU_ASSERT_PTR_NULL(error);
  for (int i = 1; i <= nodes; i++) {
    g_autofree char *name = g_strdup_printf("n%d", i);
    CU_ASSERT(sim_add_node(sim, name, &fake_model, NULL, &error) == i);
    CU_ASSERT_PTR_NULL(error);
    g_clear_error(&error);
  }
  for (guint i = 0; i < n; i++)
    sim_schedule(sim, (SimTime) (i + 1) * SIM_MS, run_step, (void *) &steps[i], NULL);
  size_t before = *sim_memory_counter(sim);
  sim_run(sim, SIM_S);
  CU_ASSERT(*sim_memory_counter(sim) > before);
  Counts c = { sim_violations(sim, "election_safety"), sim_violations(sim, "log_matching"),
               sim_violations(sim, "leader_completeness"), sim_violations(sim, "state_machine_safety") };
  sim_free(sim);
  return c;
}

#define RUN(steps, nodes) run_script(steps, G_N_ELEMENTS(steps), nodes)
#define ASSERT_COUNTS(c, e, m, l, s)                                                                   \
  do {                                                                                                 \
    CU_ASSERT_EQUAL((c).election, e);                                                                  \
    CU_ASSERT_EQUAL((c).matching, m);                                                                  \
    CU_ASSERT_EQUAL((c).completeness, l);                                                              \
    CU_ASSERT_EQUAL((c).machine, s);                                                                   \
  } while (0)

/* A clean run: election, replication, commit, apply, a crash and restart
 * with the recovered log re-emitted, a second leader who has the committed
 * entry, more replication. Nothing is violated, and restarts do not attach
 * a second checker (which would count each later violation twice). */
static void test_clean_run(void)
{
  static const Step steps[] = {
    { 1, 'L', 1, 0, 0 },
    { 1, 'A', 1, 1, 101 }, { 2, 'A', 1, 1, 101 }, { 3, 'A', 1, 1, 101 },
    { 1, 'C', 1, 0, 0 }, { 1, 'P', 1, 1, 101 },
    { 2, 'C', 1, 0, 0 }, { 2, 'P', 1, 1, 101 },
    { 1, 'X', 0, 0, 0 }, { 1, 'R', 0, 0, 0 },
    { 1, 'T', 1, 0, 0 }, { 1, 'A', 1, 1, 101 },
    { 2, 'L', 2, 0, 0 },
    { 2, 'A', 2, 2, 202 }, { 1, 'A', 2, 2, 202 },
    { 2, 'C', 2, 0, 0 }, { 2, 'P', 2, 2, 202 },
    { 1, 'C', 2, 0, 0 }, { 1, 'P', 1, 1, 101 }, { 1, 'P', 2, 2, 202 },
    { 3, 'A', 2, 2, 202 }, { 3, 'C', 2, 0, 0 }, { 3, 'P', 1, 1, 101 }, { 3, 'P', 2, 2, 202 },
  };
  ASSERT_COUNTS(RUN(steps, 3), 0, 0, 0, 0);
}

/* Two nodes leader of one term: one violation each time; the same node
 * saying it again, or leaders of other terms, add none. After a restart of
 * n1 (its init runs again, which must not attach a second checker) the
 * count is still exact. */
static void test_two_leaders_one_term(void)
{
  static const Step steps[] = {
    { 1, 'L', 1, 0, 0 }, { 1, 'L', 1, 0, 0 }, { 2, 'L', 2, 0, 0 },
    { 1, 'X', 0, 0, 0 }, { 1, 'R', 0, 0, 0 },
    { 3, 'L', 2, 0, 0 },
    { 3, 'L', 3, 0, 0 },
    { 1, 'L', 4, 0, 0 }, { 2, 'L', 4, 0, 0 },
  };
  ASSERT_COUNTS(RUN(steps, 3), 2, 0, 0, 0);
}

/* Two different entries at one (index, term): one log_matching violation
 * however many nodes hold the second; the same index in another term is
 * not one. */
static void test_divergent_log(void)
{
  static const Step steps[] = {
    { 1, 'A', 1, 1, 101 }, { 2, 'A', 1, 1, 101 },
    { 2, 'A', 2, 1, 102 }, { 3, 'A', 2, 2, 302 },
    { 1, 'A', 2, 1, 999 }, { 3, 'T', 2, 0, 0 }, { 3, 'A', 2, 1, 999 },
  };
  ASSERT_COUNTS(RUN(steps, 3), 0, 1, 0, 0);
}

/* A leader elected in a later term without a committed entry: violated,
 * whether "committed in term 1" comes from the commit's own term field or
 * from the highest leader term seen; a leader of the term the entry was
 * committed in, or of an earlier one (a stale election that completes
 * late), owes it nothing. */
static void test_leader_without_committed(void)
{
  static const Step estimated[] = {
    { 1, 'L', 1, 0, 0 },
    { 1, 'A', 1, 1, 101 }, { 2, 'A', 1, 1, 101 },
    { 1, 'C', 1, 0, 0 },
    { 3, 'L', 2, 0, 0 },
  };
  ASSERT_COUNTS(RUN(estimated, 3), 0, 0, 1, 0);
  static const Step reported[] = {
    { 1, 'L', 3, 0, 0 },
    { 1, 'A', 1, 3, 101 }, { 2, 'A', 1, 3, 101 },
    { 1, 'C', 1, 3, 0 },
    { 3, 'L', 2, 0, 0 },  /* term 2 < 3: nothing owed */
    { 3, 'A', 1, 2, 201 }, /* its own entry of term 2 */
    { 2, 'L', 4, 0, 0 },  /* has it */
    { 3, 'L', 5, 0, 0 },  /* has another entry there: violated */
  };
  ASSERT_COUNTS(RUN(reported, 3), 0, 0, 1, 0);
  /* A committed entry truncated away (not replaced) is missing too. */
  static const Step truncated[] = {
    { 1, 'L', 1, 0, 0 },
    { 1, 'A', 1, 1, 101 }, { 1, 'A', 2, 1, 102 }, { 2, 'A', 1, 1, 101 }, { 2, 'A', 2, 1, 102 },
    { 1, 'C', 2, 0, 0 },
    { 2, 'T', 2, 0, 0 },
    { 2, 'L', 2, 0, 0 },
  };
  ASSERT_COUNTS(RUN(truncated, 2), 0, 0, 1, 0);
  /* Logs that begin past a snapshot: what lies below is unknown, not
   * missing; the entry at 10 is still owed. */
  static const Step snapshot[] = {
    { 1, 'A', 10, 2, 510 }, { 1, 'L', 2, 0, 0 }, { 1, 'C', 10, 0, 0 },
    { 2, 'A', 1, 1, 101 }, { 2, 'L', 3, 0, 0 },   /* lacks 10: violated */
    { 3, 'A', 10, 2, 510 }, { 3, 'L', 4, 0, 0 },  /* has it */
    { 1, 'A', 11, 2, 511 }, { 1, 'C', 11, 0, 0 }, { 3, 'A', 11, 2, 511 }, { 3, 'L', 5, 0, 0 },
  };
  ASSERT_COUNTS(RUN(snapshot, 3), 0, 0, 1, 0);
}

/* Two different applies at one index: one violation where they start to
 * disagree, not one per later index; a node applying the first entry is
 * fine, and a third node applying the second one is a second divergence. */
static void test_two_applies_one_index(void)
{
  static const Step steps[] = {
    { 1, 'P', 1, 1, 101 }, { 1, 'P', 2, 1, 102 }, { 1, 'P', 3, 1, 103 },
    { 2, 'P', 1, 1, 101 }, { 2, 'P', 2, 2, 202 }, { 2, 'P', 3, 2, 203 },
    { 3, 'P', 1, 1, 101 }, { 3, 'P', 2, 1, 102 },
    { 4, 'P', 1, 1, 101 }, { 4, 'P', 2, 2, 202 },
  };
  ASSERT_COUNTS(RUN(steps, 4), 0, 0, 0, 2);
}

/* An uncommitted entry truncated and replaced by the next leader's, then
 * committed and applied everywhere: legitimate, nothing violated. */
static void test_truncate_then_reappend(void)
{
  static const Step steps[] = {
    { 1, 'L', 1, 0, 0 },
    { 1, 'A', 1, 1, 101 }, { 2, 'A', 1, 1, 101 }, { 3, 'A', 1, 1, 101 },
    { 1, 'C', 1, 0, 0 },
    { 1, 'A', 2, 1, 102 }, { 2, 'A', 2, 1, 102 },
    { 3, 'L', 2, 0, 0 },
    { 3, 'A', 2, 2, 202 },
    { 2, 'T', 2, 0, 0 }, { 2, 'A', 2, 2, 202 },
    { 3, 'A', 3, 2, 203 }, { 2, 'A', 3, 2, 203 },
    { 3, 'C', 3, 0, 0 }, { 2, 'C', 3, 0, 0 },
    { 1, 'T', 2, 0, 0 }, { 1, 'A', 2, 2, 202 }, { 1, 'A', 3, 2, 203 }, { 1, 'C', 3, 0, 0 },
    { 1, 'P', 1, 1, 101 }, { 1, 'P', 2, 2, 202 }, { 1, 'P', 3, 2, 203 },
    { 2, 'P', 1, 1, 101 }, { 2, 'P', 2, 2, 202 }, { 2, 'P', 3, 2, 203 },
    { 1, 'L', 3, 0, 0 },
  };
  ASSERT_COUNTS(RUN(steps, 3), 0, 0, 0, 0);
}

/* The Raft paper's Figure 8 with the broken commit rule, as events: S1,
 * leader of term 4, counts replicas of its term-2 entry at index 2 and
 * commits it; S5, whose index 2 holds a term-3 entry, becomes leader of
 * term 5, overwrites index 2 everywhere and commits it. Leader
 * completeness fails at S5's election and state-machine safety at the
 * first apply of its entry; log matching holds throughout. */
static void test_figure8_events(void)
{
  static const Step steps[] = {
    { 1, 'L', 2, 0, 0 },
    { 1, 'A', 1, 1, 11 }, { 2, 'A', 1, 1, 11 }, { 3, 'A', 1, 1, 11 }, { 4, 'A', 1, 1, 11 }, { 5, 'A', 1, 1, 11 },
    { 1, 'A', 2, 2, 22 }, { 2, 'A', 2, 2, 22 },
    { 5, 'L', 3, 0, 0 }, { 5, 'A', 2, 3, 33 },
    { 1, 'L', 4, 0, 0 }, { 3, 'A', 2, 2, 22 },
    { 1, 'C', 2, 4, 0 }, { 1, 'P', 1, 1, 11 }, { 1, 'P', 2, 2, 22 },
    { 5, 'L', 5, 0, 0 },
    { 1, 'T', 2, 0, 0 }, { 1, 'A', 2, 3, 33 }, { 2, 'T', 2, 0, 0 }, { 2, 'A', 2, 3, 33 },
    { 5, 'A', 3, 5, 55 }, { 1, 'A', 3, 5, 55 }, { 2, 'A', 3, 5, 55 },
    { 5, 'C', 3, 5, 0 }, { 5, 'P', 1, 1, 11 }, { 5, 'P', 2, 3, 33 }, { 5, 'P', 3, 5, 55 },
  };
  ASSERT_COUNTS(RUN(steps, 5), 0, 0, 1, 1);
}

/* Stray values do not crash or allocate without bound: an index of 0, a
 * negative one and one far past everything seen are ignored. */
static void test_stray_indexes(void)
{
  static const Step steps[] = {
    { 1, 'A', 0, 1, 5 }, { 1, 'A', -7, 1, 5 }, { 1, 'A', INT64_MAX, 1, 5 },
    { 1, 'P', INT64_MAX, 1, 5 }, { 1, 'C', INT64_MAX, 0, 0 }, { 1, 'T', INT64_MIN, 0, 0 },
    { 1, 'A', 1, 1, 5 }, { 1, 'L', 1, 0, 0 }, { 1, 'C', 1, 0, 0 }, { 1, 'P', 1, 1, 5 },
  };
  ASSERT_COUNTS(RUN(steps, 2), 0, 0, 0, 0);
}

/* kv.raft's end-of-run check (kv_lincheck_history, which takes the
 * cas-register model when the history has a cas, as kv.raft's does): a
 * write of 1, a cas from 1 to 2, then a read. Returning 2 is linearizable;
 * returning 1 after the cas completed is not. */
static guint64 lincheck_read_after_cas(int64_t returned, double *metric)
{
  Sim *sim = sim_new(1);
  GError *error = NULL;
  int id = sim_add_node(sim, "c1", &other_model, NULL, &error);
  CU_ASSERT_PTR_NULL(error);
  sim_run(sim, SIM_MS);
  SimNode *c = sim_node(sim, id);
  SimValue key = sim_value_int(7), one = sim_value_int(1), cas = sim_value_pair(1, 2);
  SimValue nil = sim_value_nil(), got = sim_value_int(returned);
  uint64_t op = sim_op_invoke(c, "write", &key, &one, 0);
  sim_op_complete(c, op, SIM_OP_OK, &one);
  op = sim_op_invoke(c, "cas", &key, &cas, 0);
  sim_op_complete(c, op, SIM_OP_OK, &cas);
  op = sim_op_invoke(c, "read", &key, &nil, 0);
  sim_op_complete(c, op, SIM_OP_OK, &got);
  kv_lincheck_history(sim, &c, 1, 0, "linearizable", "raft");
  guint64 v = sim_violations(sim, "linearizable");
  CU_ASSERT(sim_metric_get(sim, "raft_lincheck", metric));
  sim_free(sim);
  return v;
}

static void test_lincheck_cas(void)
{
  double metric = -2;
  CU_ASSERT_EQUAL(lincheck_read_after_cas(2, &metric), 0);
  CU_ASSERT_EQUAL(metric, 1);
  CU_ASSERT_EQUAL(lincheck_read_after_cas(1, &metric), 1);
  CU_ASSERT_EQUAL(metric, 0);
}

/* raft_snapshot (models/raft/raft_snapshot.c) is compaction, not a
 * truncation: a server that installed a snapshot past its log and is
 * elected before appending anything holds every committed entry (with a
 * raft_truncate {from = 1} in its place the checker would wrongly report
 * leader_completeness); compaction keeps the entries after the snapshot,
 * and a restart re-emits the snapshot then the later entries. A snapshot
 * whose chain is not the one applied at its index breaks state machine
 * safety; one whose (index, term) holds another chain, log matching. */
static void test_snapshot_events(void)
{
  static const Step clean[] = {
    { 1, 'L', 1, 0, 0 },
    { 1, 'A', 1, 1, 101 }, { 1, 'A', 2, 1, 102 }, { 1, 'A', 3, 1, 103 },
    { 2, 'A', 1, 1, 101 }, { 2, 'A', 2, 1, 102 }, { 2, 'A', 3, 1, 103 },
    { 1, 'C', 3, 0, 0 }, { 1, 'P', 1, 1, 101 }, { 1, 'P', 2, 1, 102 }, { 1, 'P', 3, 1, 103 },
    { 1, 'S', 2, 1, 102 },                        /* n1 compacts 1..2, keeps 3 */
    { 3, 'A', 1, 0, 999 },                        /* n3 had a stale entry 1 */
    { 3, 'S', 3, 1, 103 },                        /* and installs the snapshot */
    { 3, 'C', 3, 0, 0 },
    { 3, 'L', 2, 0, 0 },                          /* holds 1..3: no violation */
    { 3, 'A', 4, 2, 204 }, { 1, 'A', 4, 2, 204 }, /* n1's log after its base */
    { 1, 'X', 0, 0, 0 }, { 1, 'R', 0, 0, 0 },
    { 1, 'T', 1, 0, 0 }, { 1, 'S', 2, 1, 102 }, { 1, 'A', 3, 1, 103 }, { 1, 'A', 4, 2, 204 },
    { 1, 'L', 3, 0, 0 },
  };
  ASSERT_COUNTS(RUN(clean, 3), 0, 0, 0, 0);
  static const Step bad[] = {
    { 1, 'L', 1, 0, 0 },
    { 1, 'A', 1, 1, 101 }, { 1, 'A', 2, 1, 102 }, { 1, 'C', 2, 0, 0 },
    { 1, 'P', 1, 1, 101 }, { 1, 'P', 2, 1, 102 },
    { 2, 'S', 2, 1, 777 },                        /* (2, term 1) with another chain */
  };
  ASSERT_COUNTS(RUN(bad, 2), 0, 1, 0, 1);
}

void suite_raft_check(void)
{
  CU_pSuite s = CU_add_suite("raft_check", NULL, NULL);
  CU_add_test(s, "a clean run with a restart violates nothing", test_clean_run);
  CU_add_test(s, "two leaders in one term: election_safety once", test_two_leaders_one_term);
  CU_add_test(s, "two entries at one (index, term): log_matching once", test_divergent_log);
  CU_add_test(s, "a leader without a committed entry: leader_completeness", test_leader_without_committed);
  CU_add_test(s, "two applies at one index: state_machine_safety per divergence", test_two_applies_one_index);
  CU_add_test(s, "truncation then a legitimate re-append violates nothing", test_truncate_then_reappend);
  CU_add_test(s, "Figure 8 as events: leader_completeness and state_machine_safety", test_figure8_events);
  CU_add_test(s, "stray indexes are ignored", test_stray_indexes);
  CU_add_test(s, "kv.raft histories: linearizable over read, write and cas", test_lincheck_cas);
  CU_add_test(s, "snapshots: compaction is not truncation; wrong snapshots caught", test_snapshot_events);
}
