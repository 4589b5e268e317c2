/* The scenario sandbox: allocator cap, instruction budget (with C-side
 * work charged to it), chosen libraries, refused finalizers, deterministic
 * math.random; the other deterministic replacements live in lua_order.c,
 * lua_identity.c, lua_budget.c and lua_pattern.c. */
#include "sim/lua/lua_sandbox.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/time.h"
#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <string.h>

#define SANDBOX_KEY "faultsim.sandbox"
#define HOOK_EVERY 1000
/* Allocated bytes per instruction charged: copying 64 bytes costs about
 * what one VM instruction does. */
#define ALLOC_BYTES_PER_UNIT 64
#define SANDBOX_GRACE (1u << 20)
#define SANDBOX_GLOBALS 128

/* One memory cap for the Lua heap and the bytes the kernel holds
 * (mem_shared): a growth past it fails, and Lua raises "not enough
 * memory". */
static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  LuaSandbox *sb = ud;
  if (nsize == 0) {
    /* Lua frees the NULL array part of every hash-only table it frees. */
    if (ptr) {
      sb->mem_used -= osize;
      lua_heap_realloc(sb->heap, ptr, osize, 0);
    }
    return NULL;
  }
  size_t old = ptr ? osize : 0;
  size_t shared = sb->mem_shared ? *sb->mem_shared : 0;
  if (nsize > old && sb->mem_used - old + nsize + shared > sb->mem_limit) {
    /* Once the run has failed outside Lua (the kernel filled the budget),
     * a little more lets the script's error and its unwinding through. */
    gboolean failing = sb->stop_reason && sb->stop_reason(sb->stop_ctx);
    if (failing && sb->mem_grace_end == 0)
      sb->mem_grace_end = sb->mem_used + SANDBOX_GRACE;
    if (!failing || sb->mem_used - old + nsize > sb->mem_grace_end) {
      sb->mem_refused = nsize - old;
      return NULL; /* Lua raises "not enough memory" */
    }
  }
  void *p = lua_heap_realloc(sb->heap, ptr, osize, nsize);
  if (p) {
    sb->mem_used = sb->mem_used - old + nsize;
    /* Whatever fills new memory (string.rep, `..`, gsub, a growing table)
     * did work in proportion to it; the hook raises when this runs out. */
    if (nsize > old) {
      long long units = (long long) ((nsize - old) / ALLOC_BYTES_PER_UNIT);
      sb->instr_left -= units;
      sb->instr_run += units;
    }
  }
  return p;
}

LuaSandbox *lua_sandbox_of(lua_State *L)
{
  lua_getfield(L, LUA_REGISTRYINDEX, SANDBOX_KEY);
  LuaSandbox *sb = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return sb;
}

static void budget_hook(lua_State *L, lua_Debug *ar);

/* Raises the message on top of `L`'s stack, and makes every later
 * instruction of this thread raise again, so a pcall or a __close handler
 * cannot run on after the budget is gone (the next call into Lua resets
 * the hook). The message is a Lua string: lua_error does not return, so
 * nothing C-allocated may be waiting to be freed. */
static int over_budget(lua_State *L, LuaSandbox *sb)
{
  sb->over_budget = TRUE;
  lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
  return lua_error(L);
}

/* Raises if a budget is spent: the per-call budget, the run-wide budget (a
 * cheap callback run millions of times), or the run already failed outside
 * Lua (memory filled by the messages this script sends). */
static void check_budgets(lua_State *L, LuaSandbox *sb)
{
  if (sb->instr_left <= 0) {
    lua_pushfstring(L, "instruction budget of %I exceeded (an endless loop?)", (lua_Integer) sb->instr_budget);
    over_budget(L, sb);
  }
  if (sb->instr_run_budget > 0 && sb->instr_run > sb->instr_run_budget) {
    lua_pushfstring(L, "the run's instruction budget of %I exceeded (the script keeps working without end?)",
                    (lua_Integer) sb->instr_run_budget);
    over_budget(L, sb);
  }
  const char *stop = sb->stop_reason ? sb->stop_reason(sb->stop_ctx) : NULL;
  if (stop) {
    lua_pushstring(L, stop);
    over_budget(L, sb);
  }
}

