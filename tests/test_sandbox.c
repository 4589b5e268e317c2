/* The scenario sandbox: finalizers never reach a freed simulation, the C
 * side of library calls is bounded by the instruction budget, and what
 * stock Lua leaves to chance (sort pivots, addresses, hash order) comes
 * out the same in every process. The error corpus (tests/data/errors)
 * holds the one-line reproductions; these are the checks that need more
 * than one run, a stock Lua to compare with, or the C API. */
#include "sim/lua/lua_api.h"
#include "sim/lua/scenario.h"
#include "tests/scenario_util.h"
#include "tests/spawn.h"
#include <CUnit/CUnit.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

static const ScenarioOptions default_options = SCENARIO_OPTIONS_DEFAULT;

/* Runs `file` in a fresh sandbox and returns the string it returns (or
 * the error message, prefixed "error: "). */
static char *run_in_sandbox(const char *file, size_t mem_limit)
{
  SimRng rng;
  sim_rng_init(&rng, 1, "test");
  LuaSandbox *sb = lua_sandbox_new(mem_limit, 100000000, &rng);
  g_autofree char *code = NULL;
  gsize len = 0;
  GError *error = NULL;
  char *result;
  if (!g_file_get_contents(file, &code, &len, NULL))
    result = g_strdup("error: cannot read");
  else if (!lua_sandbox_load(sb, code, len, "@corpus", &error) || !lua_sandbox_call(sb, 0, 1, &error))
    result = g_strdup_printf("error: %s", error->message);
  else
    result = g_strdup(lua_tostring(sb->L, -1));
  g_clear_error(&error);
  lua_sandbox_free(sb);
  return result;
}

/* The same in stock Lua with its standard libraries. */
static char *run_in_stock_lua(const char *file)
{
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  g_autofree char *code = NULL;
  gsize len = 0;
  char *result;
  if (!g_file_get_contents(file, &code, &len, NULL))
    result = g_strdup("error: cannot read");
  else if (luaL_loadbuffer(L, code, len, "@corpus") != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
    result = g_strdup_printf("error: %s", lua_tostring(L, -1));
  else
    result = g_strdup(lua_tostring(L, -1));
  lua_close(L);
  return result;
}

/* The step-counted matcher gives what Lua's own gives: results, captures,
 * positions and error messages, over hand-picked and random patterns. */
static void test_pattern_corpus(void)
{
  g_autofree char *ours = run_in_sandbox("tests/data/sandbox/pattern_corpus.lua", 256u << 20);
  g_autofree char *stock = run_in_stock_lua("tests/data/sandbox/pattern_corpus.lua");
  CU_ASSERT(strlen(stock) > 100000);
  CU_ASSERT_PTR_NULL(strstr(stock, "error: "));
  if (strcmp(ours, stock) != 0) {
    g_auto(GStrv) a = g_strsplit(ours, "\n", -1), b = g_strsplit(stock, "\n", -1);
    for (guint i = 0; a[i] && b[i]; i++)
      if (strcmp(a[i], b[i]) != 0) {
        fprintf(stderr, "\nline %u differs:\n  sandbox: %s\n  stock:   %s\n", i + 1, a[i], b[i]);
        break;
      }
  }
  CU_ASSERT_STRING_EQUAL(ours, stock);
}

/* table.sort gives stock Lua's order where the order is unique, and the
 * same errors; names from tostring() do not keep objects alive. */
static void test_sort_and_names(void)
{
  g_autofree char *ours = run_in_sandbox("tests/data/sandbox/sort_corpus.lua", 256u << 20);
  g_autofree char *stock = run_in_stock_lua("tests/data/sandbox/sort_corpus.lua");
  CU_ASSERT_PTR_NULL(strstr(stock, "error: "));
  CU_ASSERT_STRING_EQUAL(ours, stock);
  /* A million names in 8 MiB: the name table holds its objects weakly. */
  g_autofree char *names = run_in_sandbox("tests/data/sandbox/names.lua", 8u << 20);
  if (strcmp(names, "table: 1 function: 2 table: 1 table: 1000003 string: 1000004 (null)") != 0)
    fprintf(stderr, "\nnames: %s\n", names);
  CU_ASSERT_STRING_EQUAL(names, "table: 1 function: 2 table: 1 table: 1000003 string: 1000004 (null)");
}

static int probe_status = -1;
static char probe_message[256];

/* A finalizer installed through the C API, behind the sandbox's back:
 * it calls the scenario API as a script's __gc would. */
static int probe_finalizer(lua_State *L)
{
  lua_getglobal(L, "crash");
  lua_pushstring(L, "a");
  probe_status = lua_pcall(L, 1, 0, 0);
  g_strlcpy(probe_message, lua_isstring(L, -1) ? lua_tostring(L, -1) : "", sizeof probe_message);
  return 0;
}

/* scenario_free closes the API before it frees the Sim: a finalizer that
 * slips past setmetatable gets an error from lua_close, not freed memory
 * (the sanitizer build checks the "not freed memory" part). */
static void test_finalizer_after_free(void)
{
  GError *error = NULL;
  Scenario *sc = scenario_run("tests/data/sandbox/two_nodes.lua", 1, NULL, &default_options, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  test_scenario_finalizer(sc, probe_finalizer);
  probe_status = -1;
  scenario_free(sc);
  CU_ASSERT_EQUAL(probe_status, LUA_ERRRUN);
  CU_ASSERT_PTR_NOT_NULL(strstr(probe_message, "the simulation is over"));
}

/* `check` over a folder holding the finalizer scenario still prints its
 * summary line: the run that refused the finalizer did not take the
 * process down. */
static void test_check_survives_finalizer(void)
{
  g_autofree char *dir = g_dir_make_tmp("faultsim-XXXXXX", NULL);
  g_autofree char *gc = g_build_filename(dir, "gc.lua", NULL);
  g_autofree char *ok = g_build_filename(dir, "ok.lua", NULL);
  g_file_set_contents(gc, "node('a', 'echo.server')\nsetmetatable({}, { __gc = function() crash('a') end })\n", -1, NULL);
  g_file_set_contents(ok, "node('a', 'echo.server')\nexpect { violations = 0 }\n", -1, NULL);
  SpawnResult r = spawn_faultsim((const char *[]) { "check", "--jobs", "2", dir, NULL });
  CU_ASSERT_EQUAL(r.status, 2); /* a file that could not run */
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "gc.lua:2: setmetatable(): a metatable with __gc is refused"));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "PASS  "));
  CU_ASSERT_TRUE(g_str_has_suffix(r.out, "1 passed, 0 failed, 1 errors\n")); /* the summary line, last */
  spawn_result_clear(&r);
  g_unlink(gc);
  g_unlink(ok);
  g_rmdir(dir);
}

