/* Protocol models written in Lua (sim/lua/lua_model.c): a Lua echo against the
 * C one, the self API, volatile and durable state across crashes, errors
 * inside handlers and include(), and the 2PC lab's grader with the reference
 * and the broken solution. */
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include "tests/spawn.h"
#include <CUnit/CUnit.h>
#include <string.h>

static const ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;

/* Runs `path` with `seed` and at most one --set key=value (key may be NULL). */
static Scenario *run_set(const char *path, guint64 seed, const char *key, const char *value)
{
  g_autoptr(GHashTable) set = g_hash_table_new(g_str_hash, g_str_equal);
  if (key)
    g_hash_table_insert(set, (gpointer) key, (gpointer) value);
  GError *error = NULL;
  Scenario *sc = scenario_run(path, seed, key ? set : NULL, &options, &error);
  if (!sc) {
    fprintf(stderr, "\n%s\n", error->message);
    g_error_free(error);
  }
  return sc;
}

static gboolean holds(Scenario *sc)
{
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = scenario_verdict(sc, failures);
  for (guint i = 0; i < failures->len; i++)
    fprintf(stderr, "\n%s: %s\n", sc->path, (char *) failures->pdata[i]);
  return ok;
}

/* The Lua echo answers exactly like echo.server: same seed, same counts. */
static void test_lua_echo_like_c(void)
{
  for (guint64 seed = 1; seed <= 3; seed++) {
    g_autoptr(Scenario) lua = run_set("tests/data/luamodel/ping.lua", seed, "impl", "lua");
    g_autoptr(Scenario) c = run_set("tests/data/luamodel/ping.lua", seed, "impl", "c");
    CU_ASSERT_PTR_NOT_NULL_FATAL(lua);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const SimStats *a = sim_stats(lua->sim), *b = sim_stats(c->sim);
    CU_ASSERT(a->ok > 100);
    CU_ASSERT(a->info > 0); /* the crash cost some pings */
    CU_ASSERT_EQUAL(a->sent, b->sent);
    CU_ASSERT_EQUAL(a->delivered, b->delivered);
    CU_ASSERT_EQUAL(a->dropped, b->dropped);
    CU_ASSERT_EQUAL(a->ok, b->ok);
    CU_ASSERT_EQUAL(a->info, b->info);
    CU_ASSERT_STRING_EQUAL(sim_node_model(sim_node(lua->sim, 0))->name, "lab.echo");
  }
}

/* self.state is fresh after a restart, self.durable is kept, tagged timers
 * of the old incarnation die. */
static void test_volatile_and_durable(void)
{
  g_autoptr(Scenario) sc = run_set("tests/data/luamodel/echo.lua", 1, NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  CU_ASSERT_TRUE(g_hash_table_contains(sc->sim->invariants, "volatile_reset_durable_kept"));
  CU_ASSERT_EQUAL(sim_violations(sc->sim, "volatile_reset_durable_kept"), 0);
  CU_ASSERT_EQUAL(sim_violations(sc->sim, "echo_answers"), 0);
  CU_ASSERT_TRUE(holds(sc));
}

static void test_self_api(void)
{
  g_autoptr(Scenario) sc = run_set("tests/data/luamodel/api.lua", 1, NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  const char *names[] = { "restart_sees_synced_log", "params_and_random", "timers", "broadcast", "invoke" };
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
    CU_ASSERT_TRUE(g_hash_table_contains(sc->sim->invariants, names[i]));
    CU_ASSERT_EQUAL(sim_violations(sc->sim, names[i]), 0);
  }
  CU_ASSERT_EQUAL(sim_stats(sc->sim)->invoked, 2);
  CU_ASSERT_EQUAL(sim_stats(sc->sim)->ok, 2);
  g_autoptr(Scenario) crash = run_set("tests/data/luamodel/crash_inside.lua", 1, NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(crash);
  CU_ASSERT_EQUAL(sim_violations(crash->sim, "one_send"), 0);
  CU_ASSERT_EQUAL(sim_log_length(sim_node(crash->sim, 0)), 0);
}

/* Errors in model code end the run with exit 2 and the model's file:line. */
static void test_handler_errors(void)
{
  SpawnResult r = spawn_faultsim((const char *[]) { "run", "tests/data/luamodel/bad_handler.lua", NULL });
  CU_ASSERT_EQUAL(r.status, 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "tests/data/luamodel/bad_handler.lua:9: attempt to index a nil value"));
  CU_ASSERT_STRING_EQUAL(r.out, "");
  spawn_result_clear(&r);
  r = spawn_faultsim((const char *[]) { "run", "tests/data/errors/include_missing.lua", NULL });
  CU_ASSERT_EQUAL(r.status, 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "include(): no file 'tests/data/errors/no_such_solution.lua'"));
  spawn_result_clear(&r);
  /* An error inside an included file names that file, not the includer. */
  r = spawn_faultsim((const char *[]) { "run", "tests/data/errors/include_error.lua", NULL });
  CU_ASSERT_EQUAL(r.status, 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "_included_error.lua:3: an error in the included file"));
  spawn_result_clear(&r);
}

