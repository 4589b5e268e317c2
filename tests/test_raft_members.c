/* Raft membership (models/raft/raft_config.c, raft_members.c; Ongaro's
 * thesis §4.1-§4.2): the configuration rules on hand-built logs — entries
 * told apart from the machines' commands, the latest configuration used as
 * soon as appended and reverted by a truncation, rebuilt after a restart
 * from the durable records, majorities and the commit rule over the latest
 * configuration only (a new server counts at once, a leader removing
 * itself does not), one change at a time and only after an entry of the
 * leader's term is committed, who may campaign; a snapshot carrying its
 * configuration (restored by a restart and by InstallSnapshot) and read
 * rounds counted over the latest configuration — then whole runs:
 * scenarios/raft_add_server.lua and raft_remove_leader.lua under each
 * network fault alone and combined, also with ReadIndex, leases and
 * snapshots. */
#include "models/raft/raft.h"
#include "models/raft/raft_read.h"
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>
#include <string.h>

/* Appends `e` with `term` to s's log and tells `c` (if given). */
static void push(RaftState *s, RaftConfig *c, int64_t term, RaftEntry e)
{
  e.term = term;
  RaftAppendResult r;
  raft_append_entries(s, raft_last_index(s), &e, 1, &r);
  if (c)
    raft_config_appended(c, s, raft_last_index(s));
}

/* A key-value write with op id `op` (a machine's command). */
static RaftEntry kv_write(uint64_t op)
{
  RaftKvCmd cmd = { .kind = RAFT_WRITE, .has_key = TRUE, .key = 1, .a = 7, .op = op };
  RaftEntry e = { 0 };
  raft_cmd_pack(&cmd, &e.cmd[0], &e.cmd[1], &e.cmd[2]);
  return e;
}

static RaftEntry noop(void) { return (RaftEntry) { 0 }; }

/* The members of c's latest configuration as "1,2,3". */
static char *members(const RaftConfig *c)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < c->members->len; i++)
    g_string_append_printf(s, "%s%d", i ? "," : "", g_array_index(c->members, int, i));
  return g_string_free(s, FALSE);
}

#define ASSERT_MEMBERS(c, text)                                                  \
  do {                                                                           \
    g_autofree char *got_ = members(c);                                          \
    if (strcmp(got_, text) != 0)                                                 \
      fprintf(stderr, "\nmembers %s, expected %s\n", got_, text);                \
    CU_ASSERT_STRING_EQUAL(got_, text);                                          \
  } while (0)

static void test_entry_words(void)
{
  RaftConfigChange change = 0;
  int id = -1;
  RaftEntry e = raft_config_entry(RAFT_CONFIG_ADD, 4);
  CU_ASSERT_TRUE(raft_config_is_entry(&e, &change, &id));
  CU_ASSERT_EQUAL(change, RAFT_CONFIG_ADD);
  CU_ASSERT_EQUAL(id, 4);
  e = raft_config_entry(RAFT_CONFIG_REMOVE, 0);
  CU_ASSERT_TRUE(raft_config_is_entry(&e, &change, &id));
  CU_ASSERT_EQUAL(change, RAFT_CONFIG_REMOVE);
  CU_ASSERT_EQUAL(id, 0);
  /* The machines' commands and the no-op are not configuration entries,
   * whatever their op id (the kv machine's largest packs below 2^63). */
  RaftEntry n = noop(), w = kv_write(1), big = kv_write((UINT64_C(1) << 59) - 1);
  CU_ASSERT_FALSE(raft_config_is_entry(&n, &change, &id));
  CU_ASSERT_FALSE(raft_config_is_entry(&w, &change, &id));
  CU_ASSERT_FALSE(raft_config_is_entry(&big, &change, &id));
  CU_ASSERT_TRUE(big.cmd[0] >= 0);
  /* A malformed one is Raft's (never the machine's) but changes nothing. */
  RaftEntry bad = raft_config_entry(7, 3);
  CU_ASSERT_TRUE(raft_config_is_entry(&bad, &change, &id));
  CU_ASSERT_EQUAL(id, -1);
}

/* §4.1: the latest configuration in the log is used as soon as it is
 * appended; a truncation brings back the one before; a restart rebuilds it
 * from the durable records (the entries are ordinary raft_entry records). */
