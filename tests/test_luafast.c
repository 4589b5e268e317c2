/* The fast paths of Lua models (sim/lua/lua_model.c, issue 16): what the
 * runtime builds per delivery is not charged to the handler, kept
 * messages are never reused, another node's self acts for its node, and
 * self methods refuse to run once the scenario is torn down. (The error
 * corpus, tests/data/errors/model_cached_*.lua, checks that names the
 * runtime has cached do not skip the checks of new ones.) Names the
 * runtime memoizes (sim/lua/lua_memo.c) stay right when the memos
 * overflow. */
#include "sim/lua/lua_memo.h"
#include "sim/lua/lua_sandbox.h"
#include "sim/lua/scenario.h"
#include "tests/scenario_util.h"
#include <CUnit/CUnit.h>
#include <glib/gstdio.h>
#include <lauxlib.h>
#include <string.h>

static const ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;

static Scenario *run(const char *path)
{
  GError *error = NULL;
  Scenario *sc = scenario_run(path, 1, NULL, &options, &error);
  if (!sc) {
    fprintf(stderr, "\n%s\n", error->message);
    g_error_free(error);
  }
  return sc;
}

/* A handler that does nothing is charged its one instruction per
 * delivery: the self and message tables the runtime builds are not the
 * handler's work (they used to cost it about three more, the allocator's
 * charge for the message table). */
static void test_runtime_tables_not_charged(void)
{
  g_autoptr(Scenario) sc = run("tests/data/luafast/sink.lua");
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  guint64 delivered = sim_stats(sc->sim)->delivered;
  CU_ASSERT_TRUE_FATAL(delivered > 9000);
  double per_delivery = (double) sc->sb->instr_run / (double) delivered;
  if (per_delivery >= 1.5)
    fprintf(stderr, "\ncharged %.2f instructions per delivery\n", per_delivery);
  CU_ASSERT_TRUE(per_delivery < 1.5);
}

/* Kept messages keep what was delivered; a method called on node a's self
 * from node b's handler sends from a. */
static void test_kept_messages_and_other_self(void)
{
  g_autoptr(Scenario) sc = run("tests/data/luafast/kept.lua");
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  gboolean held = scenario_verdict(sc, failures);
  for (guint i = 0; i < failures->len; i++)
    fprintf(stderr, "\n%s\n", (char *) failures->pdata[i]);
  CU_ASSERT_TRUE(held);
}

/* More names than the memos have ways, some too long for Lua to intern:
 * each message still reaches the node it names with its own type and
 * fields. */
static void test_memo_evictions(void)
{
  g_autoptr(Scenario) sc = run("tests/data/luafast/memo.lua");
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  CU_ASSERT_EQUAL(sim_stats(sc->sim)->delivered, 3000);
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  gboolean held = scenario_verdict(sc, failures);
  for (guint i = 0; i < failures->len; i++)
    fprintf(stderr, "\n%s\n", (char *) failures->pdata[i]);
  CU_ASSERT_TRUE(held);
}

/* Keeping memo entries never allocates (lua_memo.h): the memo's hits and
 * misses depend on addresses, so an allocation there would make a run's
 * memory, and when its collector runs, differ from process to process. */
static void test_memo_keeps_allocate_nothing(void)
{
  SimRng rng;
  sim_rng_init(&rng, 1, "test.memo");
  LuaSandbox *sb = lua_sandbox_new((size_t) 64 << 20, G_MAXINT64 / 4, &rng);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sb);
  lua_State *L = sb->L;
  lua_gc(L, LUA_GCSTOP);
  LuaMemo *memo = lua_memo_push_new(L);
  int slots = lua_gettop(L);
  enum { NSTRINGS = 3000 };
  lua_createtable(L, NSTRINGS, 0);
  int strings = lua_gettop(L);
  for (int i = 1; i <= NSTRINGS; i++) {
    lua_pushfstring(L, i % 5 ? "name%d" : "a name longer than Lua's short strings, number %d", i);
    lua_rawseti(L, strings, i);
  }
  size_t before = sb->mem_used;
  for (int i = 1; i <= NSTRINGS; i++) {
    lua_rawgeti(L, strings, i);
    int str = lua_gettop(L);
    for (LuaMemoKind kind = 0; kind < LUA_MEMO_NKINDS; kind++)
      lua_memo_keep(L, memo, slots, kind, str, i);
    lua_memo_keep_name(L, memo, slots, lua_tostring(L, str), str);
    intptr_t value = 0;
    if (i % 5 && !(lua_memo_find(memo, LUA_MEMO_NODE, lua_tostring(L, str), &value) && value == i))
      CU_FAIL("a short string just kept is not found");
    lua_pop(L, 1);
  }
  CU_ASSERT_EQUAL(sb->mem_used, before);
  lua_sandbox_free(sb);
}

static int probe_status;
static char probe_message[256];

/* A finalizer installed through the C API: calls the global SELF's send
 * as a script's __gc would. */
static int probe_self_send(lua_State *L)
{
  lua_getglobal(L, "SELF");
  lua_getfield(L, -1, "send");
  lua_insert(L, -2);
  lua_pushstring(L, "a");
  lua_pushstring(L, "LATE");
  probe_status = lua_pcall(L, 3, 0, 0);
  g_strlcpy(probe_message, lua_isstring(L, -1) ? lua_tostring(L, -1) : "", sizeof probe_message);
  return 0;
}

/* Once scenario_free has begun, a self method raises instead of reaching
 * the freed Sim (the sanitizer build checks the second part). */
static void test_self_after_close(void)
{
  GError *error = NULL;
  g_autofree char *path = g_build_filename(g_get_tmp_dir(), "faultsim-luafast-self.lua", NULL);
  g_file_set_contents(path,
                      "scenario { name = 'late', duration = '1s' }\n"
                      "node('a', model { name = 't.late', init = function(self) SELF = self end })\n",
                      -1, NULL);
  Scenario *sc = scenario_run(path, 1, NULL, &options, &error);
  g_unlink(path);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  test_scenario_finalizer(sc, probe_self_send);
  probe_status = -1;
  scenario_free(sc);
  CU_ASSERT_EQUAL(probe_status, LUA_ERRRUN);
  CU_ASSERT_PTR_NOT_NULL(strstr(probe_message, "the simulation is over"));
}

void suite_luafast(void)
{
  CU_pSuite s = CU_add_suite("luafast", NULL, NULL);
  CU_add_test(s, "a handler is not charged for the runtime's tables", test_runtime_tables_not_charged);
  CU_add_test(s, "kept messages stay; another node's self sends from it", test_kept_messages_and_other_self);
  CU_add_test(s, "names past the memos' ways still address the right node, type and field", test_memo_evictions);
  CU_add_test(s, "keeping memo entries allocates nothing", test_memo_keeps_allocate_nothing);
  CU_add_test(s, "self methods raise once the scenario is torn down", test_self_after_close);
}
