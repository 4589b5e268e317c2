/* Direct-mapped memos for the Lua model runtime: see lua_memo.h. */
#include "sim/lua/lua_memo.h"
#include <string.h>

/* Lua's longest short string (LUAI_MAXSHORTLEN in its llimits.h): only
 * strings up to this length are interned, so only they are one object per
 * text. */
#define MEMO_SHORT_STRING 40

#define MEMO_SLOTS ((1u << LUA_MEMO_NAME_BITS) + (1u << LUA_MEMO_NODE_BITS) + (1u << LUA_MEMO_TYPE_BITS) + \
                    (1u << LUA_MEMO_FIELD_BITS))

LuaMemo *lua_memo_push_new(lua_State *L)
{
  /* The slots table holds the memo (at slot 0, in its hash part) and, in
   * its array part, every object whose address is a key. The array part
   * is made here at its full size, so keeping an entry never allocates:
   * Lua sets an integer key within the array part's size in place, nil or
   * not (the size only changes by a rehash, which needs a key outside it,
   * and `#`, never used on this table, is the only other thing that moves
   * its limit). */
  lua_createtable(L, (int) MEMO_SLOTS, 1);
  LuaMemo *memo = lua_newuserdatauv(L, sizeof *memo, 0);
  memset(memo, 0, sizeof *memo);
  lua_rawseti(L, -2, 0);
  return memo;
}

void lua_memo_keep(lua_State *L, LuaMemo *memo, int slots, LuaMemoKind kind, int str, intptr_t value)
{
  size_t len;
  if (lua_type(L, str) != LUA_TSTRING)
    return;
  const char *text = lua_tolstring(L, str, &len);
  if (len > MEMO_SHORT_STRING)
    return;
  lua_Integer slot;
  LuaMemoWay *w = lua_memo_text_way(memo, kind, text, &slot);
  lua_pushvalue(L, str);
  lua_rawseti(L, slots, slot);
  *w = (LuaMemoWay) { text, value };
}

void lua_memo_keep_name(lua_State *L, LuaMemo *memo, int slots, const char *name, int str)
{
  guint way = lua_memo_way(name, LUA_MEMO_NAME_BITS);
  lua_pushvalue(L, str);
  lua_rawseti(L, slots, (lua_Integer) way + 1);
  memo->names[way] = name;
}