static void test_config_from_log(void)
{
  RaftState s;
  RaftConfig c;
  raft_state_init(&s);
  raft_config_init(&c, (int[]) { 3, 1, 2, 1 }, 4);
  ASSERT_MEMBERS(&c, "1,2,3");
  CU_ASSERT_EQUAL(c.index, 0);
  push(&s, &c, 1, noop());
  push(&s, &c, 1, kv_write(1));
  CU_ASSERT_FALSE(raft_config_appended(&c, &s, 2)); /* not a configuration entry */
  push(&s, &c, 1, raft_config_entry(RAFT_CONFIG_ADD, 4));        /* index 3 */
  ASSERT_MEMBERS(&c, "1,2,3,4");
  CU_ASSERT_EQUAL(c.index, 3);
  CU_ASSERT_TRUE(raft_config_had(&c, 1));
  CU_ASSERT_FALSE(raft_config_had(&c, 4));
  push(&s, &c, 2, noop());
  push(&s, &c, 2, raft_config_entry(RAFT_CONFIG_REMOVE, 1));     /* index 5 */
  ASSERT_MEMBERS(&c, "2,3,4");
  CU_ASSERT_EQUAL(c.index, 5);
  CU_ASSERT_TRUE(raft_config_had(&c, 1));
  CU_ASSERT_FALSE(raft_config_has(&c, 1));
  CU_ASSERT_EQUAL(raft_config_size(&c), 3);

  /* A restart: the records the server wrote, replayed. */
  GPtrArray *records = g_ptr_array_new_with_free_func(g_free);
  for (int64_t i = 1; i <= raft_last_index(&s); i++) {
    SimMsg r = raft_entry_record(i, raft_entry_at(&s, i));
    g_ptr_array_add(records, g_memdup2(&r, sizeof r));
  }
  RaftState back;
  RaftConfig cb;
  raft_state_init(&back);
  raft_recover(&back, (const SimMsg *const *) records->pdata, records->len);
  raft_config_init(&cb, (int[]) { 1, 2, 3 }, 3);
  raft_config_load(&cb, &back);
  ASSERT_MEMBERS(&cb, "2,3,4");
  CU_ASSERT_EQUAL(cb.index, 5);
  g_ptr_array_unref(records);

  /* Truncations: the configuration entries removed are forgotten. */
  CU_ASSERT_FALSE(raft_config_truncated(&c, 6)); /* none at or after 6 */
  CU_ASSERT_TRUE(raft_config_truncated(&c, 5));
  ASSERT_MEMBERS(&c, "1,2,3,4");
  CU_ASSERT_EQUAL(c.index, 3);
  CU_ASSERT_TRUE(raft_config_truncated(&c, 2));
  ASSERT_MEMBERS(&c, "1,2,3");
  CU_ASSERT_EQUAL(c.index, 0);
  /* An entry appended at an index a step still held replaces it (the
   * caller reports the truncation first; the rule holds either way). */
  raft_config_load(&c, &s);
  RaftAppendResult r;
  RaftEntry other = raft_config_entry(RAFT_CONFIG_REMOVE, 2);
  other.term = 3;
  raft_append_entries(&s, 4, &other, 1, &r);
  CU_ASSERT_EQUAL(r.truncated_from, 5);
  raft_config_appended(&c, &s, 5);
  ASSERT_MEMBERS(&c, "1,3,4");
  CU_ASSERT_EQUAL(c.steps->len, 2);
  raft_config_clear(&c);
  raft_config_clear(&cb);
  raft_state_clear(&s);
  raft_state_clear(&back);
}

/* Votes and CheckQuorum: a majority of the latest configuration, each
 * member once, non-members ignored. */
static void test_majority(void)
{
  RaftConfig c;
  raft_config_init(&c, (int[]) { 1, 2, 3, 4 }, 4);
  CU_ASSERT_FALSE(raft_config_majority(&c, (int[]) { 1, 2 }, 2));
  CU_ASSERT_TRUE(raft_config_majority(&c, (int[]) { 1, 2, 3 }, 3));
  CU_ASSERT_FALSE(raft_config_majority(&c, (int[]) { 1, 1, 2 }, 3));
  CU_ASSERT_FALSE(raft_config_majority(&c, (int[]) { 1, 2, 9 }, 3));
  raft_config_clear(&c);
  raft_config_init(&c, NULL, 0);
  CU_ASSERT_FALSE(raft_config_majority(&c, (int[]) { 1 }, 1));
  raft_config_clear(&c);
}

