/* Protocol models written in Lua, and include().
 *
 * `model{ name =, params =, ops =, init =, on_message =, on_timer =,
 * on_crash =, on_restart =, on_invoke =, on_overload =, on_retry = }` turns a table of handlers into a SimModel the
 * kernel runs like any C model: each LuaModel embeds a SimModel as its first
 * member, so the kernel's node->model points at it, and its callbacks
 * trampoline into Lua through the sandbox (fresh instruction budget, error
 * handler). An error inside a handler ends the run like an error in a hook:
 * exit 2 with `file:line: message`. The Scenario owns every LuaModel and
 * frees them after the Sim; the Lua side holds only an index (userdata).
 *
 * Each node running a Lua model has one `self` table (made at its first
 * start, kept in the registry by node id): name, id, params, state
 * (volatile: a fresh {} at every restart), durable (survives crashes; not
 * subject to lose_unsynced, unlike the kernel log behind self:log) and the
 * methods below. Timer tags are any Lua value, kept in a per-node private
 * table until the timer fires, is cancelled or dies with a crash.
 *
 * Once a node has crashed, a handler still on the stack (an observer
 * crashed it while it ran) has no more effect: send, timer, log, emit,
 * invoke and complete do nothing, as on a dead machine.
 *
 * `include(path)` runs another Lua file (text only, "@path" chunk name) in
 * the same sandbox and returns what it returns; relative paths start at the
 * including file's folder. Only .lua files can be included. */
#include "models/registry.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/lua/lua_api.h"
#include "sim/lua/lua_memo.h"
#include "sim/lua/scenario.h"
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LM_CACHE "faultsim.lua_model.cache"     /* the dispatch cache, below */
#define LM_META "faultsim.model"
#define LM_SELF_META "faultsim.self"

/* The handlers, in the order of handler_names. */
typedef enum { LM_INIT, LM_MESSAGE, LM_TIMER, LM_CRASH, LM_RESTART, LM_INVOKE, LM_OVERLOAD, LM_RETRY, LM_NHANDLERS } LmKind;

typedef struct {
  SimModel model; /* first: node->model points here */
  Scenario *sc;
  char *name;
  char *summary;
  SimParamSpec *specs; /* nspecs + 1, terminated by { NULL } */
  guint nspecs;
  char **ops;          /* the operations on_invoke takes, NULL-terminated; NULL: any */
  int def_ref;         /* table of handlers, or LUA_NOREF */
  int handler_ref[LM_NHANDLERS]; /* each handler by LmKind order of handler_names; LUA_REFNIL when absent */
  struct LmState *state; /* the scenario's, below */
  gboolean has_restart;
} LuaModel;

/* One call into a model handler, passed to lm_dispatch by pointer. */
typedef struct {
  LuaModel *lm;
  SimNode *node;
  LmKind kind;
  const SimMsg *msg;
  uint64_t tag;
  uint64_t op;
  const char *f;
  const SimValue *key, *value;
  guint attempt;
} LmCall;

static const char *const handler_names[] = { "init", "on_message", "on_timer", "on_crash",
                                             "on_restart", "on_invoke", "on_overload", "on_retry", NULL };

void lua_model_free(gpointer p)
{
  LuaModel *lm = p;
  for (guint i = 0; lm->specs && i < lm->nspecs; i++) {
    g_free((char *) lm->specs[i].name);
    g_free((char *) lm->specs[i].default_value);
  }
  g_free(lm->specs);
  g_strfreev(lm->ops);
  g_free(lm->name);
  g_free(lm->summary);
  g_free(lm);
}

/* ---- the dispatch cache ----
 *
 * Every delivery and every self:send used to make the Lua strings it
 * needed from C strings (lua_pushstring, lua_getfield: Lua hashes the text
 * and compares it in its C-string cache), to check names and intern them
 * again, to find `self` through the registry and node names in the
 * kernel's hash table: most of a Lua model's time per message (issue 16).
 * The cache keeps those strings and lookups in Lua tables, filled at first
 * use: one table per scenario, in the registry (LM_CACHE). What it holds
 * is fixed for the run (node names never change, interned names live as
 * long as the Sim, self tables as long as the state), so nothing is ever
 * invalidated. The hot tables are also upvalues of the self methods
 * (METHOD_*) and of the dispatcher (DISPATCH_*), which reach them without
 * a lookup. */
enum {
  LC_STATE = 1,  /* the LmState (full userdata) */
  LC_SELVES,     /* node id → self */
  LC_SELF_IDS,   /* self → node id */
  LC_PRIVATE,    /* node id → { [PV_TIMERS] =, [PV_TAGS] =, [PV_NEXT] = } */
  LC_NAMES,      /* node id → the node's name */
  LC_IDS,        /* node name → node id */
  LC_TYPES,      /* string → its sim_intern() copy (light userdata), a checked name */
  LC_FIELDS,     /* string → its sim_intern() copy, a checked and unreserved field name */
  LC_STRINGS,    /* a kernel name (light userdata: literal or sim_intern()) → its Lua string */
  LC_KEY_TYPE,   /* the strings "type", "src", "dst", "id": a message table's keys */
  LC_KEY_SRC,
  LC_KEY_DST,
  LC_KEY_ID,
  LC_MEMO,       /* the memo's slots table (lua_memo.h), from the first model{} on */
  LC_NSLOTS = LC_MEMO
};

/* Upvalues of the self methods, and of lm_dispatch. */
enum { METHOD_STATE = 1, METHOD_CACHE_UP, METHOD_IDS, METHOD_TYPES, METHOD_FIELDS, METHOD_NUP = METHOD_FIELDS };
static const int method_slots[] = { LC_STATE, 0, LC_IDS, LC_TYPES, LC_FIELDS };
#define METHOD_CACHE lua_upvalueindex(METHOD_CACHE_UP)
enum { DISPATCH_STATE = 1, DISPATCH_CACHE, DISPATCH_SELVES, DISPATCH_STRINGS, DISPATCH_NAMES, DISPATCH_KEY_TYPE,
       DISPATCH_NUP = DISPATCH_KEY_TYPE + 3 };
static const int dispatch_slots[] = { LC_STATE, 0, LC_SELVES, LC_STRINGS, LC_NAMES, LC_KEY_TYPE,
                                      LC_KEY_SRC, LC_KEY_DST, LC_KEY_ID };

/* A node's private table: timer tag → kernel timer id, timer tag → the
 * script's tag value, and the last tag given. */
enum { PV_TIMERS = 1, PV_TAGS, PV_NEXT };

/* What the C side keeps per scenario, in Lua memory (no __gc needed). */
typedef struct LmState {
  Scenario *sc;       /* NULL from lua_model_close on: methods raise */
  int dispatch_ref;   /* lm_dispatch with its upvalues */
  /* The self the last handler was given, and its node: a method called on
   * it (nearly every call) finds its node without a lookup. A self is
   * kept by the cache for the whole run, so its address never names
   * another table while the state lives. */
  const void *self;
  SimNode *node;
  LuaMemo *memo; /* NULL until the first model{} */
} LmState;

/* Pushes a new cache, without its LC_STATE. */
static void cache_new(lua_State *L)
{
  static const char *const keys[] = { "type", "src", "dst", "id" };
  lua_createtable(L, LC_NSLOTS, 0);
  for (int slot = LC_SELVES; slot <= LC_STRINGS; slot++) {
    lua_newtable(L);
    lua_rawseti(L, -2, slot);
  }
  for (int i = 0; i < 4; i++) {
    lua_pushstring(L, keys[i]);
    lua_rawseti(L, -2, LC_KEY_TYPE + i);
  }
}

/* Pushes `n` values for upvalues: the cache at `cache` itself where
 * `slots` says 0, else the cache's slot. */
static void push_slots(lua_State *L, int cache, const int *slots, int n)
{
  for (int i = 0; i < n; i++) {
    if (slots[i])
      lua_rawgeti(L, cache, slots[i]);
    else
      lua_pushvalue(L, cache);
  }
}

