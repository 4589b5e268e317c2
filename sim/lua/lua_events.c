/* Scenario API, when things happen: the event observer that feeds Lua
 * hooks (on, once, invariants at events), end-of-run invariants, at, after,
 * every, and timelines (coroutines that sleep and wait_for events).
 *
 * Every callback and timeline wake-up remembers the script line that
 * scheduled it (its origin), so the event-limit message can name the line
 * that keeps scheduling. A callback scheduled from code with no script
 * line of its own (the prelude's nemesis) inherits the origin of the
 * callback it runs in. */
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/lua/lua_api.h"
#include "sim/lua/lua_sandbox.h"
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#define MAX_FILTER_FIELDS 4

/* A Lua hook: a C-side filter on trace events plus what to do on a match
 * (call a function, resume a waiting timeline, or check an invariant). */
typedef struct {
  int kind; /* SimTraceKind or -1 */
  int node, peer;
  const char **types; /* interned message/event types, any of them; */
  guint ntypes;       /* none: every type */
  guint nfields;
  const char *field_names[MAX_FILTER_FIELDS];
  int64_t field_values[MAX_FILTER_FIELDS];
  int pred_ref;    /* predicate function for wait_for, or LUA_NOREF */
  int fn_ref;      /* handler, or LUA_NOREF */
  int thread_ref;  /* waiting coroutine, or LUA_NOREF */
  lua_State *thread;
  int64_t count_left;
  gboolean once;
  char *invariant; /* the invariant this hook checks, or NULL */
  const char *origin; /* a waiting timeline's wait_for() line */
  gboolean dead;
} LuaHook;

static void hook_free(gpointer p)
{
  LuaHook *h = p;
  g_free(h->types);
  g_free(h->invariant);
  g_free(h);
}

/* What a hook holds in C, charged to the Sim's memory budget. */
static gssize hook_bytes(const LuaHook *h)
{
  return (gssize) (sizeof *h + sizeof(gpointer) + h->ntypes * sizeof *h->types +
                   (h->invariant ? strlen(h->invariant) + 1 : 0));
}

/* The script position ("file.lua:12") of the innermost function on `L`'s
 * stack that comes from a script file (not the prelude), interned in the
 * Sim; else the origin of the callback running now (may be NULL). */
static const char *script_origin(Scenario *sc, lua_State *L)
{
  lua_Debug ar;
  for (int level = 0; lua_getstack(L, level, &ar); level++) {
    if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 || ar.source[0] != '@')
      continue;
    char buf[LUA_IDSIZE + 24];
    g_snprintf(buf, sizeof buf, "%s:%d", ar.short_src, ar.currentline);
    return sim_intern(sc->sim, buf);
  }
  return sc->origin;
}
/* ---- events seen from Lua ---- */

void lua_api_push_value(lua_State *L, const SimValue *v)
{
  if (!v) {
    lua_pushnil(L);
    return;
  }
  switch (v->kind) {
  case SIM_V_NIL: lua_pushnil(L); break;
  case SIM_V_INT: lua_pushinteger(L, v->a); break;
  case SIM_V_PAIR:
    lua_createtable(L, 2, 0);
    lua_pushinteger(L, v->a);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, v->b);
    lua_rawseti(L, -2, 2);
    break;
  case SIM_V_LIST:
    lua_createtable(L, (int) v->list->len, 0);
    for (guint i = 0; i < v->list->len; i++) {
      lua_pushinteger(L, g_array_index(v->list, int64_t, i));
      lua_rawseti(L, -2, (lua_Integer) i + 1);
    }
    break;
  }
}

