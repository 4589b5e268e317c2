/* Library functions whose work in C is charged to the instruction budget.
 *
 * Lua's count hook sees only VM instructions: one call to string.rep,
 * table.move or utf8.len can do unbounded work in C (`string.rep("",
 * math.maxinteger)` loops 2^63 times without allocating a byte). Every
 * function here charges, before it works, what it is about to do:
 *
 *   table.insert/remove   the elements it shifts
 *   table.move/concat/unpack  the elements in the range
 *   string.rep            the copies (the bytes are charged by the allocator)
 *   string.byte, utf8.codepoint  the values in the range
 *   utf8.len              the bytes in the range
 *   utf8.offset           the bytes it walked (charged after: it cannot fail
 *                         once walking)
 *   utf8.codes            each step's skipped continuation bytes
 *   string.pack/packsize/unpack, tonumber, string arithmetic ("10" + 1)
 *                         the bytes of the format or string they scan
 *
 * load() (lua_sandbox.c), string.format (lua_identity.c), pattern matching
 * (lua_pattern.c), pairs and table.sort (lua_order.c) charge their own.
 * Output is charged by the allocator at one unit per 64 bytes; a unit here
 * is one VM instruction. The table functions are written here in full
 * (same arguments, results and errors as Lua 5.4's) so their length is
 * read once; the others wrap the stock function. */
#include "sim/lua/lua_sandbox.h"
#include <lauxlib.h>
#include <lualib.h>
#include <limits.h>
#include <string.h>

/* Bytes per instruction charged, measured so that using up the budget
 * takes about as long as an endless loop does (half a second): a scan
 * (strtod, skipping bytes) costs about 1/8 of an instruction a byte,
 * decoding UTF-8 about 1/2; pushing a value costs one. */
#define SCAN_BYTES_PER_UNIT 8
#define DECODE_BYTES_PER_UNIT 2

static lua_Integer scan_units(size_t bytes) { return (lua_Integer) (bytes / SCAN_BYTES_PER_UNIT) + 1; }
static lua_Integer decode_units(size_t bytes) { return (lua_Integer) (bytes / DECODE_BYTES_PER_UNIT) + 1; }