static char *json_member(const char *json, const char *member)
{
  const char *p = strstr(json, member);
  return p ? g_strndup(p, strcspn(p, ",\n")) : g_strdup("none");
}

/* Runs `path` in three processes: the reports (and so the trace digests)
 * are byte for byte the same. */
static void assert_same_in_three_processes(const char *path)
{
  char *outs[3];
  for (int i = 0; i < 3; i++) {
    SpawnResult r = spawn_faultsim((const char *[]) { "run", path, "--json", NULL });
    CU_ASSERT_EQUAL(r.status, 0);
    outs[i] = g_steal_pointer(&r.out);
    spawn_result_clear(&r);
  }
  for (int i = 1; i < 3; i++) {
    g_autofree char *d0 = json_member(outs[0], "\"trace_digest\"");
    g_autofree char *di = json_member(outs[i], "\"trace_digest\"");
    CU_ASSERT_STRING_EQUAL(d0, di);
    CU_ASSERT_STRING_EQUAL(outs[0], outs[i]);
  }
  for (int i = 0; i < 3; i++)
    g_free(outs[i]);
}

static void test_sort_ties_across_processes(void)
{
  assert_same_in_three_processes("tests/data/sandbox/sort_ties.lua");
}

static void test_names_across_processes(void)
{
  assert_same_in_three_processes("tests/data/sandbox/addresses.lua");
}

/* The unknown key named is the first in sorted order, in every process. */
static void test_unknown_key_across_processes(void)
{
  for (int i = 0; i < 4; i++) {
    SpawnResult r = spawn_faultsim((const char *[]) { "run", "tests/data/errors/unknown_key_sorted.lua", NULL });
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "unknown key 'alpha'"));
    spawn_result_clear(&r);
    /* The same for an event filter's fields (on, once, wait_for). */
    r = spawn_faultsim((const char *[]) { "run", "tests/data/errors/filter_keys_sorted.lua", NULL });
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "filter field 'alpha' must be an integer"));
    spawn_result_clear(&r);
  }
}

/* Free text with invalid bytes is repaired on its way to the report: the
 * JSON parses and holds U+FFFD where the bad byte was. */
static void test_invalid_utf8_text_repaired(void)
{
  SpawnResult r = spawn_faultsim((const char *[]) { "run", "tests/data/sandbox/utf8_text.lua", "--json", NULL });
  CU_ASSERT_EQUAL(r.status, 0);
  g_autoptr(JsonParser) parser = json_parser_new();
  GError *error = NULL;
  CU_ASSERT_TRUE(json_parser_load_from_data(parser, r.out, -1, &error));
  g_clear_error(&error);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "bad \xef\xbf\xbd byte"));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "from an invariant \xef\xbf\xbd"));
  spawn_result_clear(&r);
}

/* pairs() over 100 000 keys sorts in O(n log n): well inside the budget
 * and a second (the insertion sort it replaces took minutes). */
static void test_pairs_many_keys(void)
{
  gint64 start = g_get_monotonic_time();
  SpawnResult r = spawn_faultsim((const char *[]) { "run", "tests/data/sandbox/pairs_many.lua", NULL });
  double seconds = (double) (g_get_monotonic_time() - start) / 1e6;
  CU_ASSERT_EQUAL(r.status, 0);
  CU_ASSERT(seconds < 20);
  spawn_result_clear(&r);
}

void suite_sandbox(void)
{
  CU_pSuite s = CU_add_suite("sandbox", NULL, NULL);
  CU_add_test(s, "pattern matching agrees with stock Lua", test_pattern_corpus);
  CU_add_test(s, "table.sort and tostring names", test_sort_and_names);
  CU_add_test(s, "a finalizer at lua_close gets an error, not a freed Sim", test_finalizer_after_free);
  CU_add_test(s, "check --jobs 2 prints its summary past a __gc scenario", test_check_survives_finalizer);
  CU_add_test(s, "sorting tied records: one trace in three processes", test_sort_ties_across_processes);
  CU_add_test(s, "object names: one report in three processes", test_names_across_processes);
  CU_add_test(s, "unknown keys named in sorted order in every process", test_unknown_key_across_processes);
  CU_add_test(s, "invalid UTF-8 in free text is repaired", test_invalid_utf8_text_repaired);
  CU_add_test(s, "pairs over 100000 keys", test_pairs_many_keys);
}