static void push_event(lua_State *L, Sim *sim, const SimTraceEvent *ev)
{
  lua_createtable(L, 0, 10);
  lua_pushstring(L, sim_trace_kind_name(ev->kind));
  lua_setfield(L, -2, "kind");
  lua_pushnumber(L, sim_time_to_seconds(ev->time));
  lua_setfield(L, -2, "time");
  lua_pushinteger(L, ev->time);
  lua_setfield(L, -2, "t_ns");
  if (ev->node >= 0 && (guint) ev->node < sim_node_count(sim)) {
    lua_pushstring(L, sim_node_name(sim_node(sim, ev->node)));
    lua_setfield(L, -2, "node");
  }
  if (ev->peer >= 0 && (guint) ev->peer < sim_node_count(sim)) {
    lua_pushstring(L, sim_node_name(sim_node(sim, ev->peer)));
    lua_setfield(L, -2, "peer");
  }
  if (ev->detail) {
    lua_pushstring(L, ev->detail);
    lua_setfield(L, -2, "detail");
  }
  lua_pushinteger(L, ev->a);
  lua_setfield(L, -2, "a");
  lua_pushinteger(L, ev->b);
  lua_setfield(L, -2, "b");
  if (ev->msg) {
    lua_pushstring(L, ev->msg->type);
    lua_setfield(L, -2, "type");
    lua_createtable(L, 0, (int) ev->msg->nfields + 2);
    lua_pushstring(L, ev->msg->type);
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, (lua_Integer) ev->msg->id);
    lua_setfield(L, -2, "id");
    for (uint32_t i = 0; i < ev->msg->nfields; i++) {
      lua_pushinteger(L, ev->msg->fields[i].value);
      lua_setfield(L, -2, ev->msg->fields[i].name);
    }
    lua_setfield(L, -2, "msg");
  }
  if (ev->entry) {
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, (lua_Integer) ev->entry->op);
    lua_setfield(L, -2, "id");
    lua_pushstring(L, sim_op_type_name(ev->entry->type));
    lua_setfield(L, -2, "type");
    lua_pushstring(L, ev->entry->f);
    lua_setfield(L, -2, "f");
    lua_api_push_value(L, &ev->entry->value);
    lua_setfield(L, -2, "value");
    if (ev->entry->has_key) {
      lua_api_push_value(L, &ev->entry->key);
      lua_setfield(L, -2, "key");
    }
    lua_setfield(L, -2, "op");
  }
}

/* The filter's `type` at `value` (in the filter table at `filter`): a
 * name, or a list of names the event's type may be any of. Each name is
 * charged as it is added, so a hook left behind by an error here holds
 * only checked names. */
static void hook_set_types(lua_State *L, Sim *sim, LuaHook *h, int filter, int value)
{
  if (lua_type(L, value) != LUA_TTABLE && lua_isstring(L, value)) {
    h->types = g_new(const char *, 1);
    h->types[h->ntypes++] = sim_intern(sim, lua_tostring(L, value));
    sim_mem_charge(sim, SIM_MEM_SCRIPT, sizeof *h->types);
    return;
  }
  if (lua_type(L, value) != LUA_TTABLE)
    luaL_argerror(L, filter, lua_pushfstring(L, "filter type must be a name or a list of names, not %s",
                                             luaL_typename(L, value)));
  lua_Unsigned n = lua_rawlen(L, value);
  if (n == 0)
    luaL_argerror(L, filter, "filter type list is empty (it would match nothing)");
  if (n > G_MAXUINT / sizeof *h->types)
    luaL_argerror(L, filter, "filter type list is too long");
  h->types = g_new(const char *, n);
  for (lua_Unsigned i = 1; i <= n; i++) {
    lua_rawgeti(L, value, (lua_Integer) i);
    if (!lua_isstring(L, -1))
      luaL_argerror(L, filter, lua_pushfstring(L, "filter type list holds names, not %s (item %d)",
                                               luaL_typename(L, -1), (int) i));
    h->types[h->ntypes++] = sim_intern(sim, lua_tostring(L, -1));
    sim_mem_charge(sim, SIM_MEM_SCRIPT, sizeof *h->types);
    lua_pop(L, 1);
  }
  lua_api_check_budget(L);
}

static int kind_from_name(const char *name)
{
  for (int k = 0; k <= SIM_TR_RETRY; k++)
    if (strcmp(sim_trace_kind_name((SimTraceKind) k), name) == 0)
      return k;
  return -1;
}

/* The kinds of trace event hook `h` can match. */
static guint32 hook_kinds(const LuaHook *h)
{
  return h->kind < 0 ? SIM_TRACE_ALL_KINDS : SIM_TRACE_KIND_BIT(h->kind);
}

static void observe(Sim *sim, const SimTraceEvent *ev, void *data);

/* Builds a hook's filter from a kind name or a filter table at `idx`. A
 * function at idx becomes the predicate. */
