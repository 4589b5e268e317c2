/* The fault schedule (sim/lua/fault_schedule.h): a run's faults recorded
 * with their times and resolved arguments replay, with the scenario's own
 * fault calls switched off, to the same trace digest as the run. */
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>
#include <stdio.h>

/* Runs `file` at `seed`, recording into `record` and/or replaying
 * `replay` (exactly); returns the trace digest, or NULL if it failed. */
static char *digest_of(const char *file, uint64_t seed, FaultSchedule *record, const FaultSchedule *replay)
{
  ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
  opt.record_faults = record;
  opt.replay_faults = replay;
  opt.replay_exact = TRUE;
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run(file, seed, NULL, &opt, &error);
  if (!sc) {
    fprintf(stderr, "\n%s: %s\n", file, error ? error->message : "?");
    g_clear_error(&error);
    return NULL;
  }
  return sim_trace_digest(sc->sim);
}

/* Records, replays, and returns the number of faults recorded (or -1 if
 * the digests differ). */
static int replays_same(const char *file, uint64_t seed)
{
  g_autoptr(FaultSchedule) rec = fault_schedule_new();
  g_autofree char *plain = digest_of(file, seed, NULL, NULL);
  g_autofree char *recorded = digest_of(file, seed, rec, NULL);
  g_autoptr(FaultSchedule) again = fault_schedule_new();
  g_autofree char *replayed = digest_of(file, seed, again, rec);
  if (!plain || !recorded || !replayed)
    return -2;
  if (strcmp(plain, recorded) != 0 || strcmp(plain, replayed) != 0) {
    fprintf(stderr, "\n%s seed %" G_GUINT64_FORMAT ": %s recorded %s replayed %s\n", file, seed, plain, recorded,
            replayed);
    return -1;
  }
  /* The replayed run applied the same faults at the same times. */
  if (fault_schedule_len(again) != fault_schedule_len(rec))
    return -3;
  for (guint i = 0; i < fault_schedule_len(rec); i++)
    if (fault_schedule_get(again, i)->at != fault_schedule_get(rec, i)->at ||
        fault_schedule_get(again, i)->kind != fault_schedule_get(rec, i)->kind)
      return -3;
  return (int) fault_schedule_len(rec);
}

/* Timed faults (at/after/every), random ones (nemesis) and faults made by
 * hooks and timelines on protocol events, link changes included. */
static void test_replay_same_digest(void)
{
  static const struct { const char *file; uint64_t seed; int min_faults; } cases[] = {
    { "scenarios/nemesis.lua", 1, 4 },
    { "scenarios/faults_timed.lua", 1, 2 },
    { "scenarios/triggers.lua", 1, 1 },
    { "scenarios/lock_gc_pause.lua", 1, 1 },
    { "scenarios/lock_redlock_clock_jump.lua", 1, 1 },
    { "scenarios/txn_3pc_partition.lua", 8, 2 },
    { "scenarios/raft_nemesis.lua", 1, 2 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    int n = replays_same(cases[i].file, cases[i].seed);
    if (n < cases[i].min_faults)
      fprintf(stderr, "\n%s: %d\n", cases[i].file, n);
    CU_ASSERT(n >= cases[i].min_faults);
  }
}

/* Replaying changes the run: without the scenario's faults (an empty
 * schedule) or without one of them, the digest differs. */
static void test_replay_is_not_the_script(void)
{
  const char *file = "scenarios/nemesis.lua";
  g_autoptr(FaultSchedule) rec = fault_schedule_new();
  g_autofree char *full = digest_of(file, 1, rec, NULL);
  g_autoptr(FaultSchedule) none = fault_schedule_new();
  g_autoptr(FaultSchedule) seen = fault_schedule_new();
  g_autofree char *empty = digest_of(file, 1, seen, none);
  CU_ASSERT_PTR_NOT_NULL_FATAL(full);
  CU_ASSERT_PTR_NOT_NULL_FATAL(empty);
  CU_ASSERT_STRING_NOT_EQUAL(full, empty);
  CU_ASSERT_EQUAL(fault_schedule_len(seen), 0);
  g_autoptr(FaultSchedule) fewer = fault_schedule_copy(rec);
  g_array_remove_index(fewer->faults, 0);
  g_autofree char *less = digest_of(file, 1, NULL, fewer);
  CU_ASSERT_STRING_NOT_EQUAL(full, less);
}

/* Faults print as the Lua calls that make them, times to the nanosecond. */
static void test_fault_lua_text(void)
{
  g_autofree char *a = fault_duration_text(1500 * SIM_MS);
  CU_ASSERT_STRING_EQUAL(a, "1.5s");
  g_autofree char *b = fault_duration_text(-2 * SIM_S);
  CU_ASSERT_STRING_EQUAL(b, "-2s");
  g_autofree char *c = fault_duration_text(1043210123);
  CU_ASSERT_STRING_EQUAL(c, "1.043210123s");
  /* Node names come from the Sim: faults_timed.lua makes one of each kind. */
  g_autoptr(FaultSchedule) rec = fault_schedule_new();
  ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
  opt.record_faults = rec;
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run("scenarios/faults_timed.lua", 1, NULL, &opt, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  g_autoptr(GString) out = g_string_new(NULL);
  for (guint i = 0; i < fault_schedule_len(rec); i++) {
    fault_to_lua(out, sc->sim, fault_schedule_get(rec, i), "");
    g_string_append_c(out, '\n');
  }
  static const char *const want[] = {
    "crash_restart(\"server\", \"0.5s\")\n", "pause(\"client2\")\n", "clock_jump(\"backup\", \"-0.5s\")\n",
    "partition({ \"server\" }, { \"client1\", \"client2\" })\n", "restore(\"client1\", \"server\")\n",
    "link(\"client2\", \"server\", { latency = \"20ms\", loss = 0, duplicate = 0, fifo = false, bandwidth = false })\n",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
    CU_ASSERT_PTR_NOT_NULL(strstr(out->str, want[i]));
}

void suite_fault_schedule(void)
{
  CU_pSuite s = CU_add_suite("fault_schedule", NULL, NULL);
  CU_add_test(s, "a recorded schedule replays to the same digest", test_replay_same_digest);
  CU_add_test(s, "a replay runs the schedule, not the script's faults", test_replay_is_not_the_script);
  CU_add_test(s, "faults print as Lua calls", test_fault_lua_text);
}
