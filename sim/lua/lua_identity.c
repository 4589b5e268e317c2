/* Per-run names for objects, instead of addresses.
 *
 * tostring({}) in stock Lua prints the table's address, which changes from
 * process to process (ASLR) and reaches traces, metrics and delays when a
 * script uses it. Here tables, functions, coroutines and userdata are
 * numbered in the order a script first asks for their name ("table: 1",
 * "function: 2"), one counter per sandbox; a weak-keyed table maps each
 * object to its number without keeping it alive. string.format("%p") gives
 * the same names (a string is named by its content). tostring, print and
 * string.format("%s") honour __tostring and __name as stock Lua does. */
#include "sim/lua/lua_sandbox.h"
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#define IDENTITY_OBJECTS "faultsim.identity.objects" /* object → number, weak keys */
#define IDENTITY_STRINGS "faultsim.identity.strings" /* string → number */
/* Bytes of format and string arguments per instruction charged. */
#define FORMAT_BYTES_PER_UNIT 8

const char *lua_identity_name(lua_State *L, int idx)
{
  int type = lua_type(L, idx);
  if (type == LUA_TNONE || type == LUA_TNIL || type == LUA_TBOOLEAN || type == LUA_TNUMBER)
    return NULL;
  idx = lua_absindex(L, idx);
  lua_getfield(L, LUA_REGISTRYINDEX, type == LUA_TSTRING ? IDENTITY_STRINGS : IDENTITY_OBJECTS);
  lua_pushvalue(L, idx);
  lua_Integer number;
  if (lua_rawget(L, -2) == LUA_TNUMBER) {
    number = lua_tointeger(L, -1);
    lua_pop(L, 1);
  } else {
    lua_pop(L, 1);
    number = ++lua_sandbox_of(L)->next_identity;
    lua_pushvalue(L, idx);
    lua_pushinteger(L, number);
    lua_rawset(L, -3);
  }
  lua_pop(L, 1);
  int named = luaL_getmetafield(L, idx, "__name");
  const char *kind = named == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, idx);
  const char *text = lua_pushfstring(L, "%s: %I", kind, number);
  if (named != LUA_TNIL)
    lua_remove(L, -2);
  return text;
}

const char *lua_identity_tostring(lua_State *L, int idx, size_t *len)
{
  int type = lua_type(L, idx);
  if (type == LUA_TNIL || type == LUA_TBOOLEAN || type == LUA_TNUMBER || type == LUA_TSTRING)
    return luaL_tolstring(L, idx, len);
  if (luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
    lua_pop(L, 1);
    return luaL_tolstring(L, idx, len);
  }
  lua_identity_name(L, idx);
  return lua_tolstring(L, -1, len);
}

static int identity_tostring(lua_State *L)
{
  luaL_checkany(L, 1);
  lua_identity_tostring(L, 1, NULL);
  return 1;
}

/* print → stderr, so scenario chatter never mixes with --json on stdout. */
static int identity_print(lua_State *L)
{
  LuaSandbox *sb = lua_sandbox_of(L);
  int n = lua_gettop(L);
  luaL_Buffer line;
  luaL_buffinit(L, &line);
  if (sb->now) {
    char stamp[64];
    g_snprintf(stamp, sizeof stamp, "[t=%.6fs] ", sim_time_to_seconds(sb->now(sb->now_ctx)));
    luaL_addstring(&line, stamp);
  }
  for (int i = 1; i <= n; i++) {
    if (i > 1)
      luaL_addchar(&line, '\t');
    lua_identity_tostring(L, i, NULL);
    luaL_addvalue(&line);
  }
  luaL_addchar(&line, '\n');
  luaL_pushresult(&line);
  size_t len;
  const char *text = lua_tolstring(L, -1, &len);
  fwrite(text, 1, len, stderr);
  return 0;
}

/* A "%p" conversion stock Lua accepts: flags '-' only, a width of at most
 * two digits not starting with 0, no precision. `spec` is after the '%'. */