static LuaHook *new_hook(lua_State *L, int idx)
{
  Scenario *sc = lua_api_scenario(L);
  LuaHook *h = g_new0(LuaHook, 1);
  h->kind = h->node = h->peer = -1;
  h->pred_ref = h->fn_ref = h->thread_ref = LUA_NOREF;
  h->count_left = 1;
  g_ptr_array_add(sc->hooks, h); /* owned from here even if we raise */
  sim_mem_charge(sc->sim, SIM_MEM_SCRIPT, hook_bytes(h));
  if (lua_type(L, idx) == LUA_TSTRING) {
    h->kind = kind_from_name(lua_tostring(L, idx));
    if (h->kind < 0)
      luaL_argerror(L, idx, lua_pushfstring(L, "unknown event kind '%s'", lua_tostring(L, idx)));
  } else if (lua_type(L, idx) == LUA_TFUNCTION) {
    lua_pushvalue(L, idx);
    h->pred_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  } else if (lua_type(L, idx) == LUA_TTABLE) {
    /* In sorted key order, so that the error a bad filter gets names the
     * same key in every process, whatever the hash order. */
    idx = lua_absindex(L, idx);
    lua_order_push_keys(L, idx, TRUE);
    int keys = lua_gettop(L);
    lua_Integer nkeys = (lua_Integer) lua_rawlen(L, keys);
    for (lua_Integer k = 1; k <= nkeys; k++) {
      lua_rawgeti(L, keys, k);
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_argerror(L, idx, lua_pushfstring(L, "filter keys are names, not %s", luaL_typename(L, -1)));
      lua_pushvalue(L, -1);
      lua_rawget(L, idx);
      const char *key = lua_tostring(L, -2);
      if (strcmp(key, "kind") == 0) {
        h->kind = kind_from_name(luaL_checkstring(L, -1));
        if (h->kind < 0)
          luaL_argerror(L, idx, lua_pushfstring(L, "unknown event kind '%s'", lua_tostring(L, -1)));
      } else if (strcmp(key, "node") == 0) {
        h->node = lua_api_check_node(L, lua_gettop(L));
      } else if (strcmp(key, "peer") == 0) {
        h->peer = lua_api_check_node(L, lua_gettop(L));
      } else if (strcmp(key, "type") == 0) {
        hook_set_types(L, sc->sim, h, idx, lua_gettop(L));
      } else if (strcmp(key, "where") == 0) {
        luaL_checktype(L, -1, LUA_TFUNCTION);
        lua_pushvalue(L, -1);
        h->pred_ref = luaL_ref(L, LUA_REGISTRYINDEX);
      } else {
        if (h->nfields == MAX_FILTER_FIELDS)
          luaL_argerror(L, idx, lua_pushfstring(L, "an event filter may match at most %d message fields", MAX_FILTER_FIELDS));
        h->field_names[h->nfields] = sim_intern(sc->sim, key);
        if (!lua_isinteger(L, -1))
          luaL_argerror(L, idx, lua_pushfstring(L, "filter field '%s' must be an integer, not %s", key,
                                                luaL_typename(L, -1)));
        h->field_values[h->nfields++] = lua_tointeger(L, -1);
      }
      lua_pop(L, 2);
    }
    lua_pop(L, 1);
  } else {
    luaL_argerror(L, idx, "event kind, filter table or predicate function expected");
  }
  /* The observer is called only for kinds some hook can match: in most
   * runs that leaves out most events. */
  sim_observer_set_kinds(sc->sim, observe, sc, hook_kinds(h), TRUE);
  return h;
}

/* Whether message type `type` is one of the hook's: by address first
 * (types are literals or pool names), then by text. */
static gboolean type_matches(const LuaHook *h, const char *type)
{
  for (guint i = 0; i < h->ntypes; i++)
    if (h->types[i] == type || g_str_equal(h->types[i], type))
      return TRUE;
  return FALSE;
}

static gboolean filter_matches(const LuaHook *h, const SimTraceEvent *ev)
{
  if (h->kind >= 0 && h->kind != (int) ev->kind)
    return FALSE;
  if (h->node >= 0 && h->node != ev->node)
    return FALSE;
  if (h->peer >= 0 && h->peer != ev->peer)
    return FALSE;
  if (h->ntypes && (!ev->msg || !type_matches(h, ev->msg->type)))
    return FALSE;
  for (guint i = 0; i < h->nfields; i++)
    if (!ev->msg || !sim_msg_has(ev->msg, h->field_names[i]) ||
        sim_msg_get(ev->msg, h->field_names[i], 0) != h->field_values[i])
      return FALSE;
  return TRUE;
}