/* The commit rule over the latest configuration: a server added is
 * counted from the moment its entry is appended; a leader that removed
 * itself does not count its own log (§4.2.2). */
static void test_commit_over_config(void)
{
  RaftState s;
  RaftConfig c;
  raft_state_init(&s);
  raft_config_init(&c, (int[]) { 1, 2, 3 }, 3);
  s.currentTerm = 1;
  push(&s, &c, 1, noop());
  push(&s, &c, 1, kv_write(1));
  int ids[] = { 2, 3, 4 };
  /* Old configuration {1,2,3}: leader 1 and server 2 hold index 2. */
  CU_ASSERT_EQUAL(raft_config_commit(&c, &s, ids, (int64_t[]) { 2, 0, 0 }, 3, 1, FALSE), 2);
  push(&s, &c, 1, raft_config_entry(RAFT_CONFIG_ADD, 4));
  push(&s, &c, 1, kv_write(2));
  /* {1,2,3,4}: two of four are not a majority any more. */
  CU_ASSERT_EQUAL(raft_config_commit(&c, &s, ids, (int64_t[]) { 4, 0, 0 }, 3, 1, FALSE), 0);
  CU_ASSERT_EQUAL(raft_config_commit(&c, &s, ids, (int64_t[]) { 4, 0, 4 }, 3, 1, FALSE), 4);
  /* A member without a slot counts 0. */
  CU_ASSERT_EQUAL(raft_config_commit(&c, &s, ids, (int64_t[]) { 4, 4 }, 2, 1, FALSE), 4);
  CU_ASSERT_EQUAL(raft_config_commit(&c, &s, ids, (int64_t[]) { 4 }, 1, 1, FALSE), 0);
  /* Leader 1 removes itself: {2,3,4}; its own log no longer counts. */
  push(&s, &c, 1, raft_config_entry(RAFT_CONFIG_REMOVE, 1));
  CU_ASSERT_EQUAL(raft_config_commit(&c, &s, ids, (int64_t[]) { 5, 0, 0 }, 3, 1, FALSE), 0);
  CU_ASSERT_EQUAL(raft_config_commit(&c, &s, ids, (int64_t[]) { 5, 0, 5 }, 3, 1, FALSE), 5);
  /* Figure 8 still holds: entries of an earlier term are not committed by
   * counting (unless the broken variant's old_terms). */
  s.currentTerm = 2;
  CU_ASSERT_EQUAL(raft_config_commit(&c, &s, ids, (int64_t[]) { 5, 5, 5 }, 3, 1, FALSE), 0);
  CU_ASSERT_EQUAL(raft_config_commit(&c, &s, ids, (int64_t[]) { 5, 5, 5 }, 3, 1, TRUE), 5);
  raft_config_clear(&c);
  raft_state_clear(&s);
}

/* One change at a time, and not before an entry of the leader's term is
 * committed (the 2015 fix: otherwise an uncommitted configuration of an
 * earlier term could still commit beside the new one). */
static void test_may_change(void)
{
  RaftState s;
  RaftConfig c;
  raft_state_init(&s);
  raft_config_init(&c, (int[]) { 1, 2, 3 }, 3);
  s.currentTerm = 1;
  CU_ASSERT_FALSE(raft_config_may_change(&c, &s)); /* nothing committed */
  push(&s, &c, 1, noop());
  s.commitIndex = 1;
  CU_ASSERT_TRUE(raft_config_may_change(&c, &s));
  push(&s, &c, 1, raft_config_entry(RAFT_CONFIG_ADD, 4)); /* index 2 */
  CU_ASSERT_FALSE(raft_config_may_change(&c, &s));        /* uncommitted */
  s.commitIndex = 2;
  CU_ASSERT_TRUE(raft_config_may_change(&c, &s));
  /* A new leader of term 2 with the same log: not before its no-op commits. */
  s.currentTerm = 2;
  CU_ASSERT_FALSE(raft_config_may_change(&c, &s));
  push(&s, &c, 2, noop());
  CU_ASSERT_FALSE(raft_config_may_change(&c, &s));
  s.commitIndex = 3;
  CU_ASSERT_TRUE(raft_config_may_change(&c, &s));
  raft_config_clear(&c);
  raft_state_clear(&s);
}

