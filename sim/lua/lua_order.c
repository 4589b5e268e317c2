/* Deterministic order: pairs() and table.sort.
 *
 * Debian's Lua randomises its string hash per process, so next() visits
 * keys in a different order in every run, and its table.sort seeds the
 * pivot from clock() and time(), so records with tied keys come out in a
 * different order in every process. In the sandbox pairs() visits keys in
 * sorted order (booleans, then numbers ascending, then strings bytewise)
 * and table.sort is a stable merge sort. Both are O(n log n) and charge
 * their C-side work to the instruction budget; comparators written in Lua
 * are counted by the hook as usual. */
#include "sim/lua/lua_sandbox.h"
#include <lauxlib.h>
#include <lualib.h>
#include <limits.h>
#include <math.h>
#include <string.h>

typedef enum { RANK_BOOLEAN, RANK_NUMBER, RANK_STRING, RANK_OTHER } KeyRank;

/* A key as C sees it while sorting; strings point into Lua strings kept
 * alive by the keys array. */
typedef struct {
  KeyRank rank;
  gboolean is_int;
  lua_Integer i;  /* integers and booleans */
  lua_Number f;
  const char *s;  /* strings; per-run names of other keys */
  size_t len;
  lua_Integer pos; /* 1-based index in the keys array */
} OrderKey;

/* Whether integer `i` < float `f`, exactly (no rounding of i to a float). */
static gboolean int_less_float(lua_Integer i, lua_Number f)
{
  if (f >= 0x1p63)
    return TRUE;
  if (f <= -0x1p63)
    return FALSE;
  lua_Number fl = floor(f);
  return (lua_Integer) fl > i || ((lua_Integer) fl == i && f != fl);
}

/* Whether float `f` < integer `i`, exactly. */
static gboolean float_less_int(lua_Number f, lua_Integer i)
{
  if (f >= 0x1p63)
    return FALSE;
  if (f < -0x1p63)
    return TRUE;
  lua_Number c = ceil(f);
  return (lua_Integer) c < i || ((lua_Integer) c == i && f != c);
}

static gboolean bytes_less(const char *a, size_t la, const char *b, size_t lb)
{
  int c = memcmp(a, b, la < lb ? la : lb);
  return c < 0 || (c == 0 && la < lb);
}

static gboolean key_less(const OrderKey *a, const OrderKey *b)
{
  if (a->rank != b->rank)
    return a->rank < b->rank;
  switch (a->rank) {
  case RANK_BOOLEAN:
    return a->i < b->i;
  case RANK_NUMBER:
    if (a->is_int && b->is_int)
      return a->i < b->i;
    if (!a->is_int && !b->is_int)
      return a->f < b->f;
    return a->is_int ? int_less_float(a->i, b->f) : float_less_int(a->f, b->i);
  default:
    return bytes_less(a->s, a->len, b->s, b->len);
  }
}

/* Stable bottom-up merge sort of `n` items in `a`, with scratch `tmp`. */
static void merge_sort_keys(OrderKey *a, OrderKey *tmp, size_t n)
{
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = MIN(lo + width, n), hi = MIN(lo + 2 * width, n);
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        tmp[k++] = key_less(&a[j], &a[i]) ? a[j++] : a[i++];
      while (i < mid)
        tmp[k++] = a[i++];
      while (j < hi)
        tmp[k++] = a[j++];
    }
    memcpy(a, tmp, n * sizeof *a);
  }
}

/* log2(n) rounded up, at least 1: the passes of a merge sort. */
static lua_Integer sort_passes(lua_Integer n)
{
  lua_Integer passes = 1;
  while (passes < 62 && ((lua_Integer) 1 << passes) < n)
    passes++;
  return passes;
}

/* Keys sorted on the C stack when there are at most this many (most
 * tables in scenarios): no allocation besides the keys array. */
#define SMALL_KEYS 32

void lua_order_push_keys(lua_State *L, int t, gboolean any_type)
{
  t = lua_absindex(L, t);
  lua_Integer count = 0; /* sized once: no reallocation while filling */
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    count++;
  }
  lua_createtable(L, (int) MIN(count, INT_MAX), 0);
  int keys = lua_gettop(L);
  int names = 0; /* per-run names of keys that are not values, kept alive */
  lua_Integer n = 0;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    int type = lua_type(L, -1);
    if (!any_type && type != LUA_TBOOLEAN && type != LUA_TNUMBER && type != LUA_TSTRING)
      luaL_error(L, "a key of type %s has no fixed order (pairs() visits keys in sorted order); "
                    "use an array and ipairs()", luaL_typename(L, -1));
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, ++n);
    if (n % 1024 == 0)
      lua_sandbox_charge(L, 1024);
  }
  if (n < 2)
    return;
  lua_sandbox_charge(L, n * sort_passes(n));
  OrderKey small[2 * SMALL_KEYS];
  OrderKey *items = small;
  if (n > SMALL_KEYS)
    items = lua_newuserdatauv(L, sizeof(OrderKey) * 2 * (size_t) n, 0);
  for (lua_Integer k = 1; k <= n; k++) {
    OrderKey *it = &items[k - 1];
    memset(it, 0, sizeof *it);
    it->pos = k;
    switch (lua_rawgeti(L, keys, k)) {
    case LUA_TBOOLEAN:
      it->rank = RANK_BOOLEAN;
      it->i = lua_toboolean(L, -1);
      break;
    case LUA_TNUMBER:
      it->rank = RANK_NUMBER;
      it->is_int = lua_isinteger(L, -1);
      it->i = lua_tointeger(L, -1);
      it->f = lua_tonumber(L, -1);
      break;
    case LUA_TSTRING:
      it->rank = RANK_STRING;
      it->s = lua_tolstring(L, -1, &it->len);
      break;
    default:
      it->rank = RANK_OTHER;
      if (!names) {
        lua_newtable(L);
        lua_insert(L, -2);
        names = lua_gettop(L) - 1;
      }
      lua_identity_name(L, -1);
      it->s = lua_tolstring(L, -1, &it->len);
      lua_rawseti(L, names, k);
      break;
    }
    lua_pop(L, 1);
  }
  merge_sort_keys(items, items + n, (size_t) n);
  /* Reorder the keys array: read every key first (onto the stack when
   * they are few, else into a new array), then write them back. */
  if (n <= SMALL_KEYS) {
    luaL_checkstack(L, (int) n, "too many keys");
    for (lua_Integer k = 1; k <= n; k++)
      lua_rawgeti(L, keys, items[k - 1].pos);
    for (lua_Integer k = n; k >= 1; k--)
      lua_rawseti(L, keys, k);
  } else {
    lua_createtable(L, (int) MIN(n, INT_MAX), 0);
    for (lua_Integer k = 1; k <= n; k++) {
      lua_rawgeti(L, keys, items[k - 1].pos);
      lua_rawseti(L, -2, k);
    }
    lua_replace(L, keys);
  }
  lua_settop(L, keys); /* drops the items and names */
}