void lua_api_check_budget(lua_State *L)
{
  Sim *sim = lua_api_scenario(L)->sim;
  if (sim_over_budget(sim) != SIM_BUDGET_NONE)
    luaL_error(L, "%s", sim_failure(sim));
}

void lua_api_fail(Scenario *sc, GError *error)
{
  if (!sc->error)
    sc->error = error;
  else
    g_error_free(error);
  sim_stop(sc->sim);
}

static void resume_timeline(Scenario *sc, lua_State *co, int co_ref, int nargs, gboolean started,
                            const char *origin);

/* The address keying the private token (a table in the registry) that
 * the prelude's sleep() and wait_for() yield first: a script cannot reach
 * it, so a bare coroutine.yield() cannot pose as either. */
static const char timeline_token_key = 0;

/* Calls the function on top of the stack (below nargs) in the sandbox. */
static gboolean call_lua(Scenario *sc, int nargs, int nresults)
{
  GError *error = NULL;
  if (!lua_sandbox_call(sc->sb, nargs, nresults, &error)) {
    lua_api_fail(sc, error);
    return FALSE;
  }
  return TRUE;
}

static void violation_from_result(Scenario *sc, lua_State *L, const char *name, int results)
{
  if (lua_toboolean(L, -results))
    return;
  size_t len = 0;
  const char *why = results > 1 && lua_isstring(L, -results + 1) ? lua_tolstring(L, -results + 1, &len) : NULL;
  /* Free text: repaired, not refused (it reaches the JSON report). */
  g_autofree char *valid = why ? lua_api_valid_text(why, len) : g_strdup("returned false");
  sim_violation(sc->sim, name, "%s", valid);
}

/* Builds the event table inside a protected call: it allocates, and the
 * observer runs outside any Lua call. Arguments: the event, the Sim. */
static int push_event_protected(lua_State *L)
{
  push_event(L, lua_touserdata(L, 2), lua_touserdata(L, 1));
  return 1;
}

static void observe(Sim *sim, const SimTraceEvent *ev, void *data)
{
  Scenario *sc = data;
  if (sc->error || sc->hooks->len == 0)
    return;
  lua_State *L = sc->sb->L;
  int event_idx = 0;
  guint n = sc->hooks->len;
  sc->observe_depth++;
  for (guint i = 0; i < n && !sc->error; i++) {
    LuaHook *h = sc->hooks->pdata[i];
    if (h->dead || !filter_matches(h, ev))
      continue;
    if (h->fn_ref == LUA_NOREF && h->thread_ref == LUA_NOREF && !h->invariant)
      continue; /* end-of-run invariant: never matches events */
    if (!event_idx) {
      lua_pushcfunction(L, push_event_protected);
      lua_pushlightuserdata(L, (void *) ev);
      lua_pushlightuserdata(L, sim);
      if (!call_lua(sc, 2, 1))
        break;
      event_idx = lua_gettop(L);
    }
    if (h->pred_ref != LUA_NOREF) {
      lua_rawgeti(L, LUA_REGISTRYINDEX, h->pred_ref);
      lua_pushvalue(L, event_idx);
      if (!call_lua(sc, 1, 1))
        break;
      gboolean yes = lua_toboolean(L, -1);
      lua_pop(L, 1);
      if (!yes)
        continue;
    }
    if (h->invariant) {
      lua_rawgeti(L, LUA_REGISTRYINDEX, h->fn_ref);
      lua_pushvalue(L, event_idx);
      int top = lua_gettop(L) - 2;
      if (!call_lua(sc, 1, 2))
        break;
      violation_from_result(sc, L, h->invariant, 2);
      lua_settop(L, top);
      continue;
    }
    if (--h->count_left > 0)
      continue;
    if (h->thread_ref != LUA_NOREF) {
      h->dead = TRUE;
      int ref = h->thread_ref;
      h->thread_ref = LUA_NOREF;
      if (!lua_checkstack(h->thread, 1)) {
        lua_api_fail(sc, g_error_new(SIM_ERROR, SIM_ERROR_LIMIT, "%s%snot enough memory to resume a timeline",
                                     h->origin ? h->origin : "", h->origin ? ": " : ""));
        luaL_unref(L, LUA_REGISTRYINDEX, ref);
        break;
      }
      lua_pushvalue(L, event_idx);
      lua_xmove(L, h->thread, 1);
      resume_timeline(sc, h->thread, ref, 1, TRUE, h->origin);
      continue;
    }
    if (h->once)
      h->dead = TRUE;
    else
      h->count_left = 1;
    lua_rawgeti(L, LUA_REGISTRYINDEX, h->fn_ref);
    lua_pushvalue(L, event_idx);
    call_lua(sc, 1, 0);
  }
  if (event_idx)
    lua_settop(L, event_idx - 1);
  /* Drop finished hooks, but only outside nested calls that iterate. */
  if (--sc->observe_depth == 0) {
    guint keep = 0;
    for (guint i = 0; i < sc->hooks->len; i++) {
      LuaHook *h = sc->hooks->pdata[i];
      if (!h->dead) {
        sc->hooks->pdata[keep++] = h;
        continue;
      }
      if (h->fn_ref != LUA_NOREF)
        luaL_unref(L, LUA_REGISTRYINDEX, h->fn_ref);
      if (h->pred_ref != LUA_NOREF)
        luaL_unref(L, LUA_REGISTRYINDEX, h->pred_ref);
      sim_mem_charge(sc->sim, SIM_MEM_SCRIPT, -hook_bytes(h));
      hook_free(h);
    }
    if (keep < sc->hooks->len) {
      guint32 kinds = 0;
      for (guint i = 0; i < keep; i++)
        kinds |= hook_kinds(sc->hooks->pdata[i]);
      sim_observer_set_kinds(sc->sim, observe, sc, kinds, FALSE);
    }
    g_ptr_array_set_size(sc->hooks, keep);
  }
}

