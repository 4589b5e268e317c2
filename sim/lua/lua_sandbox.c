/* The scenario sandbox: allocator cap, instruction budget, chosen libraries,
 * deterministic pairs() and math.random. */
#include "sim/lua/lua_sandbox.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/time.h"
#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <string.h>

#define SANDBOX_KEY "faultsim.sandbox"
#define HOOK_EVERY 1000
#define SANDBOX_GRACE (1u << 20)

/* One memory cap for the Lua heap and the bytes the kernel holds
 * (mem_shared): a growth past it fails, and Lua raises "not enough
 * memory". */
static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  LuaSandbox *sb = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    sb->mem_used -= old;
    free(ptr);
    return NULL;
  }
  size_t shared = sb->mem_shared ? *sb->mem_shared : 0;
  if (nsize > old && sb->mem_used - old + nsize + shared > sb->mem_limit) {
    /* Once the run has failed outside Lua (the kernel filled the budget),
     * a little more lets the script's error and its unwinding through. */
    gboolean failing = sb->stop_reason && sb->stop_reason(sb->stop_ctx);
    if (failing && sb->mem_grace_end == 0)
      sb->mem_grace_end = sb->mem_used + SANDBOX_GRACE;
    if (!failing || sb->mem_used - old + nsize > sb->mem_grace_end)
      return NULL; /* Lua raises "not enough memory" */
  }
  void *p = realloc(ptr, nsize);
  if (p)
    sb->mem_used = sb->mem_used - old + nsize;
  return p;
}

LuaSandbox *lua_sandbox_of(lua_State *L)
{
  lua_getfield(L, LUA_REGISTRYINDEX, SANDBOX_KEY);
  LuaSandbox *sb = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return sb;
}

/* Every HOOK_EVERY instructions: the per-call budget, the run-wide budget
 * (a cheap callback run millions of times), and whether the run already
 * failed outside Lua (memory filled by the messages this script sends). */
static void budget_hook(lua_State *L, lua_Debug *ar)
{
  (void) ar;
  LuaSandbox *sb = lua_sandbox_of(L);
  sb->instr_left -= HOOK_EVERY;
  sb->instr_run += HOOK_EVERY;
  if (sb->instr_left <= 0) {
    sb->over_budget = TRUE;
    luaL_error(L, "instruction budget of %I exceeded (an endless loop?)", (lua_Integer) sb->instr_budget);
  }
  if (sb->instr_run_budget > 0 && sb->instr_run > sb->instr_run_budget) {
    sb->over_budget = TRUE;
    luaL_error(L, "the run's instruction budget of %I exceeded (the script keeps working without end?)",
               (lua_Integer) sb->instr_run_budget);
  }
  const char *stop = sb->stop_reason ? sb->stop_reason(sb->stop_ctx) : NULL;
  if (stop) {
    sb->over_budget = TRUE;
    luaL_error(L, "%s", stop);
  }
}

/* ---- deterministic pairs ---- */

static int key_rank(lua_State *L, int idx)
{
  switch (lua_type(L, idx)) {
  case LUA_TBOOLEAN: return 0;
  case LUA_TNUMBER: return 1;
  case LUA_TSTRING: return 2;
  default: return 3;
  }
}

/* Orders keys: booleans, then numbers ascending, then strings bytewise. */
static int key_less(lua_State *L, int a, int b)
{
  int ra = key_rank(L, a), rb = key_rank(L, b);
  if (ra != rb)
    return ra < rb;
  if (ra == 0)
    return !lua_toboolean(L, a) && lua_toboolean(L, b);
  if (ra == 1)
    return lua_compare(L, a, b, LUA_OPLT);
  size_t la, lb;
  const char *sa = lua_tolstring(L, a, &la), *sb = lua_tolstring(L, b, &lb);
  int c = memcmp(sa, sb, la < lb ? la : lb);
  return c < 0 || (c == 0 && la < lb);
}

static int sorted_next(lua_State *L)
{
  /* upvalues: 1 = table, 2 = sorted keys, 3 = position */
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(3)) + 1;
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(3));
  if (lua_geti(L, lua_upvalueindex(2), i) == LUA_TNIL)
    return 1;
  lua_pushvalue(L, -1);
  lua_gettable(L, lua_upvalueindex(1));
  return 2;
}