/* Pushes the Lua string of kernel name `s` from `strings` (the LC_STRINGS
 * table, at an absolute or upvalue index). Names are literals or
 * sim_intern()ed (sim.h), so an address stands for one text for the
 * whole run. */
static void push_kernel_name(lua_State *L, int strings, const char *s)
{
  if (lua_rawgetp(L, strings, s) == LUA_TSTRING)
    return;
  lua_pop(L, 1);
  lua_pushstring(L, s);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, strings, s);
}

/* push_kernel_name through `memo` (NULL: none), whose slots table is at
 * `slots` (absolute or upvalue index). */
static void push_memo_name(lua_State *L, LuaMemo *memo, int slots, int strings, const char *s)
{
  if (!memo) {
    push_kernel_name(L, strings, s);
    return;
  }
  if (lua_memo_push_name(L, memo, slots, s))
    return;
  push_kernel_name(L, strings, s);
  lua_memo_keep_name(L, memo, slots, s, lua_gettop(L));
}

/* Pushes node `id`'s name from `names` (the LC_NAMES table). */
static void push_node_name(lua_State *L, int names, Sim *sim, int id)
{
  if (lua_rawgeti(L, names, id) == LUA_TSTRING)
    return;
  lua_pop(L, 1);
  lua_pushstring(L, sim_node_name(sim_node(sim, id)));
  lua_pushvalue(L, -1);
  lua_rawseti(L, names, id);
}

/* Keeps `value` for the string at absolute index `str` in the scenario's
 * memo (the cache at `cache`), if there is one. Allocates nothing. */
static void memo_keep(lua_State *L, const LmState *st, int cache, LuaMemoKind kind, int str, intptr_t value)
{
  if (!st->memo)
    return;
  lua_rawgeti(L, cache, LC_MEMO);
  lua_memo_keep(L, st->memo, lua_gettop(L), kind, str, value);
  lua_pop(L, 1);
}

/* The value the scenario's memo holds for the string at `idx` (any
 * index) under `kind`, or FALSE. */
static gboolean memo_find(lua_State *L, const LmState *st, LuaMemoKind kind, int idx, intptr_t *value)
{
  return st->memo && lua_type(L, idx) == LUA_TSTRING && lua_memo_find(st->memo, kind, lua_tostring(L, idx), value);
}

/* The id of the node named by the string at absolute index `idx`
 * (converted in place if it is a number, as luaL_checkstring does), or -1;
 * `ids` is the LC_IDS table. Raises only if the value is not a string or
 * a number. */
static int find_node(lua_State *L, const LmState *st, int cache, int ids, Sim *sim, int idx)
{
  intptr_t memo;
  if (memo_find(L, st, LUA_MEMO_NODE, idx, &memo))
    return (int) memo;
  if (lua_type(L, idx) != LUA_TSTRING)
    luaL_checkstring(L, idx);
  lua_pushvalue(L, idx);
  int isint = 0;
  lua_rawget(L, ids);
  int id = (int) lua_tointegerx(L, -1, &isint);
  lua_pop(L, 1);
  if (isint) {
    memo_keep(L, st, cache, LUA_MEMO_NODE, idx, id);
    return id;
  }
  id = sim_node_find(sim, lua_tostring(L, idx));
  if (id >= 0) {
    lua_pushvalue(L, idx);
    lua_pushinteger(L, id);
    lua_rawset(L, ids);
    memo_keep(L, st, cache, LUA_MEMO_NODE, idx, id);
  }
  return id;
}

/* The name at absolute index `idx` checked as lua_api_check_name does
 * (naming `what`) and interned in the Sim; a string already seen is found
 * in `types` (the LC_TYPES table) without either. */
static const char *check_interned_name(lua_State *L, const LmState *st, int cache, int types, Sim *sim, int idx,
                                       const char *what)
{
  intptr_t memo;
  if (memo_find(L, st, LUA_MEMO_TYPE, idx, &memo))
    return (const char *) memo;
  gboolean str = lua_type(L, idx) == LUA_TSTRING;
  if (str) {
    lua_pushvalue(L, idx);
    lua_rawget(L, types);
    const char *name = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (name) {
      memo_keep(L, st, cache, LUA_MEMO_TYPE, idx, (intptr_t) name);
      return name;
    }
  }
  const char *name = sim_intern(sim, lua_api_check_name(L, idx, what));
  if (str) {
    lua_pushvalue(L, idx);
    lua_pushlightuserdata(L, (void *) name);
    lua_rawset(L, types);
    memo_keep(L, st, cache, LUA_MEMO_TYPE, idx, (intptr_t) name);
  }
  return name;
}

/* ---- argument helpers ---- */

typedef struct {
  const char *name;
  int64_t value;
} LmField;

/* Reads the table at `idx` (or nothing if nil) as message fields: string
 * keys, integer or boolean values, at most SIM_MSG_MAX_FIELDS, sorted by
 * name so field order never depends on hashing. `skip` is a key to ignore
 * (a record's "type"). Raises on a bad key or value; allocates nothing. */
static guint read_fields(lua_State *L, int idx, const char *what, const char *skip, LmField *out)
{
  static const char *const reserved[] = { "type", "src", "dst", "id", NULL };
  if (lua_isnoneornil(L, idx))
    return 0;
  if (lua_type(L, idx) != LUA_TTABLE)
    return luaL_error(L, "%s: fields must be a table like { seq = 1 }, not %s", what, luaL_typename(L, idx));
  /* Names first, then each checked in sorted order, so the error named is
   * the same in every process whatever the hash order. */
  size_t lens[SIM_MSG_MAX_FIELDS];
  guint n = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      return luaL_error(L, "%s: field names must be strings", what);
    size_t len;
    const char *name = lua_tolstring(L, -1, &len);
    if (skip && strcmp(name, skip) == 0)
      continue;
    if (n == SIM_MSG_MAX_FIELDS)
      return luaL_error(L, "%s: at most %d fields", what, SIM_MSG_MAX_FIELDS);
    lens[n] = len;
    out[n++] = (LmField) { name, 0 }; /* the name stays alive in table idx */
  }
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && strcmp(out[j - 1].name, out[j].name) > 0; j--) {
      LmField t = out[j];
      out[j] = out[j - 1];
      out[j - 1] = t;
      size_t l = lens[j];
      lens[j] = lens[j - 1];
      lens[j - 1] = l;
    }
  for (guint i = 0; i < n; i++) {
    const char *name = out[i].name;
    lua_api_valid_name(L, name, lens[i], "field name");
    for (int r = 0; reserved[r]; r++)
      if (strcmp(name, reserved[r]) == 0)
        return luaL_error(L, "%s: '%s' is reserved and cannot be a field name", what, name);
    lua_pushlstring(L, name, lens[i]);
    lua_rawget(L, idx);
    if (lua_type(L, -1) == LUA_TBOOLEAN) {
      out[i].value = lua_toboolean(L, -1);
    } else {
      int isint = 0;
      out[i].value = lua_tointegerx(L, -1, &isint);
      if (!isint || lua_type(L, -1) != LUA_TNUMBER)
        return luaL_error(L, "%s: field '%s' must be an integer or a boolean, not %s", what, name,
                          lua_type(L, -1) == LUA_TNUMBER ? "a fraction" : luaL_typename(L, -1));
    }
    lua_pop(L, 1);
  }
  return n;
}

/* read_fields for a table whose keys were all seen before as valid field
 * names (the cache's LC_FIELDS table, at absolute index `known`), or are
 * `skip`, and whose values are all integers or booleans, the common case:
 * fills `out`, sorted by name, with interned names. Returns -1, having
 * raised nothing, when anything needs read_fields' checks. Allocates
 * nothing. *saw_skip (if not NULL) tells whether the table has `skip`. */
