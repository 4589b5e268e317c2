/* Direct-mapped memos for the Lua model runtime's hottest lookups
 * (lua_model.c, issue 16): which node a name string names, which interned
 * name a message type or field name string has, which Lua string a
 * kernel name is. Each answer is fixed for the run, and lua_model.c's
 * cache tables hold the authoritative copy; a memo only lets a repeated
 * question skip the table lookup (a Lua hash lookup through the C API
 * costs several times a memo probe).
 *
 * A memo is keyed by address: the text of a Lua string (equal short
 * strings are one object in Lua) or a kernel name (sim_intern()ed or a
 * literal). Every object whose address is a key is also held in the
 * memo's slots table, a Lua array beside it, so it cannot be collected
 * and its address reused while the entry stands; a new entry replaces
 * the old one in its way and in its slot. A probe that misses falls back
 * on the cache table and allocates nothing, so what a run does, allocates
 * and is charged never depends on addresses, only how fast it goes. */
#pragma once
#include <glib.h>
#include <lua.h>
#include <stdint.h>

typedef enum { LUA_MEMO_NODE, LUA_MEMO_TYPE, LUA_MEMO_FIELD, LUA_MEMO_NKINDS } LuaMemoKind;

typedef struct LuaMemo LuaMemo;

/* Pushes a new memo's slots table and returns the memo, which lives in
 * Lua memory as long as that table does (no finalizer). May raise a
 * memory error. */
LuaMemo *lua_memo_push_new(lua_State *L);

/* The value kept for Lua string text `text` (from lua_tolstring) under
 * `kind`, or FALSE. */
static inline gboolean lua_memo_find(const LuaMemo *memo, LuaMemoKind kind, const char *text, intptr_t *value);

/* Keeps `value` for the short string at `str` under `kind`; `slots` is the
 * memo's slots table. Strings longer than Lua's short strings are not
 * kept (two of them with one text are two objects). Allocates nothing. */
void lua_memo_keep(lua_State *L, LuaMemo *memo, int slots, LuaMemoKind kind, int str, intptr_t value);

/* Pushes the Lua string kept for kernel name `name` and returns TRUE, or
 * returns FALSE having pushed nothing. */
static inline gboolean lua_memo_push_name(lua_State *L, const LuaMemo *memo, int slots, const char *name);

/* Keeps the Lua string at `str` for kernel name `name`. Allocates
 * nothing. */
void lua_memo_keep_name(lua_State *L, LuaMemo *memo, int slots, const char *name, int str);

/* ---- inline probes ---- */

#define LUA_MEMO_NAME_BITS 6
/* Ways per kind, as log2: node names (a model may talk to a thousand
 * nodes), message types, field names. */
#define LUA_MEMO_NODE_BITS 10
#define LUA_MEMO_TYPE_BITS 6
#define LUA_MEMO_FIELD_BITS 6

typedef struct {
  const char *key;
  intptr_t value;
} LuaMemoWay;

struct LuaMemo {
  const char *names[1u << LUA_MEMO_NAME_BITS];
  LuaMemoWay node[1u << LUA_MEMO_NODE_BITS], type[1u << LUA_MEMO_TYPE_BITS], field[1u << LUA_MEMO_FIELD_BITS];
};

/* The way of address `p` in a table of 2^bits ways (Fibonacci hashing). */
static inline guint lua_memo_way(const void *p, guint bits)
{
  return (guint) (((guint64) (uintptr_t) p * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

/* The way of `text` under `kind`, and (in *slot) its index in the slots
 * table. */
static inline LuaMemoWay *lua_memo_text_way(const LuaMemo *memo, LuaMemoKind kind, const char *text, lua_Integer *slot)
{
  static const guint bits[] = { LUA_MEMO_NODE_BITS, LUA_MEMO_TYPE_BITS, LUA_MEMO_FIELD_BITS };
  static const guint base[] = { 1u << LUA_MEMO_NAME_BITS, (1u << LUA_MEMO_NAME_BITS) + (1u << LUA_MEMO_NODE_BITS),
                                (1u << LUA_MEMO_NAME_BITS) + (1u << LUA_MEMO_NODE_BITS) + (1u << LUA_MEMO_TYPE_BITS) };
  const LuaMemoWay *ways[] = { memo->node, memo->type, memo->field };
  guint way = lua_memo_way(text, bits[kind]);
  if (slot)
    *slot = (lua_Integer) (base[kind] + way + 1);
  return (LuaMemoWay *) &ways[kind][way];
}

static inline gboolean lua_memo_find(const LuaMemo *memo, LuaMemoKind kind, const char *text, intptr_t *value)
{
  const LuaMemoWay *w = lua_memo_text_way(memo, kind, text, NULL);
  if (w->key != text)
    return FALSE;
  *value = w->value;
  return TRUE;
}

static inline gboolean lua_memo_push_name(lua_State *L, const LuaMemo *memo, int slots, const char *name)
{
  guint way = lua_memo_way(name, LUA_MEMO_NAME_BITS);
  if (memo->names[way] != name)
    return FALSE;
  lua_rawgeti(L, slots, (lua_Integer) way + 1);
  return TRUE;
}