static int sandbox_pairs(lua_State *L)
{
  luaL_checkany(L, 1);
  if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
    lua_pushvalue(L, 1);
    lua_call(L, 1, 3);
    return 3;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_newtable(L); /* keys, at index 2 */
  lua_Integer n = 0;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    lua_pop(L, 1);
    if (key_rank(L, -1) == 3)
      return luaL_error(L, "pairs(): a key of type %s has no fixed order; "
                           "use an array and ipairs()", luaL_typename(L, -1));
    lua_pushvalue(L, -1);
    lua_rawseti(L, 2, ++n);
  }
  /* Insertion sort on the Lua stack: tables in scenarios are small. */
  for (lua_Integer i = 2; i <= n; i++) {
    lua_rawgeti(L, 2, i);
    lua_Integer j = i - 1;
    for (; j >= 1; j--) {
      lua_rawgeti(L, 2, j);
      int less = key_less(L, -2, -1);
      if (!less) {
        lua_pop(L, 1);
        break;
      }
      lua_rawseti(L, 2, j + 1);
    }
    lua_rawseti(L, 2, j + 1);
  }
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, sorted_next, 3);
  return 1;
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

/* print → stderr, so scenario chatter never mixes with --json on stdout. */
static int sandbox_print(lua_State *L)
{
  LuaSandbox *sb = lua_sandbox_of(L);
  int n = lua_gettop(L);
  GString *line = g_string_new(NULL);
  if (sb->now)
    g_string_append_printf(line, "[t=%.6fs] ", sim_time_to_seconds(sb->now(sb->now_ctx)));
  for (int i = 1; i <= n; i++) {
    if (i > 1)
      g_string_append_c(line, '\t');
    g_string_append(line, luaL_tolstring(L, i, NULL));
    lua_pop(L, 1);
  }
  g_string_append_c(line, '\n');
  fputs(line->str, stderr);
  g_string_free(line, TRUE);
  return 0;
}

/* load() restricted to text chunks in the sandbox's environment. */
static int sandbox_load(lua_State *L)
{
  size_t len;
  const char *code = luaL_checklstring(L, 1, &len);
  const char *name = luaL_optstring(L, 2, "=(load)");
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
  LuaSandbox *sb = g_new0(LuaSandbox, 1);
  sb->mem_limit = mem_limit;
  sb->instr_budget = instr_budget;
  sb->random = random;
  lua_State *L = lua_newstate(sandbox_alloc, sb);
  if (!L) {
    g_free(sb);
    return NULL;
  }
  sb->L = L;
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
  lua_pushcfunction(L, sandbox_pairs);
  lua_setglobal(L, "pairs");
  lua_pushcfunction(L, sandbox_print);
  lua_setglobal(L, "print");
  lua_pushcfunction(L, sandbox_load);
  lua_setglobal(L, "load");
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
  lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
  return sb;
}

void lua_sandbox_free(LuaSandbox *sb)
{
  if (!sb)
    return;
  lua_close(sb->L);
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

gboolean lua_sandbox_call(LuaSandbox *sb, int nargs, int nresults, GError **error)
{
  lua_State *L = sb->L;
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, traceback);
  lua_insert(L, base);
  sb->instr_left = sb->instr_budget;
  sb->over_budget = FALSE;
  int rc = lua_pcall(L, nargs, nresults, base);
  gboolean ok = rc == LUA_OK;
  if (!ok) {
    const char *msg = lua_tostring(L, -1);
    int code = (rc == LUA_ERRMEM || sb->over_budget) ? SIM_ERROR_LIMIT : SIM_ERROR_INVALID;
    if (rc == LUA_ERRMEM)
      g_set_error(error, SIM_ERROR, code, "%s (the scenario exceeded its memory limit of %zu MiB)",
                  msg ? msg : "not enough memory", sb->mem_limit >> 20);
    else
      g_set_error(error, SIM_ERROR, code, "%s", msg ? msg : "error");
    lua_pop(L, 1);
  }
  lua_remove(L, base);
  return ok;
}