static int read_known_fields(lua_State *L, const LmState *st, int cache, int idx, int known, const char *skip,
                             LmField *out, gboolean *saw_skip)
{
  if (saw_skip)
    *saw_skip = FALSE;
  if (lua_type(L, idx) != LUA_TTABLE)
    return lua_isnoneornil(L, idx) ? 0 : -1;
  int n = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      lua_pop(L, 2);
      return -1;
    }
    intptr_t memo;
    const char *name = NULL;
    if (memo_find(L, st, LUA_MEMO_FIELD, -2, &memo)) {
      name = (const char *) memo;
    } else {
      lua_pushvalue(L, -2);
      lua_rawget(L, known);
      name = lua_touserdata(L, -1);
      lua_pop(L, 1);
      if (name)
        memo_keep(L, st, cache, LUA_MEMO_FIELD, lua_gettop(L) - 1, (intptr_t) name);
    }
    /* `skip` is skipped even where another call made it a field name (emit
     * has none). */
    if (skip && (name ? name[0] == skip[0] && strcmp(name, skip) == 0 : strcmp(lua_tostring(L, -2), skip) == 0)) {
      if (saw_skip)
        *saw_skip = TRUE;
      lua_pop(L, 1);
      continue;
    }
    int64_t value = 0;
    if (lua_type(L, -1) == LUA_TBOOLEAN)
      value = lua_toboolean(L, -1);
    else if (lua_isinteger(L, -1))
      value = lua_tointeger(L, -1);
    else
      name = NULL;
    lua_pop(L, 1);
    if (!name || n == SIM_MSG_MAX_FIELDS) {
      lua_pop(L, 1);
      return -1;
    }
    out[n++] = (LmField) { name, value };
  }
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && strcmp(out[j - 1].name, out[j].name) > 0; j--) {
      LmField t = out[j];
      out[j] = out[j - 1];
      out[j - 1] = t;
    }
  return n;
}

/* read_fields with every name interned in the Sim: from the cache when it
 * knows them all (see read_known_fields), else read_fields' checks and
 * errors, after which the names join `known` (the LC_FIELDS table; a
 * record's `skip` key never does). */
static guint read_interned_fields(lua_State *L, const LmState *st, int cache, int known, Sim *sim, int idx,
                                  const char *what, const char *skip, LmField *out)
{
  int fast = read_known_fields(L, st, cache, idx, known, skip, out, NULL);
  if (fast >= 0)
    return (guint) fast;
  guint n = read_fields(L, idx, what, skip, out);
  for (guint i = 0; i < n; i++) {
    const char *name = sim_intern(sim, out[i].name);
    lua_pushstring(L, out[i].name);
    lua_pushlightuserdata(L, (void *) name);
    lua_rawset(L, known);
    out[i].name = name;
  }
  return n;
}

/* Sets already interned fields on `m`, a fresh message or record: the
 * names are distinct (a Lua table's keys), so none is searched for. */
static void set_fields(SimMsg *m, const LmField *fields, guint n)
{
  for (guint i = 0; i < n; i++)
    sim_msg_add(m, fields[i].name, fields[i].value);
}

/* Pushes a message or record as { type =, <fields> [, payload = string] }
 * (size hint: `extra` more keys to come). `strings` is the LC_STRINGS table, `key_type` the
 * string "type" and `slots` the memo's slots table when `memo` is not NULL
 * (absolute or upvalue indexes). */
static void push_fields(lua_State *L, LuaMemo *memo, int slots, int strings, int key_type, const SimMsg *m, int extra)
{
  lua_createtable(L, 0, (int) m->nfields + 1 + extra);
  lua_pushvalue(L, key_type);
  push_memo_name(L, memo, slots, strings, m->type);
  lua_rawset(L, -3);
  for (uint32_t i = 0; i < m->nfields; i++) {
    push_memo_name(L, memo, slots, strings, m->fields[i].name);
    lua_pushinteger(L, m->fields[i].value);
    lua_rawset(L, -3);
  }
  size_t len;
  const char *payload = sim_msg_payload(m, &len);
  if (payload) {
    lua_pushlstring(L, payload, len);
    lua_setfield(L, -2, "payload");
  }
}

/* Pushes a delivered message as { type =, src =, dst =, id =, <fields> }:
 * called by lm_dispatch, whose upvalues hold the strings. */
static void push_message(lua_State *L, LuaMemo *memo, int slots, Sim *sim, const SimMsg *m)
{
  push_fields(L, memo, slots, lua_upvalueindex(DISPATCH_STRINGS), lua_upvalueindex(DISPATCH_KEY_TYPE), m, 3);
  lua_pushvalue(L, lua_upvalueindex(DISPATCH_KEY_TYPE + 1)); /* "src" */
  push_node_name(L, lua_upvalueindex(DISPATCH_NAMES), sim, m->src);
  lua_rawset(L, -3);
  lua_pushvalue(L, lua_upvalueindex(DISPATCH_KEY_TYPE + 2)); /* "dst" */
  push_node_name(L, lua_upvalueindex(DISPATCH_NAMES), sim, m->dst);
  lua_rawset(L, -3);
  lua_pushvalue(L, lua_upvalueindex(DISPATCH_KEY_TYPE + 3)); /* "id" */
  lua_pushinteger(L, (lua_Integer) m->id);
  lua_rawset(L, -3);
}

/* Checks that the value at idx is an operation value: nil, an integer, a
 * boolean, or a table of integers ({a, b} is a pair, any other length a
 * list). Raises naming `what`; allocates nothing. */
static void check_value(lua_State *L, int idx, const char *what)
{
  switch (lua_type(L, idx)) {
  case LUA_TNONE:
  case LUA_TNIL:
  case LUA_TBOOLEAN:
    return;
  case LUA_TNUMBER:
    if (!lua_isinteger(L, idx))
      luaL_error(L, "%s must be an integer, a pair {a, b} or a list of integers", what);
    return;
  case LUA_TTABLE: {
    lua_Unsigned n = lua_rawlen(L, idx);
    if (n > 100000)
      luaL_error(L, "%s: list too long", what);
    for (lua_Unsigned i = 1; i <= n; i++) {
      if (lua_rawgeti(L, idx, (lua_Integer) i) != LUA_TNUMBER || !lua_isinteger(L, -1))
        luaL_error(L, "%s: element %d must be an integer", what, (int) i);
      lua_pop(L, 1);
    }
    return;
  }
  default:
    luaL_error(L, "%s must be an integer, a pair {a, b} or a list of integers, not %s", what,
               luaL_typename(L, idx));
  }
}

/* Builds a value already accepted by check_value; raises nothing. */
static SimValue build_value(lua_State *L, int idx)
{
  switch (lua_type(L, idx)) {
  case LUA_TBOOLEAN:
    return sim_value_int(lua_toboolean(L, idx));
  case LUA_TNUMBER:
    return sim_value_int(lua_tointeger(L, idx));
  case LUA_TTABLE: {
    guint n = (guint) lua_rawlen(L, idx);
    int64_t *items = g_new(int64_t, n ? n : 1);
    for (guint i = 0; i < n; i++) {
      lua_rawgeti(L, idx, (lua_Integer) i + 1);
      items[i] = lua_tointeger(L, -1);
      lua_pop(L, 1);
    }
    SimValue v = n == 2 ? sim_value_pair(items[0], items[1]) : sim_value_list(items, n);
    g_free(items);
    return v;
  }
  default:
    return sim_value_nil();
  }
}

/* ---- self ---- */

/* Pushes the cache's `slot` table's entry `id` (may be nil). */
static int push_by_id(lua_State *L, int cache, int slot, int id)
{
  lua_rawgeti(L, cache, slot);
  lua_rawgeti(L, -1, id);
  lua_remove(L, -2);
  return lua_type(L, -1);
}

/* Pushes the node's params as Lua values, read back from the kernel's
 * parsed parameters (so node() overrides are already checked). */