/* The grader passes the reference on every seed and catches the broken
 * solution, printing the first failing seed and how to rerun it. */
static void test_2pc_grader(void)
{
  SpawnResult r = spawn_faultsim((const char *[]) { "check", "scenarios/labs/2pc/grade.lua", NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "PASS  scenarios/labs/2pc/grade.lua"));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "held in 50/50"));
  spawn_result_clear(&r);
  r = spawn_faultsim((const char *[]) { "check", "scenarios/labs/2pc/grade.lua", "--set",
                                         "solution=_wrong_decide_alone.lua", NULL });
  CU_ASSERT_EQUAL(r.status, 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "FAIL  scenarios/labs/2pc/grade.lua"));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "seed 5: invariant atomicity = 1 (expected 0)"));
  /* ... and the message where it broke. */
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "first: atomicity: t=5.829754s: txn 64: coord decided abort"));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "faultsim run scenarios/labs/2pc/grade.lua --seed 5 "
                                       "--set 'solution=_wrong_decide_alone.lua'"));
  spawn_result_clear(&r);
  r = spawn_faultsim((const char *[]) { "run", "scenarios/labs/2pc/grade.lua", "--set", "solution=_wrong_decide_alone.lua",
                                         "--seed", "5", NULL });
  CU_ASSERT_EQUAL(r.status, 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "txn 64: coord decided abort at t=5.727741s but p2 decided commit at t=5.829754s"));
  spawn_result_clear(&r);
  /* The skeleton runs (and fails, having no protocol yet). */
  g_autoptr(Scenario) skeleton = run_set("scenarios/labs/2pc/grade.lua", 1, "solution", "_skeleton_2pc.lua");
  CU_ASSERT_PTR_NOT_NULL_FATAL(skeleton);
  CU_ASSERT_EQUAL(sim_stats(skeleton->sim)->ok, 0);
}

/* Lua models keep the run a function of the seed, across processes. */
static void test_lua_model_determinism(void)
{
  const char *args[] = { "run", "scenarios/labs/2pc/grade.lua", "--set", "solution=_wrong_decide_alone.lua",
                         "--seed", "5", "--json", NULL };
  SpawnResult a = spawn_faultsim(args), b = spawn_faultsim(args);
  const char *da = strstr(a.out, "\"trace_digest\""), *db = strstr(b.out, "\"trace_digest\"");
  CU_ASSERT_PTR_NOT_NULL_FATAL(da);
  CU_ASSERT_PTR_NOT_NULL_FATAL(db);
  CU_ASSERT_EQUAL(strncmp(da, db, 60), 0);
  spawn_result_clear(&a);
  spawn_result_clear(&b);
}

void suite_luamodel(void)
{
  CU_pSuite s = CU_add_suite("luamodel", NULL, NULL);
  CU_add_test(s, "a Lua echo answers like echo.server", test_lua_echo_like_c);
  CU_add_test(s, "self.state is volatile, self.durable is kept", test_volatile_and_durable);
  CU_add_test(s, "self API: timers, log, broadcast, invoke, crash inside a handler", test_self_api);
  CU_add_test(s, "errors in handlers and include() name file and line", test_handler_errors);
  CU_add_test(s, "the 2PC grader: reference passes, broken fails at seed 5", test_2pc_grader);
  CU_add_test(s, "runs with Lua models are deterministic", test_lua_model_determinism);
}