/* The iterator pairs() returns. Upvalues: table, sorted keys, position.
 * Keys whose value became nil during the loop are skipped, as next() does. */
static int sorted_next(lua_State *L)
{
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
  for (;;) {
    if (lua_rawgeti(L, lua_upvalueindex(2), ++i) == LUA_TNIL) {
      lua_pushinteger(L, i - 1);
      lua_replace(L, lua_upvalueindex(3));
      return 1;
    }
    lua_pushvalue(L, -1);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
      break;
    lua_pop(L, 2);
  }
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(3));
  return 2;
}

int lua_order_pairs(lua_State *L)
{
  luaL_checkany(L, 1);
  if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
    lua_pushvalue(L, 1);
    lua_call(L, 1, 3);
    return 3;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lua_order_push_keys(L, 1, FALSE);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, sorted_next, 3);
  return 1;
}

/* ---- table.sort ---- */

typedef struct {
  lua_State *L;
  int values;     /* stack index of the array of values being sorted */
  gboolean comp;  /* a comparator at stack index 2 */
} SortState;

/* Whether values[a] must come before values[b]. */
static gboolean sort_less(SortState *s, lua_Integer a, lua_Integer b)
{
  lua_State *L = s->L;
  if (s->comp) {
    lua_pushvalue(L, 2);
    lua_rawgeti(L, s->values, a);
    lua_rawgeti(L, s->values, b);
    lua_call(L, 2, 1);
    gboolean less = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return less;
  }
  lua_rawgeti(L, s->values, a);
  lua_rawgeti(L, s->values, b);
  gboolean less = lua_compare(L, -2, -1, LUA_OPLT);
  lua_pop(L, 2);
  return less;
}

/* Stable bottom-up merge sort of the value positions in `order`. */
static void merge_sort_positions(SortState *s, lua_Integer *order, lua_Integer *tmp, lua_Integer n)
{
  for (lua_Integer width = 1; width < n; width *= 2) {
    for (lua_Integer lo = 0; lo < n; lo += 2 * width) {
      lua_Integer mid = MIN(lo + width, n), hi = MIN(lo + 2 * width, n);
      lua_Integer i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        tmp[k++] = sort_less(s, order[j], order[i]) ? order[j++] : order[i++];
      while (i < mid)
        tmp[k++] = order[i++];
      while (j < hi)
        tmp[k++] = order[j++];
    }
    memcpy(order, tmp, (size_t) n * sizeof *order);
  }
}

/* table.sort(list [, comp]): stable, so equal elements keep their order
 * and every process sorts alike. Reads every element, sorts, checks that
 * no element must come before its predecessor (which an invalid order
 * function such as `<=` on ties or `return true` breaks: "invalid order
 * function for sorting", as stock Lua may say), then writes them back. */
static int order_sort(lua_State *L)
{
  lua_sandbox_check_table(L, 1, TRUE, TRUE, TRUE);
  lua_Integer n = luaL_len(L, 1);
  if (n < 2)
    return 0;
  luaL_argcheck(L, n < INT_MAX, 1, "array too big");
  if (!lua_isnoneornil(L, 2))
    luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_settop(L, 2);
  lua_sandbox_charge(L, n * (sort_passes(n) + 2));
  SortState s = { L, 3, !lua_isnil(L, 2) };
  lua_createtable(L, (int) n, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 1, i);
    lua_rawseti(L, s.values, i);
  }
  lua_Integer *order = lua_newuserdatauv(L, sizeof(lua_Integer) * 2 * (size_t) n, 0);
  for (lua_Integer i = 0; i < n; i++)
    order[i] = i + 1;
  merge_sort_positions(&s, order, order + n, n);
  for (lua_Integer i = 1; i < n; i++)
    if (sort_less(&s, order[i], order[i - 1]))
      return luaL_error(L, "invalid order function for sorting");
  for (lua_Integer i = 0; i < n; i++) {
    lua_rawgeti(L, s.values, order[i]);
    lua_seti(L, 1, i + 1);
  }
  return 0;
}

void lua_order_open(lua_State *L)
{
  lua_pushcfunction(L, lua_order_pairs);
  lua_setglobal(L, "pairs");
  lua_getglobal(L, LUA_TABLIBNAME);
  lua_pushcfunction(L, order_sort);
  lua_setfield(L, -2, "sort");
  lua_pop(L, 1);
}