/* The stock function a wrapper was made from (its first upvalue). */
static int call_stock(lua_State *L)
{
  return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* ---- tables ---- */

static gboolean has_field(lua_State *L, const char *key, int mt)
{
  lua_pushstring(L, key);
  gboolean has = lua_rawget(L, mt) != LUA_TNIL;
  lua_pop(L, 1);
  return has;
}

void lua_sandbox_check_table(lua_State *L, int arg, gboolean read, gboolean write, gboolean len)
{
  if (lua_type(L, arg) == LUA_TTABLE)
    return;
  if (lua_getmetatable(L, arg)) {
    int mt = lua_gettop(L);
    gboolean ok = (!read || has_field(L, "__index", mt)) && (!write || has_field(L, "__newindex", mt)) &&
                  (!len || has_field(L, "__len", mt));
    lua_pop(L, 1);
    if (ok)
      return;
  }
  luaL_checktype(L, arg, LUA_TTABLE);
}

/* table.insert(list, [pos,] value) */
static int budget_insert(lua_State *L)
{
  lua_sandbox_check_table(L, 1, TRUE, TRUE, TRUE);
  lua_Integer first_empty = (lua_Integer) ((lua_Unsigned) luaL_len(L, 1) + 1u);
  lua_Integer pos = first_empty;
  switch (lua_gettop(L)) {
  case 2:
    break;
  case 3:
    pos = luaL_checkinteger(L, 2);
    luaL_argcheck(L, (lua_Unsigned) pos - 1u < (lua_Unsigned) first_empty, 2, "position out of bounds");
    lua_sandbox_charge(L, first_empty - pos);
    for (lua_Integer i = first_empty; i > pos; i--) {
      lua_geti(L, 1, i - 1);
      lua_seti(L, 1, i);
    }
    break;
  default:
    return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, pos);
  return 0;
}

/* table.remove(list [, pos]) */
static int budget_remove(lua_State *L)
{
  lua_sandbox_check_table(L, 1, TRUE, TRUE, TRUE);
  lua_Integer size = luaL_len(L, 1);
  lua_Integer pos = luaL_optinteger(L, 2, size);
  if (pos != size)
    luaL_argcheck(L, (lua_Unsigned) pos - 1u <= (lua_Unsigned) size, 1, "position out of bounds");
  if (pos < size)
    lua_sandbox_charge(L, size - pos);
  lua_geti(L, 1, pos);
  for (; pos < size; pos++) {
    lua_geti(L, 1, pos + 1);
    lua_seti(L, 1, pos);
  }
  lua_pushnil(L);
  lua_seti(L, 1, pos);
  return 1;
}

/* table.move(a1, f, e, t [, a2]) */
static int budget_move(lua_State *L)
{
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  lua_Integer t = luaL_checkinteger(L, 4);
  int dst = lua_isnoneornil(L, 5) ? 1 : 5;
  lua_sandbox_check_table(L, 1, TRUE, FALSE, FALSE);
  lua_sandbox_check_table(L, dst, FALSE, TRUE, FALSE);
  if (e >= f) {
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
    lua_Integer n = e - f + 1;
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
    lua_sandbox_charge(L, n);
    /* Copy upwards unless that would overwrite what is still to be read. */
    if (t > e || t <= f || (dst != 1 && !lua_compare(L, 1, dst, LUA_OPEQ))) {
      for (lua_Integer i = 0; i < n; i++) {
        lua_geti(L, 1, f + i);
        lua_seti(L, dst, t + i);
      }
    } else {
      for (lua_Integer i = n - 1; i >= 0; i--) {
        lua_geti(L, 1, f + i);
        lua_seti(L, dst, t + i);
      }
    }
  }
  lua_pushvalue(L, dst);
  return 1;
}

static void concat_field(lua_State *L, luaL_Buffer *b, lua_Integer i)
{
  lua_geti(L, 1, i);
  if (!lua_isstring(L, -1))
    luaL_error(L, "invalid value (%s) at index %I in table for 'concat'", luaL_typename(L, -1), (LUAI_UACINT) i);
  luaL_addvalue(b);
}

/* table.concat(list [, sep [, i [, j]]]) */
static int budget_concat(lua_State *L)
{
  lua_sandbox_check_table(L, 1, TRUE, FALSE, TRUE);
  lua_Integer last = luaL_len(L, 1);
  size_t lsep;
  const char *sep = luaL_optlstring(L, 2, "", &lsep);
  lua_Integer i = luaL_optinteger(L, 3, 1);
  last = luaL_optinteger(L, 4, last);
  if (i <= last)
    lua_sandbox_charge(L, (lua_Integer) ((lua_Unsigned) last - (lua_Unsigned) i) + 1);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (; i < last; i++) {
    concat_field(L, &b, i);
    luaL_addlstring(&b, sep, lsep);
  }
  if (i == last)
    concat_field(L, &b, i);
  luaL_pushresult(&b);
  return 1;
}

/* table.unpack(list [, i [, j]]) */
static int budget_unpack(lua_State *L)
{
  lua_Integer i = luaL_optinteger(L, 2, 1);
  lua_Integer e = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
  if (i > e)
    return 0;
  lua_Unsigned n = (lua_Unsigned) e - (lua_Unsigned) i;
  if (n >= (unsigned int) INT_MAX || !lua_checkstack(L, (int) (++n)))
    return luaL_error(L, "too many results to unpack");
  lua_sandbox_charge(L, (lua_Integer) n);
  for (; i < e; i++)
    lua_geti(L, 1, i);
  lua_geti(L, 1, e);
  return (int) n;
}

/* ---- strings ---- */

/* string.rep(s, n [, sep]): an empty result is made without looping; the
 * copies are charged (their bytes are charged by the allocator). */
static int budget_rep(lua_State *L)
{
  size_t l, lsep;
  luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || l + lsep == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  /* A result over the memory cap fails in the stock function before any
   * copying, with Lua's own message. */
  if ((lua_Unsigned) n <= lua_sandbox_of(L)->mem_limit / (l + lsep))
    lua_sandbox_charge(L, n / 8 + 1);
  return call_stock(L);
}


/* Like Lua's getendpos: an end position, clipped to [0, len]. */
static size_t end_position(lua_Integer pos, size_t len)
{
  if (pos > (lua_Integer) len)
    return len;
  if (pos >= 0)
    return (size_t) pos;
  if (pos < -(lua_Integer) len)
    return 0;
  return len + (size_t) pos + 1;
}

/* string.byte(s [, i [, j]]) and utf8.codepoint(s [, i [, j]]): the range. */
static int budget_range(lua_State *L)
{
  size_t len;
  luaL_checklstring(L, 1, &len);
  lua_Integer i = luaL_optinteger(L, 2, 1);
  size_t first = lua_start_position(i, len), last = end_position(luaL_optinteger(L, 3, i), len);
  lua_sandbox_charge(L, (lua_Integer) (last >= first ? last - first + 1 : 0) + 1);
  return call_stock(L);
}

/* utf8.len(s [, i [, j [, lax]]]): the range, default the whole string. */
static int budget_utf8_len(lua_State *L)
{
  size_t len;
  luaL_checklstring(L, 1, &len);
  size_t first = lua_start_position(luaL_optinteger(L, 2, 1), len);
  size_t last = end_position(luaL_optinteger(L, 3, -1), len);
  lua_sandbox_charge(L, decode_units(last >= first ? last - first + 1 : 0));
  return call_stock(L);
}

/* utf8.offset(s, n [, i]): charged after, for the bytes between where it
 * started and where it stopped (it raises only before walking). */
static int budget_utf8_offset(lua_State *L)
{
  size_t len;
  luaL_checklstring(L, 1, &len);
  lua_Integer n = luaL_checkinteger(L, 2);
  lua_Integer from = luaL_optinteger(L, 3, n >= 0 ? 1 : (lua_Integer) len + 1);
  int results = call_stock(L);
  lua_Integer to = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : (n >= 0 ? (lua_Integer) len + 1 : 1);
  lua_Unsigned walked = to >= from ? (lua_Unsigned) to - (lua_Unsigned) from
                                   : (lua_Unsigned) from - (lua_Unsigned) to;
  lua_sandbox_charge(L, decode_units(walked > len ? len : (size_t) walked));
  return results;
}

/* One step of utf8.codes: the stock step skips continuation bytes before
 * decoding, as many as the string holds; count them and charge first. */
static int budget_codes_step(lua_State *L)
{
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  lua_Unsigned at = (lua_Unsigned) lua_tointeger(L, 2);
  size_t skipped = 0;
  while (at < len && ((unsigned char) s[at] & 0xC0) == 0x80) {
    at++;
    skipped++;
  }
  lua_sandbox_charge(L, scan_units(skipped));
  return call_stock(L);
}

/* utf8.codes(s [, lax]): the stock iterator, its steps wrapped. */
static int budget_utf8_codes(lua_State *L)
{
  int results = call_stock(L);
  int step = lua_gettop(L) - results + 1;
  lua_pushvalue(L, step);
  lua_pushcclosure(L, budget_codes_step, 1);
  lua_replace(L, step);
  return results;
}

/* Functions that scan their string arguments once (tonumber, string
 * arithmetic, string.pack and packsize): charged for every string byte. */
static int budget_scan_strings(lua_State *L)
{
  size_t bytes = 0;
  for (int i = 1; i <= lua_gettop(L); i++)
    if (lua_type(L, i) == LUA_TSTRING)
      bytes += lua_rawlen(L, i);
  lua_sandbox_charge(L, scan_units(bytes) + lua_gettop(L));
  return call_stock(L);
}

/* string.unpack(fmt, s [, pos]): the format; and the subject when the
 * format has 'z' (a zero-terminated string is searched for its end). The
 * values it reads are bounded by the format, the strings it copies are
 * charged by the allocator. */
static int budget_unpack_string(lua_State *L)
{
  size_t lfmt, ls;
  const char *fmt = luaL_checklstring(L, 1, &lfmt);
  luaL_checklstring(L, 2, &ls);
  lua_sandbox_charge(L, scan_units(lfmt) + (memchr(fmt, 'z', lfmt) ? scan_units(ls) : 0));
  return call_stock(L);
}

/* Replaces field `name` of the table on top with `wrapper` around it. */
static void wrap_field(lua_State *L, const char *name, lua_CFunction wrapper)
{
  lua_getfield(L, -1, name);
  lua_pushcclosure(L, wrapper, 1);
  lua_setfield(L, -2, name);
}

void lua_budget_open(lua_State *L)
{
  static const luaL_Reg table_funcs[] = {
    { "insert", budget_insert }, { "remove", budget_remove }, { "move", budget_move },
    { "concat", budget_concat }, { "unpack", budget_unpack }, { NULL, NULL },
  };
  lua_getglobal(L, LUA_TABLIBNAME);
  luaL_setfuncs(L, table_funcs, 0);
  lua_pop(L, 1);

  lua_getglobal(L, LUA_STRLIBNAME);
  wrap_field(L, "rep", budget_rep);
  wrap_field(L, "byte", budget_range);
  wrap_field(L, "pack", budget_scan_strings);
  wrap_field(L, "packsize", budget_scan_strings);
  wrap_field(L, "unpack", budget_unpack_string);
  lua_pop(L, 1);

  lua_getglobal(L, LUA_UTF8LIBNAME);
  wrap_field(L, "codepoint", budget_range);
  wrap_field(L, "len", budget_utf8_len);
  wrap_field(L, "offset", budget_utf8_offset);
  wrap_field(L, "codes", budget_utf8_codes);
  lua_pop(L, 1);

  lua_pushglobaltable(L);
  wrap_field(L, "tonumber", budget_scan_strings);
  lua_pop(L, 1);

  /* "10" + 1 converts through the string metatable's arithmetic. */
  static const char *const arith[] = { "__add", "__sub", "__mul", "__mod", "__pow",
                                       "__div", "__idiv", "__unm", NULL };
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  for (int i = 0; arith[i]; i++)
    if (lua_getfield(L, -1, arith[i]) == LUA_TFUNCTION) {
      lua_pop(L, 1);
      wrap_field(L, arith[i], budget_scan_strings);
    } else {
      lua_pop(L, 1);
    }
  lua_pop(L, 2);
}