static int l_on(lua_State *L)
{
  luaL_checktype(L, 2, LUA_TFUNCTION);
  LuaHook *h = new_hook(L, 1);
  lua_pushvalue(L, 2);
  h->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  h->once = lua_toboolean(L, lua_upvalueindex(1));
  if (lua_isinteger(L, 3))
    h->count_left = luaL_checkinteger(L, 3);
  lua_api_check_budget(L);
  return 0;
}

/* invariant(name, fn) checks at the end; invariant(name, fn, filter) at every
 * matching event. fn returns true, or false and a message. */
static int l_invariant(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  const char *name = lua_api_check_name(L, 1, "invariant name");
  luaL_checktype(L, 2, LUA_TFUNCTION);
  LuaHook *h;
  gboolean at_end = lua_isnoneornil(L, 3);
  if (at_end) {
    h = g_new0(LuaHook, 1);
    h->pred_ref = h->thread_ref = LUA_NOREF;
    g_ptr_array_add(sc->end_checks, h);
  } else {
    h = new_hook(L, 3);
  }
  /* Declared only once the filter is known good: a call that raised (and
   * was caught by pcall) leaves no invariant behind. */
  sim_invariant_declare(sc->sim, name);
  h->invariant = g_strdup(name);
  /* new_hook charged an event hook's record; the name is charged here. */
  sim_mem_charge(sc->sim, SIM_MEM_SCRIPT, at_end ? hook_bytes(h) : (gssize) strlen(name) + 1);
  lua_pushvalue(L, 2);
  h->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

gboolean lua_api_run_end_checks(Scenario *sc)
{
  lua_State *L = sc->sb->L;
  for (guint i = 0; i < sc->end_checks->len && !sc->error; i++) {
    LuaHook *h = sc->end_checks->pdata[i];
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, h->fn_ref);
    if (!call_lua(sc, 0, 2))
      break;
    violation_from_result(sc, L, h->invariant, 2);
    lua_settop(L, top);
  }
  return sc->error == NULL;
}

/* ---- time: at, after, every, timeline ---- */

typedef enum { CALL_AT, CALL_AFTER, CALL_EVERY } LuaCallKind;

static const char *const call_names[] = { "at() callback", "after() callback", "every() callback" };

typedef struct {
  Scenario *sc;
  int ref;
  SimTime period;
  SimTime until;
  LuaCallKind kind;
  const char *origin; /* the script line that scheduled it, or NULL */
} LuaCall;