/* Every HOOK_EVERY instructions (every one once a budget is spent). */
static void budget_hook(lua_State *L, lua_Debug *ar)
{
  (void) ar;
  LuaSandbox *sb = lua_sandbox_of(L);
  sb->instr_left -= HOOK_EVERY;
  sb->instr_run += HOOK_EVERY;
  check_budgets(L, sb);
}

void lua_sandbox_charge(lua_State *L, lua_Integer units)
{
  LuaSandbox *sb = lua_sandbox_of(L);
  if (units < 0 || units > sb->instr_left) {
    sb->instr_left = 0;
    check_budgets(L, sb);
  }
  sb->instr_left -= units;
  sb->instr_run += units;
  check_budgets(L, sb);
}

/* ---- finalizers ---- */

/* setmetatable(t, mt) refusing a metatable with __gc: Lua runs finalizers
 * with hooks off (an endless loop there cannot be stopped) and at
 * lua_close, after the simulation they would reach is gone. Lua 5.4 marks
 * an object for finalization only here, when its new metatable already has
 * a __gc field, so a __gc added to the metatable later is never called. */
static int sandbox_setmetatable(lua_State *L)
{
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
    return luaL_error(L, "cannot change a protected metatable");
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "setmetatable(): a metatable with __gc is refused: finalizers run outside "
                           "the instruction budget and after the simulation has ended");
    lua_pop(L, 1);
  }
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

/* Protects metatable `mt` (a table on the stack at `mt`) from scripts. */
static void seal_one(lua_State *L, int mt)
{
  lua_pushliteral(L, "__metatable");
  lua_pushboolean(L, 0);
  lua_rawset(L, mt);
}