static void push_params(lua_State *L, LuaModel *lm, SimNode *node)
{
  lua_createtable(L, 0, (int) lm->nspecs);
  for (guint i = 0; i < lm->nspecs; i++) {
    const char *name = lm->specs[i].name;
    switch (lm->specs[i].type) {
    case SIM_PARAM_INT: lua_pushinteger(L, sim_node_param_int(node, name)); break;
    case SIM_PARAM_DOUBLE: lua_pushnumber(L, sim_node_param_double(node, name)); break;
    case SIM_PARAM_BOOL: lua_pushboolean(L, sim_node_param_bool(node, name)); break;
    case SIM_PARAM_DURATION: lua_pushinteger(L, sim_node_param_duration(node, name)); break;
    case SIM_PARAM_STRING: lua_pushstring(L, sim_node_param_string(node, name)); break;
    case SIM_PARAM_NODES: {
      guint n = 0;
      const int *ids = sim_node_param_nodes(node, name, &n);
      lua_createtable(L, (int) n, 0);
      for (guint j = 0; j < n; j++) {
        lua_pushstring(L, sim_node_name(sim_node(sim_node_sim(node), ids[j])));
        lua_rawseti(L, -2, (lua_Integer) j + 1);
      }
      break;
    }
    }
    lua_setfield(L, -2, name);
  }
}

/* Pushes fresh timer tables into the node's private table at `priv`. */
static void reset_timers(lua_State *L, int priv)
{
  lua_newtable(L);
  lua_rawseti(L, priv, PV_TIMERS);
  lua_newtable(L);
  lua_rawseti(L, priv, PV_TAGS);
}

/* Pushes the node's self table from `selves` (the LC_SELVES table),
 * making it (and its private table) at the first call; `cache` is the
 * cache. */
static void push_self(lua_State *L, int cache, int selves, LuaModel *lm, SimNode *node)
{
  int id = sim_node_id(node);
  if (lua_rawgeti(L, selves, id) == LUA_TTABLE)
    return;
  lua_pop(L, 1);
  lua_createtable(L, 0, 6);
  lua_pushstring(L, sim_node_name(node));
  lua_setfield(L, -2, "name");
  lua_pushinteger(L, id);
  lua_setfield(L, -2, "id");
  push_params(L, lm, node);
  lua_setfield(L, -2, "params");
  lua_newtable(L);
  lua_setfield(L, -2, "state");
  lua_newtable(L);
  lua_setfield(L, -2, "durable");
  luaL_setmetatable(L, LM_SELF_META);
  lua_pushvalue(L, -1);
  lua_rawseti(L, selves, id);
  lua_rawgeti(L, cache, LC_SELF_IDS);
  lua_pushvalue(L, -2);
  lua_pushinteger(L, id);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  lua_rawgeti(L, cache, LC_PRIVATE);
  lua_createtable(L, 3, 0);
  reset_timers(L, lua_gettop(L));
  lua_pushinteger(L, 0);
  lua_rawseti(L, -2, PV_NEXT);
  lua_rawseti(L, -2, id);
  lua_pop(L, 1);
}

/* A restart: fresh self.state, no pending timers. */
static void reset_volatile(lua_State *L, int cache, int self, int id)
{
  lua_newtable(L);
  lua_setfield(L, self, "state");
  push_by_id(L, cache, LC_PRIVATE, id);
  reset_timers(L, lua_gettop(L));
  lua_pop(L, 1);
}

/* The running scenario's LmState, for a self method (raises once the run
 * is torn down). */
static LmState *method_state(lua_State *L)
{
  LmState *st = lua_touserdata(L, lua_upvalueindex(METHOD_STATE));
  if (!st->sc)
    luaL_error(L, "the simulation is over: the scenario API cannot be used any more");
  return st;
}

/* The node behind method argument 1, which must be a node's own self (one
 * of the tables handlers get as `self`). */
static SimNode *check_self(lua_State *L, LmState *st, const char *method)
{
  if (st->self && lua_topointer(L, 1) == st->self)
    return st->node;
  if (lua_type(L, 1) == LUA_TTABLE) {
    lua_rawgeti(L, METHOD_CACHE, LC_SELF_IDS);
    lua_pushvalue(L, 1);
    lua_rawget(L, -2);
    int isint = 0;
    lua_Integer id = lua_tointegerx(L, -1, &isint);
    lua_pop(L, 2);
    if (isint)
      return sim_node(st->sc->sim, (int) id);
  }
  luaL_error(L, "%s: call it on a node's self with a colon: self:%s(...)", method, method);
  return NULL;
}

static gboolean dead(SimNode *node) { return sim_node_state(node) == SIM_NODE_CRASHED; }

/* The lookups of a self method, through its upvalues: the message,
 * record or event type at `idx`, and the fields of the table at `idx`. */
static const char *method_type(lua_State *L, const LmState *st, int idx, const char *what)
{
  return check_interned_name(L, st, METHOD_CACHE, lua_upvalueindex(METHOD_TYPES), st->sc->sim, idx, what);
}

static guint method_fields(lua_State *L, const LmState *st, int idx, const char *what, const char *skip, LmField *out)
{
  return read_interned_fields(L, st, METHOD_CACHE, lua_upvalueindex(METHOD_FIELDS), st->sc->sim, idx, what, skip,
                              out);
}

static int check_dst(lua_State *L, const LmState *st, Sim *sim, int idx, const char *method)
{
  int id = find_node(L, st, METHOD_CACHE, lua_upvalueindex(METHOD_IDS), sim, idx);
  if (id < 0)
    return luaL_error(L, "%s: unknown node '%s'", method, lua_tostring(L, idx));
  return id;
}

/* Raises the kernel's message if a budget (memory) has ended the run, as
 * lua_api_check_budget does. */
static void check_budget(lua_State *L, Sim *sim)
{
  if (sim_over_budget(sim) != SIM_BUDGET_NONE)
    luaL_error(L, "%s", sim_failure(sim));
}

static void send_one(SimNode *node, int dst, const char *type, const LmField *fields, guint n, uint32_t size,
                     const char *payload, size_t payload_len)
{
  SimMsg *m = sim_msg_new(node, type);
  set_fields(m, fields, n);
  sim_msg_set_size(m, size);
  if (payload)
    sim_msg_set_payload(m, payload, payload_len);
  sim_send(node, dst, m);
}

/* The options table of send and broadcast at `idx`: { size = bytes }, the
 * message's size on the wire (0, the default, when absent). */
static uint32_t read_send_opts(lua_State *L, int idx, const char *what)
{
  if (lua_isnoneornil(L, idx))
    return 0;
  if (lua_type(L, idx) != LUA_TTABLE)
    return (uint32_t) luaL_error(L, "%s: options must be a table like { size = 1500 }, not %s", what,
                                 luaL_typename(L, idx));
  static const char *const keys[] = { "size", NULL };
  lua_api_check_keys(L, idx, what, keys);
  uint32_t size = 0;
  if (lua_getfield(L, idx, "size") != LUA_TNIL) {
    int isint = 0;
    lua_Integer v = lua_tointegerx(L, -1, &isint);
    if (!isint || lua_type(L, -1) != LUA_TNUMBER || v < 1 || v > G_MAXUINT32)
      return (uint32_t) luaL_error(L, "%s: size must be a whole number of bytes from 1 to 4294967295", what);
    size = (uint32_t) v;
  }
  lua_pop(L, 1);
  return size;
}

/* The string at fields.payload of the table at `idx` (NULL when absent),
 * kept alive by that table; raises if it is not a string or too long. */
static const char *read_payload(lua_State *L, int idx, const char *what, size_t *len)
{
  *len = 0;
  if (lua_type(L, idx) != LUA_TTABLE)
    return NULL;
  lua_pushliteral(L, "payload");
  int t = lua_rawget(L, idx);
  const char *s = t == LUA_TSTRING ? lua_tolstring(L, -1, len) : NULL;
  lua_pop(L, 1); /* the string stays referenced by the table */
  if (t != LUA_TNIL && t != LUA_TSTRING)
    luaL_error(L, "%s: payload must be a string of bytes, not %s", what, lua_typename(L, t));
  else if (*len > SIM_PAYLOAD_MAX)
    luaL_error(L, "%s: payload of %zu bytes is over the limit of %u", what, *len, SIM_PAYLOAD_MAX);
  return s;
}