/* Who starts elections: members; a server being removed until it knows the
 * removal committed (§4.2.2); never a server that joins before it is
 * added. */
static void test_may_campaign(void)
{
  RaftState s;
  RaftConfig c;
  raft_state_init(&s);
  /* Server 4 joins: its initial configuration is the others. */
  raft_config_init(&c, (int[]) { 1, 2, 3 }, 3);
  CU_ASSERT_FALSE(raft_config_may_campaign(&c, &s, 4));
  CU_ASSERT_TRUE(raft_config_may_campaign(&c, &s, 1));
  push(&s, &c, 1, noop());
  push(&s, &c, 1, raft_config_entry(RAFT_CONFIG_ADD, 4));
  CU_ASSERT_TRUE(raft_config_may_campaign(&c, &s, 4));
  push(&s, &c, 1, raft_config_entry(RAFT_CONFIG_REMOVE, 1)); /* index 3 */
  s.commitIndex = 2;
  CU_ASSERT_TRUE(raft_config_may_campaign(&c, &s, 1));
  s.commitIndex = 3;
  CU_ASSERT_FALSE(raft_config_may_campaign(&c, &s, 1));
  CU_ASSERT_FALSE(raft_config_may_campaign(&c, &s, 9));
  /* removed_at: the removal's index while it is out, 0 once re-added. */
  CU_ASSERT_EQUAL(raft_config_removed_at(&c, 1), 3);
  CU_ASSERT_EQUAL(raft_config_removed_at(&c, 2), 0);
  CU_ASSERT_EQUAL(raft_config_removed_at(&c, 9), 0);
  push(&s, &c, 1, raft_config_entry(RAFT_CONFIG_ADD, 1));
  CU_ASSERT_EQUAL(raft_config_removed_at(&c, 1), 0);
  raft_config_clear(&c);
  raft_state_clear(&s);
}

/* Figure 13: a snapshot carries the configuration as of its last included
 * index (raft_config_save), and a restart whose log begins after the entry
 * that added 4 (compacted) still has 4 as a member, with the removal of 2
 * after the snapshot on top of it; a truncation falls back to the
 * snapshot's configuration. */
static void test_snapshot_keeps_config(void)
{
  RaftState s;
  RaftConfig c;
  raft_state_init(&s);
  s.currentTerm = 1;
  raft_config_init(&c, (int[]) { 1, 2, 3 }, 3);
  push(&s, &c, 1, noop());
  push(&s, &c, 1, raft_config_entry(RAFT_CONFIG_ADD, 4));     /* index 2 */
  push(&s, &c, 1, raft_config_entry(RAFT_CONFIG_REMOVE, 2));  /* index 3 */
  g_autoptr(GArray) none = g_array_new(FALSE, FALSE, sizeof(int64_t));
  CU_ASSERT_FALSE(raft_config_save(&c, 1, none)); /* nothing to carry yet */
  CU_ASSERT_EQUAL(none->len, 0);
  /* The snapshot's words as raft_snapshot.c lays them out: the chain with
   * RAFT_SNAP_CONFIG_FLAG, the section, the machine's words. */
  g_autoptr(GArray) w = g_array_new(FALSE, FALSE, sizeof(int64_t));
  int64_t chain = raft_chain_at(&s, 2), word = 42;
  g_array_append_val(w, chain);
  CU_ASSERT_TRUE_FATAL(raft_config_save(&c, 2, w));
  CU_ASSERT_EQUAL(raft_config_section_len(&g_array_index(w, int64_t, 1), w->len - 1), w->len - 1);
  g_array_index(w, int64_t, 0) |= RAFT_SNAP_CONFIG_FLAG;
  g_array_append_val(w, word);
  CU_ASSERT_TRUE(raft_snapshot_compact(&s, 2, 1, w));
  CU_ASSERT_EQUAL(s.lastIncludedChain, chain);
  RaftConfig back;
  raft_config_init(&back, (int[]) { 1, 2, 3 }, 3);
  raft_config_load(&back, &s);
  ASSERT_MEMBERS(&back, "1,3,4");
  CU_ASSERT_EQUAL(back.index, 3);
  CU_ASSERT_TRUE(raft_config_had(&back, 2));
  CU_ASSERT_TRUE(raft_config_truncated(&back, 3));
  ASSERT_MEMBERS(&back, "1,2,3,4");
  CU_ASSERT_EQUAL(back.index, 2);
  CU_ASSERT_FALSE(raft_config_had(&back, 4));
  raft_config_clear(&back);
  raft_config_clear(&c);
  raft_state_clear(&s);
}