void lua_sandbox_seal(LuaSandbox *sb)
{
  lua_State *L = sb->L;
  /* luaL_newmetatable keeps each one under its name and gives it __name. */
  lua_pushnil(L);
  while (lua_next(L, LUA_REGISTRYINDEX)) {
    if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TTABLE) {
      lua_pushliteral(L, "__name");
      gboolean named = lua_rawget(L, -2) == LUA_TSTRING;
      lua_pop(L, 1);
      if (named)
        seal_one(L, lua_gettop(L));
    }
    lua_pop(L, 1);
  }
  lua_pushliteral(L, "");
  if (lua_getmetatable(L, -1)) {
    seal_one(L, lua_gettop(L));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* ---- deterministic math.random ---- */

static int sandbox_random(lua_State *L)
{
  SimRng *rng = lua_sandbox_of(L)->random;
  lua_Integer lo, hi;
  switch (lua_gettop(L)) {
  case 0:
    lua_pushnumber(L, sim_rng_double(rng));
    return 1;
  case 1:
    lo = 1;
    hi = luaL_checkinteger(L, 1);
    break;
  case 2:
    lo = luaL_checkinteger(L, 1);
    hi = luaL_checkinteger(L, 2);
    break;
  default:
    return luaL_error(L, "wrong number of arguments to math.random");
  }
  luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
  lua_pushinteger(L, sim_rng_range(rng, lo, hi));
  return 1;
}

static int sandbox_randomseed(lua_State *L)
{
  LuaSandbox *sb = lua_sandbox_of(L);
  lua_Integer seed = luaL_optinteger(L, 1, 0);
  sim_rng_init_indexed(sb->random, (uint64_t) seed, "math.randomseed", 0);
  return 0;
}

/* Source bytes per instruction charged by load(): the parser runs in C,
 * where the count hook does not reach, at a few instructions' cost a byte. */
#define LOAD_UNITS_PER_BYTE 4

/* load() restricted to text chunks in the sandbox's environment; parsing
 * is charged to the budget. */
static int sandbox_load(lua_State *L)
{
  size_t len;
  const char *code = luaL_checklstring(L, 1, &len);
  const char *name = luaL_optstring(L, 2, "=(load)");
  lua_sandbox_charge(L, (lua_Integer) (len / LOAD_UNITS_PER_BYTE + 1) * LOAD_UNITS_PER_BYTE);
  if (luaL_loadbufferx(L, code, len, name, "t") != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  return 1;
}

static void open_lib(lua_State *L, const char *name, lua_CFunction open)
{
  luaL_requiref(L, name, open, 1);
  lua_pop(L, 1);
}

LuaSandbox *lua_sandbox_new(size_t mem_limit, long long instr_budget, SimRng *random)
{
  return lua_sandbox_new_cached(mem_limit, instr_budget, random, NULL);
}

LuaSandbox *lua_sandbox_new_cached(size_t mem_limit, long long instr_budget, SimRng *random,
                                   LuaHeapCache *heaps)
{
  LuaSandbox *sb = g_new0(LuaSandbox, 1);
  if (heaps) {
    sb->heaps = heaps;
    sb->heap = lua_heap_cache_take(heaps);
  }
  sb->mem_limit = mem_limit;
  sb->instr_budget = instr_budget;
  sb->instr_left = instr_budget;
  sb->random = random;
  lua_State *L = lua_newstate(sandbox_alloc, sb);
  if (!L) {
    lua_heap_cache_give(sb->heaps, sb->heap);
    g_free(sb);
    return NULL;
  }
  sb->L = L;
  /* The globals table sized for what the libraries and the scenario API
   * put in it (about 80 names), instead of growing to it in 8 rehashes. */
  lua_createtable(L, 0, SANDBOX_GLOBALS);
  lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_pushlightuserdata(L, sb);
  lua_setfield(L, LUA_REGISTRYINDEX, SANDBOX_KEY);
  open_lib(L, LUA_GNAME, luaopen_base);
  open_lib(L, LUA_STRLIBNAME, luaopen_string);
  open_lib(L, LUA_TABLIBNAME, luaopen_table);
  open_lib(L, LUA_MATHLIBNAME, luaopen_math);
  open_lib(L, LUA_UTF8LIBNAME, luaopen_utf8);
  open_lib(L, LUA_COLIBNAME, luaopen_coroutine);
  static const char *const removed[] = { "dofile", "loadfile", "require", "collectgarbage", NULL };
  for (int i = 0; removed[i]; i++) {
    lua_pushnil(L);
    lua_setglobal(L, removed[i]);
  }
  lua_pushcfunction(L, sandbox_load);
  lua_setglobal(L, "load");
  lua_pushcfunction(L, sandbox_setmetatable);
  lua_setglobal(L, "setmetatable");
  lua_getglobal(L, LUA_MATHLIBNAME);
  lua_pushcfunction(L, sandbox_random);
  lua_setfield(L, -2, "random");
  lua_pushcfunction(L, sandbox_randomseed);
  lua_setfield(L, -2, "randomseed");
  lua_pop(L, 1);
  /* string.dump would hand out bytecode; nothing here needs it. */
  lua_getglobal(L, LUA_STRLIBNAME);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);
  lua_order_open(L);
  lua_identity_open(L);
  lua_budget_open(L);
  lua_pattern_open(L);
  lua_gc(L, LUA_SANDBOX_GC, 0, 0);
  lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
  return sb;
}

void lua_sandbox_free(LuaSandbox *sb)
{
  if (!sb)
    return;
  lua_close(sb->L);
  lua_heap_cache_give(sb->heaps, sb->heap);
  g_free(sb);
}

gboolean lua_sandbox_load(LuaSandbox *sb, const char *code, size_t len,
                          const char *chunkname, GError **error)
{
  int rc = luaL_loadbufferx(sb->L, code, len, chunkname, "t");
  if (rc != LUA_OK) {
    const char *msg = lua_tostring(sb->L, -1);
    g_set_error(error, SIM_ERROR, rc == LUA_ERRMEM ? SIM_ERROR_LIMIT : SIM_ERROR_INVALID,
                "%s", msg ? msg : "cannot load the script");
    lua_pop(sb->L, 1);
    return FALSE;
  }
  return TRUE;
}

/* Pushes `msg`, prefixed with the innermost script position of `co` when
 * it names none (errors raised from C functions carry no position). */
static const char *locate(lua_State *L, lua_State *co, const char *msg)
{
  lua_Debug ar;
  for (int level = 0; lua_getstack(co, level, &ar); level++) {
    lua_getinfo(co, "Sl", &ar);
    if (ar.currentline > 0) {
      if (!strstr(msg, ".lua:"))
        return lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
      break;
    }
  }
  return lua_pushstring(L, msg);
}

static int traceback(lua_State *L)
{
  const char *msg = lua_tostring(L, 1);
  if (!msg)
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  locate(L, L, msg);
  return 1;
}

GError *lua_sandbox_thread_error(LuaSandbox *sb, lua_State *co, int status)
{
  const char *msg = lua_tostring(co, -1);
  const char *located = locate(sb->L, co, msg ? msg : "error in a timeline");
  int code = status == LUA_ERRMEM || sb->over_budget ? SIM_ERROR_LIMIT : SIM_ERROR_INVALID;
  GError *error = g_error_new(SIM_ERROR, code, "%s", located);
  lua_pop(sb->L, 1);
  lua_pop(co, 1);
  return error;
}

void lua_sandbox_push_handler(LuaSandbox *sb)
{
  lua_pushcfunction(sb->L, traceback);
}

gboolean lua_sandbox_call(LuaSandbox *sb, int nargs, int nresults, GError **error)
{
  lua_State *L = sb->L;
  lua_pushcfunction(L, traceback);
  lua_insert(L, lua_gettop(L) - nargs - 1);
  return lua_sandbox_call_handled(sb, nargs, nresults, error);
}

gboolean lua_sandbox_call_handled(LuaSandbox *sb, int nargs, int nresults, GError **error)
{
  lua_State *L = sb->L;
  int base = lua_gettop(L) - nargs - 1; /* the handler */
  sb->instr_left = sb->instr_budget;
  sb->over_budget = FALSE;
  sb->mem_refused = 0;
  /* Undo over_budget's every-instruction hook. Only then: lua_sethook
   * restarts the count, and callbacks shorter than HOOK_EVERY would never
   * reach the hook and the run-wide budget. */
  if (lua_gethookcount(L) != HOOK_EVERY)
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
  int rc = lua_pcall(L, nargs, nresults, base);
  gboolean ok = rc == LUA_OK;
  if (!ok) {
    const char *msg = lua_tostring(L, -1);
    int code = (rc == LUA_ERRMEM || sb->over_budget) ? SIM_ERROR_LIMIT : SIM_ERROR_INVALID;
    if (rc == LUA_ERRMEM && sb->mem_refused >= (1u << 20))
      /* One large request (string.rep, a table resize) can be refused while
       * the heap is nearly empty: the sizes held alone would not explain it. */
      g_set_error(error, SIM_ERROR, code, "%s (the scenario exceeded its memory limit of %zu MiB: it asked for "
                  "%.1f MiB more at once)", msg ? msg : "not enough memory", sb->mem_limit >> 20,
                  (double) sb->mem_refused / (1 << 20));
    else if (rc == LUA_ERRMEM)
      g_set_error(error, SIM_ERROR, code, "%s (the scenario exceeded its memory limit of %zu MiB)",
                  msg ? msg : "not enough memory", sb->mem_limit >> 20);
    else
      g_set_error(error, SIM_ERROR, code, "%s", msg ? msg : "error");
    lua_pop(L, 1);
  }
  if (ok && nresults != 0)
    lua_remove(L, base);
  else
    lua_settop(L, base - 1); /* the handler was left on top */
  return ok;
}