/* The fields table at 4 of send and broadcast (naming `what`): its
 * fields in `out` (returns how many) and its payload string, if any. A
 * table of known names without a payload key, the common case, is read
 * once. */
static guint read_send_fields(lua_State *L, const LmState *st, const char *what, LmField *out, const char **payload,
                              size_t *plen)
{
  gboolean has_payload;
  int fast = read_known_fields(L, st, METHOD_CACHE, 4, lua_upvalueindex(METHOD_FIELDS), "payload", out, &has_payload);
  *payload = NULL;
  *plen = 0;
  if (fast >= 0 && !has_payload)
    return (guint) fast;
  *payload = read_payload(L, 4, what, plen);
  return method_fields(L, st, 4, what, "payload", out);
}

/* self:send(dst, type, fields [, { size = bytes }]); fields.payload, a
 * string, travels as the message's payload. */
static int m_send(lua_State *L)
{
  LmState *st = method_state(L);
  Sim *sim = st->sc->sim;
  SimNode *node = check_self(L, st, "send");
  int dst = check_dst(L, st, sim, 2, "send");
  const char *type = method_type(L, st, 3, "message type");
  LmField fields[SIM_MSG_MAX_FIELDS];
  size_t plen;
  const char *payload;
  guint n = read_send_fields(L, st, "send", fields, &payload, &plen);
  uint32_t size = read_send_opts(L, 5, "send");
  if (!dead(node))
    send_one(node, dst, type, fields, n, size, payload, plen);
  check_budget(L, sim);
  return 0;
}

/* self:broadcast({dst...}, type, fields [, opts]): one send per name, in
 * order. */
static int m_broadcast(lua_State *L)
{
  LmState *st = method_state(L);
  Sim *sim = st->sc->sim;
  SimNode *node = check_self(L, st, "broadcast");
  luaL_checktype(L, 2, LUA_TTABLE);
  const char *type = method_type(L, st, 3, "message type");
  LmField fields[SIM_MSG_MAX_FIELDS];
  size_t plen;
  const char *payload;
  guint n = read_send_fields(L, st, "broadcast", fields, &payload, &plen);
  uint32_t size = read_send_opts(L, 5, "broadcast");
  lua_Integer count = luaL_len(L, 2);
  for (lua_Integer i = 1; i <= count; i++) {
    lua_geti(L, 2, i);
    check_dst(L, st, sim, lua_gettop(L), "broadcast");
    lua_pop(L, 1);
  }
  for (lua_Integer i = 1; i <= count && !dead(node); i++) {
    lua_geti(L, 2, i);
    int dst = find_node(L, st, METHOD_CACHE, lua_upvalueindex(METHOD_IDS), sim, lua_gettop(L));
    lua_pop(L, 1);
    send_one(node, dst, type, fields, n, size, payload, plen);
    check_budget(L, sim); /* a long list could fill memory */
  }
  return 0;
}

/* self:timer(delay, tag) → id: on_timer(self, tag) after `delay` of the
 * node's local clock. */
static int m_timer(lua_State *L)
{
  SimNode *node = check_self(L, method_state(L), "timer");
  SimTime delay = lua_api_check_duration(L, 2);
  lua_settop(L, 3);
  if (dead(node)) {
    lua_pushinteger(L, 0);
    return 1;
  }
  push_by_id(L, METHOD_CACHE, LC_PRIVATE, sim_node_id(node)); /* 4 */
  lua_rawgeti(L, 4, PV_NEXT);
  lua_Integer tag = lua_tointeger(L, -1) + 1;
  lua_pop(L, 1);
  lua_pushinteger(L, tag);
  lua_rawseti(L, 4, PV_NEXT);
  lua_rawgeti(L, 4, PV_TAGS);
  lua_pushvalue(L, 3);
  lua_rawseti(L, -2, tag);
  lua_rawgeti(L, 4, PV_TIMERS);
  SimTimerId id = sim_timer_after(node, delay, (uint64_t) tag);
  check_budget(L, sim_node_sim(node));
  lua_pushinteger(L, (lua_Integer) id);
  lua_rawseti(L, -2, tag);
  lua_pushinteger(L, tag);
  return 1;
}

/* Forgets timer `tag` of node `id` (private tables in the cache at
 * `cache`); returns its kernel id or 0. */
static SimTimerId forget_timer(lua_State *L, int cache, int id, lua_Integer tag)
{
  push_by_id(L, cache, LC_PRIVATE, id);
  lua_rawgeti(L, -1, PV_TIMERS);
  lua_rawgeti(L, -1, tag);
  SimTimerId kid = (SimTimerId) lua_tointeger(L, -1);
  lua_pop(L, 1);
  lua_pushnil(L);
  lua_rawseti(L, -2, tag);
  lua_rawgeti(L, -2, PV_TAGS);
  lua_pushnil(L);
  lua_rawseti(L, -2, tag);
  lua_pop(L, 3);
  return kid;
}

/* self:cancel(id): unknown, fired or cancelled ids are ignored. */
static int m_cancel(lua_State *L)
{
  SimNode *node = check_self(L, method_state(L), "cancel");
  lua_Integer tag = luaL_checkinteger(L, 2);
  SimTimerId kid = forget_timer(L, METHOD_CACHE, sim_node_id(node), tag);
  if (kid)
    sim_timer_cancel(node, kid);
  return 0;
}

static int m_clock(lua_State *L)
{
  SimNode *node = check_self(L, method_state(L), "clock");
  lua_pushnumber(L, sim_time_to_seconds(sim_node_clock(node)));
  return 1;
}

/* self:random([m [, n]]) from the node's own seeded stream (wallclock-ok: not libc's). */
static int m_random(lua_State *L)
{
  SimRng *rng = sim_node_rng(check_self(L, method_state(L), "random"));
  lua_Integer lo, hi;
  switch (lua_gettop(L)) {
  case 1:
    lua_pushnumber(L, sim_rng_double(rng));
    return 1;
  case 2:
    lo = 1;
    hi = luaL_checkinteger(L, 2);
    break;
  case 3:
    lo = luaL_checkinteger(L, 2);
    hi = luaL_checkinteger(L, 3);
    break;
  default:
    return luaL_error(L, "random: wrong number of arguments");
  }
  luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
  lua_pushinteger(L, sim_rng_range(rng, lo, hi));
  return 1;
}

/* self:log({type = ..., <fields>}, force): appends to the durable log. */
static int m_log(lua_State *L)
{
  LmState *st = method_state(L);
  Sim *sim = st->sc->sim;
  SimNode *node = check_self(L, st, "log");
  luaL_checktype(L, 2, LUA_TTABLE);
  if (lua_getfield(L, 2, "type") != LUA_TSTRING)
    return luaL_error(L, "log: the record needs a string 'type', like { type = \"PREPARED\", txn = 1 }");
  const char *type = method_type(L, st, lua_gettop(L), "record type");
  lua_pop(L, 1);
  LmField fields[SIM_MSG_MAX_FIELDS];
  guint n = method_fields(L, st, 2, "log", "type", fields);
  if (dead(node))
    return 0;
  SimMsg rec = sim_record(type);
  set_fields(&rec, fields, n);
  sim_log_append(node, &rec, lua_toboolean(L, 3));
  check_budget(L, sim);
  return 0;
}

/* self:log_entries() → { {type =, <fields>}, ... }, oldest first. */
static int m_log_entries(lua_State *L)
{
  SimNode *node = check_self(L, method_state(L), "log_entries");
  guint n = sim_log_length(node);
  lua_rawgeti(L, METHOD_CACHE, LC_STRINGS);
  int strings = lua_gettop(L);
  lua_rawgeti(L, METHOD_CACHE, LC_KEY_TYPE);
  lua_createtable(L, (int) n, 0);
  for (guint i = 0; i < n; i++) {
    push_fields(L, NULL, 0, strings, strings + 1, sim_log_get(node, i), 0);
    lua_rawseti(L, -2, (lua_Integer) i + 1);
  }
  return 1;
}