/* Frees a scheduled record of `bytes` holding Lua reference `ref`. */
static void scheduled_free(Scenario *sc, void *record, int ref, gsize bytes)
{
  if (ref != LUA_NOREF)
    luaL_unref(sc->sb->L, LUA_REGISTRYINDEX, ref);
  sim_mem_charge(sc->sim, SIM_MEM_SCRIPT, -(gssize) bytes);
  g_free(record);
}

static void lua_call_free(gpointer p)
{
  LuaCall *c = p;
  scheduled_free(c->sc, c, c->ref, sizeof *c);
}

static void run_call(Sim *sim, void *data)
{
  LuaCall *c = data;
  Scenario *sc = c->sc;
  if (sc->error)
    return;
  const char *outer = sc->origin;
  sc->origin = c->origin;
  lua_rawgeti(sc->sb->L, LUA_REGISTRYINDEX, c->ref);
  gboolean ok = call_lua(sc, 0, 0);
  sc->origin = outer;
  if (!ok)
    return;
  SimTime next = sim_time_after(sim_now(sim), c->period);
  if (c->period > 0 && next <= c->until) {
    LuaCall *again = g_memdup2(c, sizeof *c);
    c->ref = LUA_NOREF; /* moved to again */
    sim_mem_charge(sim, SIM_MEM_SCRIPT, sizeof *again);
    sim_schedule(sim, next, run_call, again, lua_call_free);
  }
}

static void schedule_fn(lua_State *L, int fn_idx, SimTime at, SimTime period, SimTime until, LuaCallKind kind)
{
  Scenario *sc = lua_api_scenario(L);
  luaL_checktype(L, fn_idx, LUA_TFUNCTION);
  const char *origin = script_origin(sc, L);
  lua_pushvalue(L, fn_idx);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  LuaCall *c = g_new(LuaCall, 1);
  *c = (LuaCall) { sc, ref, period, until, kind, origin };
  sim_mem_charge(sc->sim, SIM_MEM_SCRIPT, sizeof *c);
  sim_schedule(sc->sim, at, run_call, c, lua_call_free);
  lua_api_check_budget(L);
}

static int l_at(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  SimTime t = lua_api_check_duration(L, 1);
  if (t < sim_now(sc->sim))
    return luaL_argerror(L, 1, "that time has passed; use after() for a delay from now");
  schedule_fn(L, 2, t, 0, 0, CALL_AT);
  return 0;
}

static int l_after(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  schedule_fn(L, 2, sim_time_after(sim_now(sc->sim), lua_api_check_duration(L, 1)), 0, 0, CALL_AFTER);
  return 0;
}

/* every(dt, fn [, {from = t, ["until"] = t}]) */
static int l_every(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  SimTime dt = lua_api_check_duration(L, 1);
  if (dt <= 0)
    return luaL_argerror(L, 1, "the period must be positive");
  SimTime from = sim_time_after(sim_now(sc->sim), dt), until = SIM_TIME_MAX;
  if (lua_istable(L, 3)) {
    from = lua_api_field_duration(L, 3, "from", from);
    until = lua_api_field_duration(L, 3, "until", until);
  }
  schedule_fn(L, 2, from, dt, until, CALL_EVERY);
  return 0;
}

/* A timeline waiting to be resumed by the clock (its start, or sleep()). */
typedef struct {
  Scenario *sc;
  lua_State *co;
  int ref;
  gboolean started;   /* FALSE: the wake-up is the timeline's start */
  const char *origin; /* the timeline() or sleep() line */
} TimelineWake;

static void timeline_wake_free(gpointer p)
{
  TimelineWake *w = p;
  scheduled_free(w->sc, w, w->ref, sizeof *w);
}

static void timeline_wake(Sim *sim, void *data)
{
  (void) sim;
  TimelineWake *w = data;
  int ref = w->ref;
  w->ref = LUA_NOREF;
  if (!w->sc->error)
    resume_timeline(w->sc, w->co, ref, 0, w->started, w->origin);
  else
    luaL_unref(w->sc->sb->L, LUA_REGISTRYINDEX, ref);
}

static void schedule_wake(Scenario *sc, lua_State *co, int co_ref, SimTime at, gboolean started, const char *origin)
{
  TimelineWake *w = g_new(TimelineWake, 1);
  *w = (TimelineWake) { sc, co, co_ref, started, origin };
  sim_mem_charge(sc->sim, SIM_MEM_SCRIPT, sizeof *w);
  sim_schedule(sc->sim, at, timeline_wake, w, timeline_wake_free);
}

