/* lua_ceiling: how fast a Lua model could possibly forward messages
 * (issue 16 asks lua_forward for 1/3 of the C rate). bench/lua_ceiling.lua
 * runs bench/lua_forward.lua's handler in a bare loop, each round building
 * the message table a delivery would get: the handler's own work and the
 * message table, nothing of the kernel or the runtime's dispatch. It runs
 * in eight Lua states, every combination of
 *   allocator  plain realloc | the sandbox's (memory cap, allocation
 *              charge, lua_heap.c region)
 *   hook       none | the instruction-count hook (Lua then calls its hook
 *              machinery before every VM instruction, whatever the period)
 *   GC         incremental | generational,
 * each the best of bench_lua.c's rounds in turn, in CPU time. In the same
 * process it times bench/lua_forward.lua itself in C and in Lua (best of
 * the same rounds) and reports per message:
 *   c_us, lua_us          the whole C run and the whole Lua run
 *   us_<alloc>_<hook>_<gc> the bare loop in each state
 *   ceiling_vs_c          c_us / (c_us + the bare loop in the sandbox as
 *                          runs use it): the best vs_c a Lua run could
 *                          reach if the runtime between the kernel and the
 *                          handler cost nothing
 *   runtime_us            lua_us - c_us - that bare loop: what the
 *                          runtime's dispatch, message building and send
 *                          path still cost.
 *   echo_us               the same loop running bench/lua_echo.lua's
 *                          server handler on PING tables (in the sandbox
 *                          as runs use it)
 *   echo_ceiling_vs_c     lua_echo_source's C run (echo.server under ten
 *                          echo.source nodes) against that run plus the
 *                          echo loop once per PING: the best vs_c the Lua
 *                          echo server could reach with a runtime that
 *                          cost nothing. It counts the C handler's own
 *                          work (reading seq, building the PONG, a few
 *                          tens of ns a ping) as kernel work the Lua run
 *                          would also pay, so the true ceiling is a
 *                          little higher.
 * rate= is the bare loop's messages per CPU second in the sandbox. */
#include "bench/bench_util.h"
#include "bench/bench_lua.h"
#include "sim/lua/lua_sandbox.h"
#include "sim/lua/scenario.h"
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>

#define CEILING_SCRIPT "bench/lua_ceiling.lua"
#define FORWARD_SCRIPT "bench/lua_forward.lua"
#define ECHO_SCRIPT "bench/lua_echo.lua"
#define CEILING_NODES 1000
#define CEILING_MESSAGES 1000000
#define CEILING_HOOK_EVERY 1000

/* The loop's self:random(n): xorshift64, 1..n, its state an upvalue. */
static int ceiling_random(lua_State *L)
{
  guint64 *x = lua_touserdata(L, lua_upvalueindex(1));
  lua_Integer n = luaL_checkinteger(L, 2);
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  lua_pushinteger(L, (lua_Integer) (*x % (guint64) n) + 1);
  return 1;
}

/* The loop's self:send(dst, type, fields): reads what the real one must
 * (the names and every field, as integers) and sends nothing. */
static int ceiling_send(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkstring(L, 2);
  luaL_checkstring(L, 3);
  luaL_checktype(L, 4, LUA_TTABLE);
  lua_Integer sum = 0;
  lua_pushnil(L);
  while (lua_next(L, 4)) {
    sum += lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  lua_pushinteger(L, sum);
  return 1;
}

static void *plain_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  (void) ud;
  (void) osize;
  if (nsize == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, nsize);
}

static void plain_hook(lua_State *L, lua_Debug *ar)
{
  (void) L;
  (void) ar;
}

/* One configuration's Lua state, ready to call the loop (left on its
 * stack). */
typedef struct {
  LuaSandbox *sb; /* the sandbox's allocator, or NULL */
  lua_State *L;
} CeilingState;

static gboolean ceiling_open(CeilingState *cs, gboolean sandbox, gboolean hook, gboolean gen, const char *handler,
                             SimRng *rng)
{
  *cs = (CeilingState) { NULL, NULL };
  if (sandbox) {
    cs->sb = lua_sandbox_new((size_t) 1 << 30, G_MAXINT64 / 4, rng);
    if (!cs->sb)
      return FALSE;
    cs->L = cs->sb->L;
  } else {
    cs->L = lua_newstate(plain_alloc, NULL);
    if (!cs->L)
      return FALSE;
    luaL_requiref(cs->L, LUA_GNAME, luaopen_base, 1);
    lua_pop(cs->L, 1);
  }
  lua_State *L = cs->L;
  if (sandbox && !hook)
    lua_sethook(L, NULL, 0, 0);
  else if (!sandbox && hook)
    lua_sethook(L, plain_hook, LUA_MASKCOUNT, CEILING_HOOK_EVERY);
  lua_gc(L, gen ? LUA_GCGEN : LUA_GCINC, 0, 0);
  if (luaL_loadfilex(L, CEILING_SCRIPT, "t") != LUA_OK) {
    fprintf(stderr, "bench: %s (run from the repository root)\n", lua_tostring(L, -1));
    return FALSE;
  }
  lua_pushinteger(L, CEILING_NODES);
  lua_pushinteger(L, CEILING_MESSAGES);
  lua_pushcfunction(L, ceiling_send);
  *(guint64 *) lua_newuserdatauv(L, sizeof(guint64), 0) = 88172645463325252ULL;
  lua_pushcclosure(L, ceiling_random, 1);
  lua_pushstring(L, handler);
  if (lua_pcall(L, 5, 1, 0) != LUA_OK) {
    fprintf(stderr, "bench: %s\n", lua_tostring(L, -1));
    return FALSE;
  }
  return TRUE;
}