/* self:emit(type, fields): a protocol event for the trace and triggers. */
static int m_emit(lua_State *L)
{
  LmState *st = method_state(L);
  Sim *sim = st->sc->sim;
  SimNode *node = check_self(L, st, "emit");
  const char *type = method_type(L, st, 2, "event type");
  LmField fields[SIM_MSG_MAX_FIELDS];
  guint n = method_fields(L, st, 3, "emit", NULL, fields);
  if (dead(node))
    return 0;
  SimMsg ev = sim_record(type);
  set_fields(&ev, fields, n);
  sim_emit(node, &ev);
  check_budget(L, sim);
  return 0;
}

/* self:invoke(f, value [, key [, timeout]]) → op id (0 on a dead node). */
static int m_invoke(lua_State *L)
{
  SimNode *node = check_self(L, method_state(L), "invoke");
  const char *f = lua_api_check_name(L, 2, "operation name");
  SimTime timeout = lua_isnoneornil(L, 5) ? 0 : lua_api_check_duration(L, 5);
  check_value(L, 3, "invoke: value");
  check_value(L, 4, "invoke: key");
  if (dead(node)) {
    lua_pushinteger(L, 0);
    return 1;
  }
  SimValue value = build_value(L, 3), key = build_value(L, 4);
  uint64_t op = sim_op_invoke(node, f, key.kind == SIM_V_NIL ? NULL : &key, &value, timeout);
  sim_value_clear(&key);
  sim_value_clear(&value);
  lua_api_check_budget(L);
  lua_pushinteger(L, (lua_Integer) op);
  return 1;
}

/* self:complete(op, "ok" | "fail" | "info", value) → true if recorded. */
static int m_complete(lua_State *L)
{
  static const char *const types[] = { "ok", "fail", "info", NULL };
  static const int codes[] = { SIM_OP_OK, SIM_OP_FAIL, SIM_OP_INFO };
  SimNode *node = check_self(L, method_state(L), "complete");
  lua_Integer op = luaL_checkinteger(L, 2);
  int type = codes[luaL_checkoption(L, 3, NULL, types)];
  check_value(L, 4, "complete: value");
  if (dead(node)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  SimValue value = build_value(L, 4);
  gboolean done = sim_op_complete(node, (uint64_t) op, type, &value);
  sim_value_clear(&value);
  lua_pushboolean(L, done);
  return 1;
}

/* ---- handlers: kernel → Lua ---- */

/* Gives back what the allocator charged to the instruction budget since
 * instr_run was `charged`: the runtime's own tables are not the script's
 * work. */
static void refund_since(LuaSandbox *sb, long long charged)
{
  long long refund = sb->instr_run - charged;
  sb->instr_run -= refund;
  sb->instr_left += refund;
}

/* Runs one handler call (the LmCall at upvalue-free argument 1) inside the
 * sandbox's protected call, so building tables may raise safely. */
static int lm_dispatch(lua_State *L)
{
  LmCall *c = lua_touserdata(L, 1);
  LmState *st = lua_touserdata(L, lua_upvalueindex(DISPATCH_STATE));
  LuaSandbox *sb = st->sc->sb;
  /* What the runtime allocates here (self, the message or op table) is
   * not the handler's work: the allocator's charge for it is given back
   * below, so a handler pays for its own tables only. The heap still
   * counts every byte, and there is at most one such table per event. */
  long long charged = sb->instr_run;
  int id = sim_node_id(c->node);
  int cache = lua_upvalueindex(DISPATCH_CACHE);
  int slots = 0; /* the memo's slots, for the message's names */
  if (st->memo && (c->kind == LM_MESSAGE || c->kind == LM_OVERLOAD)) {
    lua_rawgeti(L, cache, LC_MEMO);
    slots = lua_gettop(L);
  }
  push_self(L, cache, lua_upvalueindex(DISPATCH_SELVES), c->lm, c->node);
  int self = lua_gettop(L);
  st->self = lua_topointer(L, self);
  st->node = c->node;
  LmKind kind = c->kind;
  if (kind == LM_RESTART) {
    reset_volatile(L, cache, self, id);
    if (!c->lm->has_restart)
      kind = LM_INIT;
  }
  if (lua_rawgeti(L, LUA_REGISTRYINDEX, c->lm->handler_ref[kind]) != LUA_TFUNCTION)
    return 0;
  lua_pushvalue(L, self);
  int nargs = 1;
  if (kind == LM_MESSAGE || kind == LM_OVERLOAD) {
    push_message(L, slots ? st->memo : NULL, slots, sim_node_sim(c->node), c->msg);
    nargs = 2;
  } else if (kind == LM_TIMER) {
    push_by_id(L, cache, LC_PRIVATE, id);
    lua_rawgeti(L, -1, PV_TIMERS);
    gboolean live = lua_rawgeti(L, -1, (lua_Integer) c->tag) != LUA_TNIL;
    lua_pop(L, 2);
    if (!live)
      return 0; /* cancelled, or armed before a restart */
    lua_rawgeti(L, -1, PV_TAGS);
    lua_rawgeti(L, -1, (lua_Integer) c->tag);
    lua_replace(L, -3);
    lua_pop(L, 1);
    forget_timer(L, cache, id, (lua_Integer) c->tag);
    nargs = 2;
  } else if (kind == LM_INVOKE || kind == LM_RETRY) {
    /* on_invoke(self, op) and on_retry(self, op, attempt): the same op
     * table, so a model can give both one function. */
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer) c->op);
    lua_setfield(L, -2, "id");
    lua_pushstring(L, c->f);
    lua_setfield(L, -2, "f");
    lua_api_push_value(L, c->key);
    lua_setfield(L, -2, "key");
    lua_api_push_value(L, c->value);
    lua_setfield(L, -2, "value");
    nargs = 2;
    if (kind == LM_RETRY) {
      lua_pushinteger(L, (lua_Integer) c->attempt);
      nargs = 3;
    }
  }
  refund_since(sb, charged);
  lua_call(L, nargs, 0);
  return 0;
}

static void lm_run(LmCall *c)
{
  Scenario *sc = c->lm->sc;
  if (sc->error)
    return;
  lua_State *L = sc->sb->L;
  lua_sandbox_push_handler(sc->sb);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->lm->state->dispatch_ref);
  lua_pushlightuserdata(L, c);
  GError *error = NULL;
  if (!lua_sandbox_call_handled(sc->sb, 1, 0, &error))
    lua_api_fail(sc, error);
}

static LuaModel *model_of(SimNode *node) { return (LuaModel *) sim_node_model(node); }

static void lm_init(SimNode *node)
{
  LmCall c = { .lm = model_of(node), .node = node, .kind = LM_INIT };
  lm_run(&c);
}

static void lm_on_restart(SimNode *node)
{
  LmCall c = { .lm = model_of(node), .node = node, .kind = LM_RESTART };
  lm_run(&c);
}

static void lm_on_crash(SimNode *node)
{
  LmCall c = { .lm = model_of(node), .node = node, .kind = LM_CRASH };
  lm_run(&c);
}

static void lm_on_message(SimNode *node, const SimMsg *msg)
{
  LmCall c = { .lm = model_of(node), .node = node, .kind = LM_MESSAGE, .msg = msg };
  lm_run(&c);
}

static void lm_on_overload(SimNode *node, const SimMsg *msg)
{
  LmCall c = { .lm = model_of(node), .node = node, .kind = LM_OVERLOAD, .msg = msg };
  lm_run(&c);
}

static void lm_on_timer(SimNode *node, uint64_t tag)
{
  LmCall c = { .lm = model_of(node), .node = node, .kind = LM_TIMER, .tag = tag };
  lm_run(&c);
}

static void lm_on_invoke(SimNode *node, uint64_t op, const char *f, const SimValue *key, const SimValue *value)
{
  LmCall c = { .lm = model_of(node), .node = node, .kind = LM_INVOKE, .op = op, .f = f, .key = key,
               .value = value };
  lm_run(&c);
}