/* InstallSnapshot's side (raft_config_compact): a section replaces the
 * configuration up to the snapshot and later entries stay on top; without
 * one the follower's own entries up to there (uncommitted: not the
 * leader's) are dropped; a removal the snapshot covers still names whom it
 * removed (raft_config_removed_at); malformed sections are not taken. */
static void test_install_replaces_config(void)
{
  RaftState ls, fs;
  RaftConfig leader, follower;
  raft_state_init(&ls);
  raft_config_init(&leader, (int[]) { 1, 2, 3 }, 3);
  push(&ls, &leader, 1, noop());
  push(&ls, &leader, 1, raft_config_entry(RAFT_CONFIG_REMOVE, 3)); /* index 2 */
  g_autoptr(GArray) w = g_array_new(FALSE, FALSE, sizeof(int64_t));
  CU_ASSERT_TRUE_FATAL(raft_config_save(&leader, 2, w));
  /* The follower: an uncommitted entry adding 5 at 2, one adding 4 at 3. */
  raft_state_init(&fs);
  raft_config_init(&follower, (int[]) { 1, 2, 3 }, 3);
  push(&fs, &follower, 1, noop());
  push(&fs, &follower, 1, raft_config_entry(RAFT_CONFIG_ADD, 5));
  push(&fs, &follower, 1, raft_config_entry(RAFT_CONFIG_ADD, 4));
  ASSERT_MEMBERS(&follower, "1,2,3,4,5");
  CU_ASSERT_TRUE(raft_config_compact(&follower, 2, &g_array_index(w, int64_t, 0), w->len));
  ASSERT_MEMBERS(&follower, "1,2,4");
  CU_ASSERT_EQUAL(follower.index, 3);
  CU_ASSERT_TRUE(raft_config_truncated(&follower, 3));
  ASSERT_MEMBERS(&follower, "1,2");
  CU_ASSERT_EQUAL(follower.index, 2);
  CU_ASSERT_EQUAL(raft_config_removed_at(&follower, 3), 2);
  CU_ASSERT_EQUAL(raft_config_removed_at(&follower, 2), 0);
  raft_config_clear(&follower);
  /* No section: the follower's own entry at 2 is dropped. */
  raft_config_init(&follower, (int[]) { 1, 2, 3 }, 3);
  raft_config_appended(&follower, &fs, 2);
  ASSERT_MEMBERS(&follower, "1,2,3,5");
  CU_ASSERT_TRUE(raft_config_compact(&follower, 2, NULL, 0));
  ASSERT_MEMBERS(&follower, "1,2,3");
  CU_ASSERT_EQUAL(follower.index, 0);
  CU_ASSERT_EQUAL(raft_config_section_len((int64_t[]) { 2, 5, 1 }, 3), 0);        /* too short */
  CU_ASSERT_EQUAL(raft_config_section_len((int64_t[]) { 2, 2, 3, 1, 0 }, 5), 0);  /* unsorted */
  CU_ASSERT_EQUAL(raft_config_section_len((int64_t[]) { 0, 1, 3, 0 }, 4), 0);     /* no entry */
  CU_ASSERT_EQUAL(raft_config_section_len((int64_t[]) { 2, 1, 3, 0 }, 4), 4);
  raft_config_clear(&follower);
  raft_config_clear(&leader);
  raft_state_clear(&fs);
  raft_state_clear(&ls);
}

/* ReadIndex and lease rounds (raft_read.c) count a majority of the latest
 * configuration: a removed server's acknowledgement counts for nothing, an
 * added one's at once, a leader removing itself does not count itself. */