static void ceiling_close(CeilingState *cs)
{
  if (cs->sb)
    lua_sandbox_free(cs->sb);
  else if (cs->L)
    lua_close(cs->L);
}

/* CPU seconds of one loop in a fresh state of the given configuration;
 * negative if it failed. */
static double ceiling_loop(gboolean sandbox, gboolean hook, gboolean gen, const char *handler)
{
  SimRng stream;
  sim_rng_init(&stream, 1, "bench.ceiling");
  CeilingState cs;
  double seconds = -1;
  if (ceiling_open(&cs, sandbox, hook, gen, handler, &stream)) {
    double t0 = bench_cpu_seconds();
    if (lua_pcall(cs.L, 0, 0, 0) == LUA_OK)
      seconds = bench_cpu_seconds() - t0;
    else
      fprintf(stderr, "bench: %s\n", lua_tostring(cs.L, -1));
  }
  ceiling_close(&cs);
  return seconds;
}

/* CPU seconds of `script` with impl=`impl` (and load=`load` unless NULL),
 * and its deliveries; negative if it failed. */
static double script_run(const char *script, const char *impl, const char *load, guint64 *delivered)
{
  const char *sets[] = { "impl", impl, load ? "load" : NULL, load, NULL };
  LuaRun r = bench_lua_run_script(script, sets);
  *delivered = r.delivered;
  return r.ok ? r.seconds : -1;
}

int bench_lua_ceiling(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate();
  static const char *const alloc_name[] = { "plain", "sandbox" }, *const hook_name[] = { "nohook", "hook" },
                           *const gc_name[] = { "inc", "gen" };
  double best[8], c_best = 0, lua_best = 0, echo_best = 0, echo_c_best = 0;
  guint64 c_delivered = 0, lua_delivered = 0, echo_c_delivered = 0;
  int runs_gc = LUA_SANDBOX_GC == LUA_GCGEN ? 1 : 0;
  gboolean ok = TRUE;
  for (int round = 0; round < bench_lua_rounds(); round++) {
    for (int k = 0; k < 8; k++) {
      double s = ceiling_loop(k & 4, k & 2, k & 1, "forward");
      ok = ok && s > 0;
      if (round == 0 || s < best[k])
        best[k] = s;
    }
    double echo = ceiling_loop(TRUE, TRUE, runs_gc, "echo");
    double echo_c = script_run(ECHO_SCRIPT, "c", "source", &echo_c_delivered);
    ok = ok && echo > 0 && echo_c > 0 && echo_c_delivered > 0;
    if (round == 0 || echo < echo_best)
      echo_best = echo;
    if (round == 0 || echo_c < echo_c_best)
      echo_c_best = echo_c;
    double c = script_run(FORWARD_SCRIPT, "c", NULL, &c_delivered), lua = script_run(FORWARD_SCRIPT, "lua", NULL, &lua_delivered);
    ok = ok && c > 0 && lua > 0 && c_delivered == lua_delivered && c_delivered > 0;
    if (round == 0 || c < c_best)
      c_best = c;
    if (round == 0 || lua < lua_best)
      lua_best = lua;
  }
  double c_us = c_best * 1e6 / (double) MAX(c_delivered, 1), lua_us = lua_best * 1e6 / (double) MAX(lua_delivered, 1);
  GString *extra = g_string_new(NULL);
  g_string_append_printf(extra, "messages=%d c_us=%.4f lua_us=%.4f", CEILING_MESSAGES, c_us, lua_us);
  for (int k = 0; k < 8; k++)
    g_string_append_printf(extra, " us_%s_%s_%s=%.4f", alloc_name[(k >> 2) & 1], hook_name[(k >> 1) & 1],
                           gc_name[k & 1], best[k] * 1e6 / CEILING_MESSAGES);
  /* The sandbox as runs use it: its allocator and hook, and the GC mode
   * lua_sandbox_new sets. */
  double bare_us = best[4 | 2 | runs_gc] * 1e6 / CEILING_MESSAGES;
  g_string_append_printf(extra, " ceiling_vs_c=%.3f runtime_us=%.4f vs_c=%.3f check=%s", c_us / (c_us + bare_us),
                         lua_us - c_us - bare_us, c_us / lua_us, ok ? "ok" : "FAILED");
  /* lua_echo_source: a Lua server runs its handler once per PING it gets,
   * at least half of the run's deliveries (each PONG answers one PING). */
  double echo_c_s = echo_c_best, echo_loop_s = echo_best / CEILING_MESSAGES * ((double) echo_c_delivered / 2);
  g_string_append_printf(extra, " echo_us=%.4f echo_ceiling_vs_c=%.3f", echo_best * 1e6 / CEILING_MESSAGES,
                         echo_c_s / (echo_c_s + echo_loop_s));
  bench_report("lua_ceiling", 1e6 / bare_us, "messages/s", ref, extra->str);
  g_string_free(extra, TRUE);
  return ok ? 0 : 1;
}