/* Ends the run because timeline `co` did something the protocol does not
 * allow, naming its script line. */
static void timeline_fail(Scenario *sc, lua_State *co, int co_ref, const char *what)
{
  const char *where = script_origin(sc, co);
  luaL_unref(sc->sb->L, LUA_REGISTRYINDEX, co_ref);
  lua_api_fail(sc, g_error_new(SIM_ERROR, SIM_ERROR_INVALID, "%s%s%s", where ? where : "", where ? ": " : "", what));
}

/* What build_wait_hook needs, passed by pointer. */
typedef struct {
  lua_State *co;
  int co_ref;
  int64_t count;
  const char *origin;
} WaitArgs;

/* Makes the hook a wait_for() waits on, from the filter at 2; runs in a
 * protected call, since a filter that wait_for() did not check (a forged
 * yield) may raise. Argument 1: the WaitArgs. */
static int build_wait_hook(lua_State *L)
{
  WaitArgs *a = lua_touserdata(L, 1);
  LuaHook *h = new_hook(L, 2);
  h->count_left = a->count;
  h->thread = a->co;
  h->thread_ref = a->co_ref;
  h->origin = a->origin;
  return 0;
}

/* Resumes a timeline coroutine with `nargs` values already on its stack.
 * The prelude's sleep() and wait_for() suspend it by yielding the private
 * token and then ("sleep", ns) or ("wait", filter, count); anything else
 * a coroutine.yield() in the script hands over is not trusted: it ends
 * the run with exit 2 naming the line. `co_ref` keeps it alive while it
 * waits; `started` is FALSE for its first resume; `origin` is the line
 * that scheduled this resume (for callbacks scheduled from it). */
static void resume_timeline(Scenario *sc, lua_State *co, int co_ref, int nargs, gboolean started, const char *origin)
{
  lua_State *L = sc->sb->L;
  const char *outer = sc->origin;
  sc->origin = origin; /* also names the line if co is dead */
  int status = lua_status(co);
  if (started ? status != LUA_YIELD : (status != LUA_OK || lua_gettop(co) != nargs + 1)) {
    lua_pop(co, MIN(nargs, lua_gettop(co)));
    timeline_fail(sc, co, co_ref, "a timeline was resumed or closed by coroutine.resume()/close(); "
                                  "only sleep() and wait_for() may suspend it");
    sc->origin = outer;
    return;
  }
  int nres = 0;
  sc->sb->instr_left = sc->sb->instr_budget;
  sc->sb->over_budget = FALSE;
  int rc = lua_resume(co, L, nargs, &nres);
  sc->origin = outer;
  if (rc == LUA_OK) {
    luaL_unref(L, LUA_REGISTRYINDEX, co_ref);
    return;
  }
  if (rc != LUA_YIELD) {
    GError *error = lua_sandbox_thread_error(sc->sb, co, rc);
    luaL_unref(L, LUA_REGISTRYINDEX, co_ref);
    lua_api_fail(sc, error);
    return;
  }
  /* The yielded values are co's top nres slots. */
  int base = lua_gettop(co) - nres + 1;
  if (!lua_checkstack(co, 1) || !lua_checkstack(L, 3)) {
    lua_pop(co, nres);
    timeline_fail(sc, co, co_ref, "not enough memory to suspend a timeline");
    return;
  }
  lua_rawgetp(co, LUA_REGISTRYINDEX, &timeline_token_key);
  gboolean ours = nres >= 2 && lua_rawequal(co, base, -1) && lua_type(co, base + 1) == LUA_TSTRING;
  lua_pop(co, 1);
  const char *what = ours ? lua_tostring(co, base + 1) : "";
  if (strcmp(what, "sleep") == 0 && nres == 3 && lua_isinteger(co, base + 2) && lua_tointeger(co, base + 2) >= 0) {
    SimTime at = sim_time_after(sim_now(sc->sim), lua_tointeger(co, base + 2));
    const char *line = script_origin(sc, co);
    lua_pop(co, nres);
    schedule_wake(sc, co, co_ref, at, TRUE, line);
    return;
  }
  if (strcmp(what, "wait") == 0 && nres == 4 && lua_isinteger(co, base + 3) && lua_tointeger(co, base + 3) >= 1) {
    WaitArgs a = { co, co_ref, lua_tointeger(co, base + 3), script_origin(sc, co) };
    lua_pushcfunction(L, build_wait_hook);
    lua_pushlightuserdata(L, &a);
    lua_pop(co, 1);      /* count */
    lua_xmove(co, L, 1); /* filter */
    lua_pop(co, 2);      /* token, "wait" */
    GError *error = NULL;
    if (!lua_sandbox_call(sc->sb, 2, 0, &error)) {
      luaL_unref(L, LUA_REGISTRYINDEX, co_ref);
      if (a.origin && !strstr(error->message, ".lua:"))
        g_prefix_error(&error, "%s: ", a.origin);
      lua_api_fail(sc, error);
    }
    return;
  }
  lua_pop(co, nres);
  timeline_fail(sc, co, co_ref, "a timeline may suspend only in sleep() or wait_for(); "
                                "coroutine.yield() handed the scheduler something else");
}