static void test_read_round_over_config(void)
{
  int peers[] = { 2, 3, 4 };
  const int steps[][2] = { { RAFT_CONFIG_REMOVE, 3 }, { RAFT_CONFIG_ADD, 4 }, { RAFT_CONFIG_REMOVE, 1 } };
  /* acked by peers 2, 3, 4 → the round confirmed (current round 5). */
  const struct { guint step; int64_t acked[3]; int64_t want; } cases[] = {
    { 0, { 0, 5, 0 }, 0 }, /* {1,2}: 3's ack is nothing (the slot rule took it) */
    { 0, { 4, 5, 0 }, 4 },
    { 1, { 5, 0, 0 }, 0 }, /* {1,2,3,4}: three of four */
    { 1, { 5, 0, 3 }, 3 },
    { 1, { 5, 5, 3 }, 5 },
    { 2, { 5, 0, 0 }, 0 }, /* {2,3}: the leader 1 does not count */
    { 2, { 5, 2, 0 }, 2 },
  };
  for (guint k = 0; k < G_N_ELEMENTS(cases); k++) {
    RaftState s;
    RaftConfig c;
    raft_state_init(&s);
    raft_config_init(&c, (int[]) { 1, 2, 3 }, 3);
    push(&s, &c, 1, raft_config_entry((RaftConfigChange) steps[cases[k].step][0], steps[cases[k].step][1]));
    guint npeers = cases[k].step == 1 ? 3 : 2;
    CU_ASSERT_EQUAL(raft_read_config_round(&c, 1, peers, cases[k].acked, npeers, 5), cases[k].want);
    raft_config_clear(&c);
    raft_state_clear(&s);
  }
  CU_ASSERT_EQUAL(raft_read_quorum_round((int64_t[]) { 0, 5 }, 3, 5), 5);
}

/* Runs `path` with fault=`fault` (and the --set pairs key, value, ... of
 * the NULL-terminated `set`, if given) at `seed`; TRUE if its expect{}
 * held. */
static gboolean scenario_holds(const char *path, const char *fault, uint64_t seed, const char *const *set)
{
  g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(over, "fault", (gpointer) fault);
  for (guint i = 0; set && set[i]; i += 2)
    g_hash_table_insert(over, (gpointer) set[i], (gpointer) set[i + 1]);
  ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run(path, seed, over, &opt, &error);
  if (!sc) {
    fprintf(stderr, "\n%s: %s\n", path, error->message);
    g_error_free(error);
    return FALSE;
  }
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = scenario_verdict(sc, failures);
  for (guint i = 0; i < failures->len; i++)
    fprintf(stderr, "\n%s fault=%s seed %" G_GUINT64_FORMAT "%s%s%s%s: %s\n", path, fault, seed, set ? " " : "",
            set ? set[0] : "", set ? "=" : "", set ? set[1] : "", (const char *) failures->pdata[i]);
  return ok;
}

/* Each network fault alone, crash-restarts, and all combined: the
 * scenarios' expectations (lincheck, the Raft invariants, the change
 * answered OK, s4 needed in every majority / the removed leader out). */
static void test_scenarios_under_faults(void)
{
  const char *faults[] = { "none", "loss", "duplicate", "reorder", "delay", "crash", "all" };
  const char *paths[] = { "scenarios/raft_add_server.lua", "scenarios/raft_remove_leader.lua" };
  for (guint p = 0; p < G_N_ELEMENTS(paths); p++)
    for (guint f = 0; f < G_N_ELEMENTS(faults); f++)
      for (uint64_t seed = 1; seed <= 3; seed++)
        CU_ASSERT_TRUE(scenario_holds(paths[p], faults[f], seed, NULL));
}

/* The same with reads outside the log (ReadIndex; a lease, which the
 * scenarios run with CheckQuorum) and with snapshots (alone and beside a
 * lease), at two seeds: a round counts the latest configuration, a
 * snapshot carries its configuration (without, a restart or an
 * InstallSnapshot forgets that s4 was added and s4_in_quorum fails). */
static void test_with_reads_and_snapshots(void)
{
  static const char *const modes[][5] = {
    { "read", "readindex", NULL },
    { "read", "lease", NULL },
    { "snapshot_every", "20", NULL },
    { "snapshot_every", "20", "read", "lease", NULL },
  };
  const char *faults[] = { "none", "loss", "duplicate", "reorder", "delay", "crash", "all" };
  const char *paths[] = { "scenarios/raft_add_server.lua", "scenarios/raft_remove_leader.lua" };
  for (guint p = 0; p < G_N_ELEMENTS(paths); p++)
    for (guint m = 0; m < G_N_ELEMENTS(modes); m++)
      for (guint f = 0; f < G_N_ELEMENTS(faults); f++)
        for (uint64_t seed = 1; seed <= 2; seed++)
          CU_ASSERT_TRUE(scenario_holds(paths[p], faults[f], seed, modes[m]));
}