static gboolean plain_pointer_spec(const char *spec, const char *end)
{
  while (spec < end && *spec == '-')
    spec++;
  if (spec < end && *spec == '0')
    return FALSE;
  for (int digits = 0; digits < 2 && spec < end && g_ascii_isdigit(*spec); digits++)
    spec++;
  return spec < end && *spec == 'p';
}

/* Calls `visit` for each conversion of `fmt` with its argument index
 * (arguments are 2..top) and the offset of its specifier character. */
typedef void (*ConversionVisit)(lua_State *L, int arg, const char *spec, const char *end, char *patch);

static void each_conversion(lua_State *L, int top, const char *fmt, size_t len, ConversionVisit visit, char *patch)
{
  int arg = 1;
  for (size_t i = 0; i < len; i++) {
    if (fmt[i] != '%')
      continue;
    if (i + 1 < len && fmt[i + 1] == '%') {
      i++;
      continue;
    }
    if (++arg > top)
      return;
    size_t at = i + 1 + strspn(fmt + i + 1, "-+ #0123456789.");
    if (at >= len)
      return;
    visit(L, arg, fmt + i + 1, fmt + len, patch ? patch + at : NULL);
    i = at;
  }
}

/* Pass 1: objects under %s become their tostring(), and every object or
 * string under a valid %p its name (an invalid %p is left for the stock
 * format to reject). */
static void name_argument(lua_State *L, int arg, const char *spec, const char *end, char *patch)
{
  (void) patch;
  const char *conv = spec + strspn(spec, "-+ #0123456789.");
  int type = lua_type(L, arg);
  gboolean object = type != LUA_TNIL && type != LUA_TBOOLEAN && type != LUA_TNUMBER && type != LUA_TSTRING;
  if (*conv == 's' && object) {
    lua_identity_tostring(L, arg, NULL);
    lua_replace(L, arg);
  } else if (*conv == 'p' && plain_pointer_spec(spec, end) && lua_identity_name(L, arg)) {
    lua_replace(L, arg);
  }
}

/* Pass 2: a valid %p whose argument is now a name is formatted as %s. */
static void patch_pointer(lua_State *L, int arg, const char *spec, const char *end, char *patch)
{
  if (*patch == 'p' && plain_pointer_spec(spec, end) && lua_type(L, arg) == LUA_TSTRING)
    *patch = 's';
}

/* string.format with per-run names for %p and for objects under %s, and
 * its scanning of the format and of string arguments charged. */
static int identity_format(lua_State *L)
{
  size_t len;
  const char *fmt = luaL_checklstring(L, 1, &len);
  int top = lua_gettop(L);
  size_t bytes = len;
  for (int i = 2; i <= top; i++)
    if (lua_type(L, i) == LUA_TSTRING)
      bytes += lua_rawlen(L, i);
  lua_sandbox_charge(L, (lua_Integer) (bytes / FORMAT_BYTES_PER_UNIT) + top);
  each_conversion(L, top, fmt, len, name_argument, NULL);
  if (memchr(fmt, 'p', len)) {
    char *copy = lua_newuserdatauv(L, len, 0);
    memcpy(copy, fmt, len);
    each_conversion(L, top, fmt, len, patch_pointer, copy);
    lua_pushlstring(L, copy, len);
    lua_replace(L, 1);
    lua_pop(L, 1);
  }
  lua_CFunction stock = lua_tocfunction(L, lua_upvalueindex(1));
  return stock(L);
}

void lua_identity_open(lua_State *L)
{
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, IDENTITY_OBJECTS);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, IDENTITY_STRINGS);
  lua_pushcfunction(L, identity_tostring);
  lua_setglobal(L, "tostring");
  lua_pushcfunction(L, identity_print);
  lua_setglobal(L, "print");
  lua_getglobal(L, LUA_STRLIBNAME);
  lua_getfield(L, -1, "format");
  lua_pushcclosure(L, identity_format, 1);
  lua_setfield(L, -2, "format");
  lua_pop(L, 1);
}