static int l_timeline(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  luaL_checktype(L, 1, LUA_TFUNCTION);
  const char *origin = script_origin(sc, L);
  lua_State *co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the thread */
  schedule_wake(sc, co, ref, sim_now(sc->sim), FALSE, origin);
  return 0;
}

/* The ns value of a duration, for the prelude's sleep(). */
static int l_ns(lua_State *L)
{
  lua_pushinteger(L, lua_api_check_duration(L, 1));
  return 1;
}

/* _timeline_token() → the token sleep() and wait_for() yield; the prelude
 * takes it before any script runs, and a second call raises. */
static int l_timeline_token(lua_State *L)
{
  if (lua_toboolean(L, lua_upvalueindex(1)))
    return luaL_error(L, "_timeline_token() is for the prelude only");
  lua_pushboolean(L, 1);
  lua_replace(L, lua_upvalueindex(1));
  lua_rawgetp(L, LUA_REGISTRYINDEX, &timeline_token_key);
  return 1;
}

/* Checks a wait_for filter at the call site so errors name the right line. */
static int l_check_filter(lua_State *L)
{
  new_hook(L, 1)->dead = TRUE;
  return 0;
}

/* ---- naming who schedules ---- */

/* The kernel's event-limit message asks who scheduled a callback. */
static gboolean describe_call(SimCallFn fn, void *data, void *ctx, const char **where, const char **what)
{
  (void) ctx;
  if (fn == run_call) {
    const LuaCall *c = data;
    *where = c->origin;
    *what = call_names[c->kind];
    return TRUE;
  }
  if (fn == timeline_wake) {
    const TimelineWake *w = data;
    *where = w->origin;
    *what = w->started ? "a timeline's sleep()" : "a timeline's start";
    return TRUE;
  }
  return workload_describe(fn, data, where, what);
}

/* ---- registration ---- */

void lua_events_open(Scenario *sc)
{
  lua_State *L = sc->sb->L;
  static const luaL_Reg funcs[] = {
    { "at", l_at }, { "after", l_after }, { "every", l_every }, { "timeline", l_timeline },
    { "invariant", l_invariant }, { "_ns", l_ns }, { "_check_filter", l_check_filter }, { NULL, NULL },
  };
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &timeline_token_key);
  lua_pushglobaltable(L);
  luaL_setfuncs(L, funcs, 0);
  lua_pushboolean(L, 0);
  lua_pushcclosure(L, l_timeline_token, 1);
  lua_setfield(L, -2, "_timeline_token");
  lua_pushboolean(L, 0);
  lua_pushcclosure(L, l_on, 1);
  lua_setfield(L, -2, "on");
  lua_pushboolean(L, 1);
  lua_pushcclosure(L, l_on, 1);
  lua_setfield(L, -2, "once");
  lua_pop(L, 1);
  sim_add_observer_kinds(sc->sim, observe, sc, 0); /* widened by each hook */
  sim_set_describer(sc->sim, describe_call, sc);
}

void lua_api_hooks_free(Scenario *sc)
{
  g_ptr_array_foreach(sc->hooks, (GFunc) (void (*)(void)) hook_free, NULL);
  g_ptr_array_foreach(sc->end_checks, (GFunc) (void (*)(void)) hook_free, NULL);
  g_ptr_array_set_size(sc->hooks, 0);
  g_ptr_array_set_size(sc->end_checks, 0);
}