/* Runs raft_add_server.lua with `key`=`value` at `seed`: its verdict, and
 * metric `name` in *out (-1 if absent). */
static gboolean add_variant(const char *key, const char *value, uint64_t seed, const char *name, double *out)
{
  g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(over, (gpointer) key, (gpointer) value);
  ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run("scenarios/raft_add_server.lua", seed, over, &opt, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  *out = -1;
  sim_metric_get(sc->sim, name, out);
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  return scenario_verdict(sc, failures);
}

/* Figure 4.1's TIMEOUT: a new server that is down makes no progress, the
 * leader gives up and the admin asks again until it is back; and one
 * change at a time: a second admin removing s3 meanwhile is answered BUSY
 * or waits its turn, and both changes commit. */
static void test_timeout_and_one_at_a_time(void)
{
  for (uint64_t seed = 1; seed <= 2; seed++) {
    double v;
    CU_ASSERT_TRUE(add_variant("s4_down", "1s", seed, "raft_admin_timeouts", &v));
    CU_ASSERT_TRUE(v >= 1);
    CU_ASSERT_TRUE(add_variant("remove_too", "true", seed, "raft_config_changes", &v));
    CU_ASSERT_EQUAL(v, 2);
  }
}

/* §4.2.3: the removed leader restarts, forgets that its removal committed
 * and campaigns; unprotected, it deposes the new leader (the scenario
 * expects disruptions >= 1), with CheckQuorum or PreVote it cannot
 * (disruptions = 0). */
static void test_disruptive_removed_server(void)
{
  const char *sets[][2] = { { "check_quorum", "false" }, { "check_quorum", "true" }, { "prevote", "true" } };
  for (guint i = 0; i < G_N_ELEMENTS(sets); i++)
    for (uint64_t seed = 1; seed <= 2; seed++) {
      g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
      g_hash_table_insert(over, "restart_removed", "true");
      g_hash_table_insert(over, (gpointer) sets[i][0], (gpointer) sets[i][1]);
      ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
      GError *error = NULL;
      g_autoptr(Scenario) sc = scenario_run("scenarios/raft_remove_leader.lua", seed, over, &opt, &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
      double d = -1;
      sim_metric_get(sc->sim, "disruptions", &d);
      CU_ASSERT_TRUE(i == 0 ? d >= 1 : d == 0);
      g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
      CU_ASSERT_TRUE(scenario_verdict(sc, failures));
    }
}

void suite_raft_members(void)
{
  CU_pSuite s = CU_add_suite("raft_members", NULL, NULL);
  CU_add_test(s, "configuration entries are Raft's, never a machine's command", test_entry_words);
  CU_add_test(s, "latest configuration on append, reverted by truncation, rebuilt on restart", test_config_from_log);
  CU_add_test(s, "majority of the latest configuration, each member once", test_majority);
  CU_add_test(s, "commit rule: a new server counts at once, a leader removing itself does not", test_commit_over_config);
  CU_add_test(s, "one change at a time, after an entry of the leader's term commits", test_may_change);
  CU_add_test(s, "who campaigns: members, a removed server until it knows, never a joiner", test_may_campaign);
  CU_add_test(s, "a snapshot carries its configuration; a restart restores it", test_snapshot_keeps_config);
  CU_add_test(s, "InstallSnapshot replaces the configuration up to its index", test_install_replaces_config);
  CU_add_test(s, "read rounds count a majority of the latest configuration", test_read_round_over_config);
  CU_add_test(s, "add a server, remove the leader: each network fault alone and combined", test_scenarios_under_faults);
  CU_add_test(s, "the same with ReadIndex, leases and snapshots", test_with_reads_and_snapshots);
  CU_add_test(s, "a restarted removed server disrupts unless CheckQuorum or PreVote", test_disruptive_removed_server);
  CU_add_test(s, "TIMEOUT while the new server is down; a second change waits its turn", test_timeout_and_one_at_a_time);
}