static void lm_on_retry(SimNode *node, uint64_t op, const char *f, const SimValue *key, const SimValue *value,
                        guint attempt)
{
  LmCall c = { .lm = model_of(node), .node = node, .kind = LM_RETRY, .op = op, .f = f, .key = key,
               .value = value, .attempt = attempt };
  lm_run(&c);
}

/* ---- model{} ---- */

/* A parameter default as the model's declared type and default text. */
static char *default_text(lua_State *L, int idx, const char *key, SimParamType *type)
{
  switch (lua_type(L, idx)) {
  case LUA_TBOOLEAN:
    *type = SIM_PARAM_BOOL;
    return g_strdup(lua_toboolean(L, idx) ? "true" : "false");
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) {
      *type = SIM_PARAM_INT;
      return g_strdup_printf("%lld", (long long) lua_tointeger(L, idx));
    } else {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      if (!isfinite(lua_tonumber(L, idx)))
        luaL_error(L, "model{}: params.%s must be finite", key);
      *type = SIM_PARAM_DOUBLE;
      return g_strdup(g_ascii_dtostr(buf, sizeof buf, lua_tonumber(L, idx)));
    }
  case LUA_TSTRING:
    *type = SIM_PARAM_STRING;
    return g_strdup(lua_api_check_name(L, idx, "parameter value"));
  case LUA_TTABLE: {
    lua_Integer n = luaL_len(L, idx);
    for (lua_Integer i = 1; i <= n; i++) {
      if (lua_geti(L, idx, i) != LUA_TSTRING)
        luaL_error(L, "model{}: params.%s: a list default must hold node names", key);
      lua_pop(L, 1);
    }
    *type = SIM_PARAM_NODES;
    GString *s = g_string_new(NULL);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, idx, i);
      g_string_append_printf(s, "%s%s", i > 1 ? "," : "", lua_tostring(L, -1));
      lua_pop(L, 1);
    }
    return g_string_free(s, FALSE);
  }
  default:
    luaL_error(L, "model{}: params.%s: a default must be a number, boolean, string or list of node names, not %s",
               key, luaL_typename(L, idx));
    return NULL;
  }
}

/* Reads params{} at idx into lm->specs, sorted by name. */
static void read_params(lua_State *L, int idx, LuaModel *lm)
{
  guint n = 0;
  if (!lua_isnil(L, idx)) {
    if (lua_type(L, idx) != LUA_TTABLE)
      luaL_error(L, "model{}: params must be a table of defaults");
    lua_order_push_keys(L, idx, TRUE); /* sorted: errors name the same key in every process */
    n = (guint) lua_rawlen(L, -1);
    for (guint k = 1; k <= n; k++) {
      if (lua_rawgeti(L, -1, k) != LUA_TSTRING)
        luaL_error(L, "model{}: parameter names must be strings");
      size_t len;
      const char *name = lua_tolstring(L, -1, &len);
      lua_api_valid_name(L, name, len, "parameter name");
      lua_pop(L, 1);
    }
  }
  lm->specs = g_new0(SimParamSpec, n + 1);
  for (guint k = 1; k <= n; k++) {
    lua_rawgeti(L, -1, k);
    const char *key = lua_tostring(L, -1);
    lua_pushvalue(L, -1);
    lua_rawget(L, idx);
    SimParamType type = SIM_PARAM_STRING;
    char *text = default_text(L, lua_gettop(L), key, &type);
    lm->specs[lm->nspecs++] = (SimParamSpec) { .name = g_strdup(key), .type = type, .default_value = text, .help = "" };
    lua_pop(L, 2);
  }
  if (!lua_isnil(L, idx))
    lua_pop(L, 1);
}

/* The model's `ops` (at idx; nil = any operation): a list of 1..64
 * operation names, each 1..64 characters, for a model with on_invoke
 * (handlers at stack index 2). Raises on anything else. */
static void read_ops(lua_State *L, int idx, LuaModel *lm)
{
  if (lua_isnil(L, idx))
    return;
  lua_Integer n = lua_type(L, idx) == LUA_TTABLE ? luaL_len(L, idx) : 0;
  if (n < 1 || n > 64)
    luaL_error(L, "model{}: 'ops' must be a list of 1 to 64 operation names, like { \"read\", \"write\" }");
  if (lua_getfield(L, 2, "on_invoke") == LUA_TNIL)
    luaL_error(L, "model{}: 'ops' lists operations, but the model has no on_invoke to take them");
  lua_pop(L, 1);
  lm->ops = g_new0(char *, n + 1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, idx, i);
    size_t len = 0;
    const char *op = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
    if (!op || len < 1 || len > 64)
      luaL_error(L, "model{}: ops[%d] must be an operation name of 1..64 characters", (int) i);
    lua_api_valid_name(L, op, len, "operation name");
    lm->ops[i - 1] = g_strdup(op);
    lua_pop(L, 1);
  }
}

/* model{...} → a model object for node() and clients{}. */
static int l_model(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  static const char *const keys[] = { "name", "params", "ops", "init", "on_message", "on_timer",
                                      "on_crash", "on_restart", "on_invoke", "on_overload", "on_retry",
                                      "service", "retry", NULL };
  lua_api_check_keys(L, 1, "model{}", keys);
  if (lua_getfield(L, 1, "name") != LUA_TSTRING)
    return luaL_error(L, "model{}: 'name' must be a string such as \"lab.echo\"");
  const char *name = lua_api_check_name(L, -1, "model name");
  if (!*name || strlen(name) > 64)
    return luaL_error(L, "model{}: name '%s' must be 1..64 characters", name);
  if (sim_registry_find(name))
    return luaL_error(L, "model{}: '%s' is the name of a built-in model; choose another", name);
  lua_pop(L, 1);
  lua_createtable(L, 0, 6); /* handlers, at 2 */
  for (int i = 0; handler_names[i]; i++) {
    int t = lua_getfield(L, 1, handler_names[i]);
    if (t != LUA_TNIL && t != LUA_TFUNCTION)
      return luaL_error(L, "model{}: '%s' must be a function, not %s", handler_names[i], lua_typename(L, t));
    lua_setfield(L, 2, handler_names[i]);
  }
  /* A service model or retry policy for every node of this model (a
   * node's own option replaces it): checked here, so a bad one names this
   * line, and kept beside the handlers for node() and clients{}. */
  if (lua_getfield(L, 1, "service") != LUA_TNIL)
    lua_service_check(L, -1, "model{}");
  lua_setfield(L, 2, "service");
  if (lua_getfield(L, 1, "retry") != LUA_TNIL) {
    lua_retry_check(L, -1, "model{}");
    if (lua_getfield(L, 2, "on_retry") == LUA_TNIL)
      return luaL_error(L, "model{}: 'retry' needs an on_retry handler to send each retry");
    lua_pop(L, 1);
  }
  lua_setfield(L, 2, "retry");
  LuaModel *lm = g_new0(LuaModel, 1);
  lm->sc = sc;
  lm->def_ref = LUA_NOREF;
  for (int i = 0; i < LM_NHANDLERS; i++)
    lm->handler_ref[i] = LUA_REFNIL;
  g_ptr_array_add(sc->lua_models, lm); /* owned from here even if we raise */
  lua_getfield(L, 1, "name");
  lm->name = g_strdup(lua_tostring(L, -1));
  lua_pop(L, 1);
  lua_Debug ar;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
    lm->summary = g_strdup_printf("Lua model defined at %s:%d", ar.short_src, ar.currentline);
  else
    lm->summary = g_strdup("Lua model");
  lua_getfield(L, 1, "params");
  read_params(L, lua_gettop(L), lm);
  lua_pop(L, 1);
  lua_getfield(L, 1, "ops");
  read_ops(L, lua_gettop(L), lm);
  lua_pop(L, 1);
  lua_getfield(L, 2, "on_restart");
  lm->has_restart = !lua_isnil(L, -1);
  lua_pop(L, 1);
  SimModel *m = &lm->model;
  m->name = lm->name;
  m->summary = lm->summary;
  m->params = lm->specs;
  m->ops = (const char *const *) lm->ops;
  m->init = lm_init;
  m->on_restart = lm_on_restart;
  /* Optional handlers stay NULL when absent, so the kernel and workload()
   * see exactly what the model can do. */
  lua_getfield(L, 2, "on_message");
  m->on_message = lua_isnil(L, -1) ? NULL : lm_on_message;
  lua_getfield(L, 2, "on_timer");
  m->on_timer = lua_isnil(L, -1) ? NULL : lm_on_timer;
  lua_getfield(L, 2, "on_crash");
  m->on_crash = lua_isnil(L, -1) ? NULL : lm_on_crash;
  lua_getfield(L, 2, "on_invoke");
  m->on_invoke = lua_isnil(L, -1) ? NULL : lm_on_invoke;
  lua_getfield(L, 2, "on_overload");
  m->on_overload = lua_isnil(L, -1) ? NULL : lm_on_overload;
  lua_getfield(L, 2, "on_retry");
  m->on_retry = lua_isnil(L, -1) ? NULL : lm_on_retry;
  lua_pop(L, 6);
  lua_pushvalue(L, 2);
  lm->def_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  for (int i = 0; i < LM_NHANDLERS; i++) {
    lua_getfield(L, 2, handler_names[i]);
    lm->handler_ref[i] = luaL_ref(L, LUA_REGISTRYINDEX); /* LUA_REFNIL for nil */
  }
  lua_getfield(L, LUA_REGISTRYINDEX, LM_CACHE);
  lua_rawgeti(L, -1, LC_STATE);
  lm->state = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!lm->state->memo) {
    /* The runtime's, not the script's: its allocation is not charged. */
    long long charged = sc->sb->instr_run;
    lm->state->memo = lua_memo_push_new(L);
    lua_rawseti(L, -2, LC_MEMO);
    refund_since(sc->sb, charged);
  }
  lua_pop(L, 1);
  gssize bytes = (gssize) (sizeof *lm + strlen(lm->name) + strlen(lm->summary) + 2 +
                           (lm->nspecs + 1) * sizeof(SimParamSpec));
  for (guint i = 0; i < lm->nspecs; i++)
    bytes += (gssize) (strlen(lm->specs[i].name) + strlen(lm->specs[i].default_value) + 2);
  sim_mem_charge(sc->sim, SIM_MEM_SCRIPT, bytes);
  guint *index = lua_newuserdatauv(L, sizeof(guint), 0);
  *index = sc->lua_models->len - 1;
  luaL_setmetatable(L, LM_META);
  return 1;
}

gboolean lua_model_push_option(lua_State *L, int idx, const char *key)
{
  guint *index = luaL_testudata(L, idx, LM_META);
  Scenario *sc = lua_api_scenario(L);
  if (!index || *index >= sc->lua_models->len)
    return FALSE;
  const LuaModel *lm = sc->lua_models->pdata[*index];
  if (lm->def_ref == LUA_NOREF)
    return FALSE;
  lua_rawgeti(L, LUA_REGISTRYINDEX, lm->def_ref);
  int type = lua_getfield(L, -1, key);
  lua_remove(L, -2);
  if (type == LUA_TNIL) {
    lua_pop(L, 1);
    return FALSE;
  }
  return TRUE;
}

const SimModel *lua_model_test(lua_State *L, int idx)
{
  guint *index = luaL_testudata(L, idx, LM_META);
  if (!index)
    return NULL;
  Scenario *sc = lua_api_scenario(L);
  return *index < sc->lua_models->len ? sc->lua_models->pdata[*index] : NULL;
}

static int model_tostring(lua_State *L)
{
  const SimModel *m = lua_model_test(L, 1);
  lua_pushfstring(L, "model %s", m ? m->name : "?");
  return 1;
}

static int model_index(lua_State *L)
{
  const SimModel *m = lua_model_test(L, 1);
  if (m && strcmp(luaL_checkstring(L, 2), "name") == 0)
    lua_pushstring(L, m->name);
  else
    lua_pushnil(L);
  return 1;
}

/* ---- include() ---- */

/* include(path) → whatever the file's chunk returns. */
static int l_include(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  const char *rel = luaL_checkstring(L, 1);
  if (!g_str_has_suffix(rel, ".lua"))
    return luaL_error(L, "include(): '%s' is not a .lua file", rel);
  /* Relative to the folder of the file that calls include(). */
  lua_Debug ar;
  const char *from = sc->path;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.source[0] == '@')
    from = ar.source + 1;
  char *dir = g_path_get_dirname(from);
  char *path = g_path_is_absolute(rel) ? g_strdup(rel) : g_build_filename(dir, rel, NULL);
  g_free(dir);
  lua_pushstring(L, path);
  g_free(path);
  int path_idx = lua_gettop(L);
  char *code = NULL;
  gsize len = 0;
  GError *io = NULL;
  if (!g_file_get_contents(lua_tostring(L, path_idx), &code, &len, &io)) {
    gboolean missing = g_error_matches(io, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    lua_pushstring(L, io->message);
    g_error_free(io);
    if (missing)
      return luaL_error(L, "include(): no file '%s'", lua_tostring(L, path_idx));
    return luaL_error(L, "include(): cannot read '%s': %s", lua_tostring(L, path_idx), lua_tostring(L, -1));
  }
  const char *chunkname = lua_pushfstring(L, "@%s", lua_tostring(L, path_idx));
  int rc = luaL_loadbufferx(L, code, len, chunkname, "t");
  g_free(code);
  if (rc != LUA_OK)
    return lua_error(L);
  int base = lua_gettop(L) - 1;
  lua_call(L, 0, LUA_MULTRET);
  return lua_gettop(L) - base;
}

/* ---- registration ---- */

void lua_model_open(Scenario *sc)
{
  lua_State *L = sc->sb->L;
  cache_new(L);
  int cache = lua_gettop(L);
  LmState *st = lua_newuserdatauv(L, sizeof *st, 0);
  *st = (LmState) { .sc = sc, .dispatch_ref = LUA_NOREF };
  lua_rawseti(L, cache, LC_STATE);
  push_slots(L, cache, dispatch_slots, DISPATCH_NUP);
  lua_pushcclosure(L, lm_dispatch, DISPATCH_NUP);
  st->dispatch_ref = luaL_ref(L, LUA_REGISTRYINDEX);

  luaL_newmetatable(L, LM_META);
  lua_pushcfunction(L, model_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushcfunction(L, model_index);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);

  static const luaL_Reg methods[] = {
    { "send", m_send }, { "broadcast", m_broadcast }, { "timer", m_timer }, { "cancel", m_cancel },
    { "clock", m_clock }, { "random", m_random }, { "log", m_log }, { "log_entries", m_log_entries },
    { "emit", m_emit }, { "invoke", m_invoke }, { "complete", m_complete }, { NULL, NULL },
  };
  luaL_newmetatable(L, LM_SELF_META);
  luaL_newlibtable(L, methods);
  push_slots(L, cache, method_slots, METHOD_NUP);
  luaL_setfuncs(L, methods, METHOD_NUP);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);

  lua_setfield(L, LUA_REGISTRYINDEX, LM_CACHE); /* pops the cache */
  lua_pushcfunction(L, l_model);
  lua_setglobal(L, "model");
  lua_pushcfunction(L, l_include);
  lua_setglobal(L, "include");
}

void lua_model_close(Scenario *sc)
{
  lua_State *L = sc->sb->L;
  int top = lua_gettop(L);
  if (lua_getfield(L, LUA_REGISTRYINDEX, LM_CACHE) == LUA_TTABLE && lua_rawgeti(L, -1, LC_STATE) == LUA_TUSERDATA)
    ((LmState *) lua_touserdata(L, -1))->sc = NULL;
  lua_settop(L, top);
}
