/* Scenario API, when things happen: the event observer that feeds Lua
 * hooks (on, once, invariants at events), end-of-run invariants, at, after,
 * every, and timelines (coroutines that sleep and wait_for events). */
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/lua/lua_api.h"
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#define MAX_FILTER_FIELDS 4

/* A Lua hook: a C-side filter on trace events plus what to do on a match
 * (call a function, resume a waiting timeline, or check an invariant). */
typedef struct {
  int kind; /* SimTraceKind or -1 */
  int node, peer;
  const char *type; /* interned message/event type or NULL */
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
  gboolean dead;
} LuaHook;

static void hook_free(gpointer p)
{
  LuaHook *h = p;
  g_free(h->invariant);
  g_free(h);
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

static int kind_from_name(const char *name)
{
  for (int k = 0; k <= SIM_TR_START; k++)
    if (strcmp(sim_trace_kind_name((SimTraceKind) k), name) == 0)
      return k;
  return -1;
}

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
  if (lua_type(L, idx) == LUA_TSTRING) {
    h->kind = kind_from_name(lua_tostring(L, idx));
    if (h->kind < 0)
      luaL_argerror(L, idx, lua_pushfstring(L, "unknown event kind '%s'", lua_tostring(L, idx)));
  } else if (lua_type(L, idx) == LUA_TFUNCTION) {
    lua_pushvalue(L, idx);
    h->pred_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  } else if (lua_type(L, idx) == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      const char *key = luaL_checkstring(L, -2);
      if (strcmp(key, "kind") == 0) {
        h->kind = kind_from_name(luaL_checkstring(L, -1));
        if (h->kind < 0)
          luaL_argerror(L, idx, lua_pushfstring(L, "unknown event kind '%s'", lua_tostring(L, -1)));
      } else if (strcmp(key, "node") == 0) {
        h->node = lua_api_check_node(L, lua_gettop(L));
      } else if (strcmp(key, "peer") == 0) {
        h->peer = lua_api_check_node(L, lua_gettop(L));
      } else if (strcmp(key, "type") == 0) {
        h->type = g_intern_string(luaL_checkstring(L, -1));
      } else if (strcmp(key, "where") == 0) {
        luaL_checktype(L, -1, LUA_TFUNCTION);
        lua_pushvalue(L, -1);
        h->pred_ref = luaL_ref(L, LUA_REGISTRYINDEX);
      } else {
        if (h->nfields == MAX_FILTER_FIELDS)
          luaL_argerror(L, idx, lua_pushfstring(L, "an event filter may match at most %d message fields", MAX_FILTER_FIELDS));
        h->field_names[h->nfields] = g_intern_string(key);
        h->field_values[h->nfields++] = luaL_checkinteger(L, -1);
      }
      lua_pop(L, 1);
    }
  } else {
    luaL_argerror(L, idx, "event kind, filter table or predicate function expected");
  }
  return h;
}

static gboolean filter_matches(const LuaHook *h, const SimTraceEvent *ev)
{
  if (h->kind >= 0 && h->kind != (int) ev->kind)
    return FALSE;
  if (h->node >= 0 && h->node != ev->node)
    return FALSE;
  if (h->peer >= 0 && h->peer != ev->peer)
    return FALSE;
  if (h->type && (!ev->msg || !g_str_equal(h->type, ev->msg->type)))
    return FALSE;
  for (guint i = 0; i < h->nfields; i++)
    if (!ev->msg || !sim_msg_has(ev->msg, h->field_names[i]) ||
        sim_msg_get(ev->msg, h->field_names[i], 0) != h->field_values[i])
      return FALSE;
  return TRUE;
}

void lua_api_fail(Scenario *sc, GError *error)
{
  if (!sc->error)
    sc->error = error;
  else
    g_error_free(error);
  sim_stop(sc->sim);
}

static void resume_timeline(Scenario *sc, lua_State *co, int co_ref, int nargs);

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
  const char *why = results > 1 && lua_isstring(L, -results + 1) ? lua_tostring(L, -results + 1) : "returned false";
  sim_violation(sc->sim, name, "%s", why);
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
      push_event(L, sim, ev);
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
      lua_pushvalue(L, event_idx);
      lua_xmove(L, h->thread, 1);
      resume_timeline(sc, h->thread, ref, 1);
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
      hook_free(h);
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
  return 0;
}

/* invariant(name, fn) checks at the end; invariant(name, fn, filter) at every
 * matching event. fn returns true, or false and a message. */
static int l_invariant(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  const char *name = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  sim_invariant_declare(sc->sim, name);
  LuaHook *h;
  if (lua_isnoneornil(L, 3)) {
    h = g_new0(LuaHook, 1);
    h->pred_ref = h->thread_ref = LUA_NOREF;
    g_ptr_array_add(sc->end_checks, h);
  } else {
    h = new_hook(L, 3);
  }
  h->invariant = g_strdup(name);
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

typedef struct {
  Scenario *sc;
  int ref;
  SimTime period;
  SimTime until;
} LuaCall;

static void lua_call_free(gpointer p)
{
  LuaCall *c = p;
  if (c->ref != LUA_NOREF)
    luaL_unref(c->sc->sb->L, LUA_REGISTRYINDEX, c->ref);
  g_free(c);
}

static void run_call(Sim *sim, void *data)
{
  LuaCall *c = data;
  Scenario *sc = c->sc;
  if (sc->error)
    return;
  lua_rawgeti(sc->sb->L, LUA_REGISTRYINDEX, c->ref);
  if (!call_lua(sc, 0, 0))
    return;
  if (c->period > 0 && sim_now(sim) + c->period <= c->until) {
    LuaCall *next = g_memdup2(c, sizeof *c);
    c->ref = LUA_NOREF; /* moved to next */
    sim_schedule(sim, sim_now(sim) + c->period, run_call, next, lua_call_free);
  }
}

static void schedule_fn(lua_State *L, int fn_idx, SimTime at, SimTime period, SimTime until)
{
  Scenario *sc = lua_api_scenario(L);
  luaL_checktype(L, fn_idx, LUA_TFUNCTION);
  LuaCall *c = g_new0(LuaCall, 1);
  c->sc = sc;
  lua_pushvalue(L, fn_idx);
  c->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  c->period = period;
  c->until = until;
  sim_schedule(sc->sim, at, run_call, c, lua_call_free);
}

static int l_at(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  SimTime t = lua_api_check_duration(L, 1);
  if (t < sim_now(sc->sim))
    return luaL_argerror(L, 1, "that time has passed; use after() for a delay from now");
  schedule_fn(L, 2, t, 0, 0);
  return 0;
}

static int l_after(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  schedule_fn(L, 2, sim_now(sc->sim) + lua_api_check_duration(L, 1), 0, 0);
  return 0;
}

/* every(dt, fn [, {from = t, ["until"] = t}]) */
static int l_every(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  SimTime dt = lua_api_check_duration(L, 1);
  if (dt <= 0)
    return luaL_argerror(L, 1, "the period must be positive");
  SimTime from = sim_now(sc->sim) + dt, until = SIM_TIME_MAX;
  if (lua_istable(L, 3)) {
    from = lua_api_field_duration(L, 3, "from", from);
    until = lua_api_field_duration(L, 3, "until", until);
  }
  schedule_fn(L, 2, from, dt, until);
  return 0;
}

typedef struct {
  Scenario *sc;
  lua_State *co;
  int ref;
} TimelineWake;

static void timeline_wake(Sim *sim, void *data)
{
  (void) sim;
  TimelineWake *w = data;
  int ref = w->ref;
  w->ref = LUA_NOREF;
  if (!w->sc->error)
    resume_timeline(w->sc, w->co, ref, 0);
  else
    luaL_unref(w->sc->sb->L, LUA_REGISTRYINDEX, ref);
}

static void timeline_wake_free(gpointer p)
{
  TimelineWake *w = p;
  if (w->ref != LUA_NOREF)
    luaL_unref(w->sc->sb->L, LUA_REGISTRYINDEX, w->ref);
  g_free(w);
}

/* Resumes a timeline coroutine with `nargs` values already on its stack.
 * What it yields decides what it waits for: ("sleep", ns) or
 * ("wait", filter, count). `co_ref` keeps it alive while it waits. */
static void resume_timeline(Scenario *sc, lua_State *co, int co_ref, int nargs)
{
  lua_State *L = sc->sb->L;
  int nres = 0;
  sc->sb->instr_left = sc->sb->instr_budget;
  sc->sb->over_budget = FALSE;
  int rc = lua_resume(co, L, nargs, &nres);
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
  const char *what = nres >= 1 ? lua_tostring(co, -nres) : NULL;
  if (what && strcmp(what, "sleep") == 0 && nres == 2) {
    SimTime ns = lua_tointeger(co, -1);
    lua_pop(co, nres);
    TimelineWake *w = g_new0(TimelineWake, 1);
    w->sc = sc;
    w->co = co;
    w->ref = co_ref;
    sim_schedule(sc->sim, sim_now(sc->sim) + ns, timeline_wake, w, timeline_wake_free);
  } else if (what && strcmp(what, "wait") == 0 && nres == 3) {
    /* Build the waiter's filter on the main state, where errors are caught. */
    lua_xmove(co, L, 2); /* filter, count */
    lua_pop(co, 1);
    int base = lua_gettop(L) - 1;
    /* The prelude's wait_for() validated the filter with _check_filter
     * inside the coroutine, so new_hook cannot raise here. */
    LuaHook *h = new_hook(L, base);
    h->count_left = lua_tointeger(L, base + 1);
    h->thread = co;
    h->thread_ref = co_ref;
    lua_settop(L, base - 1);
  } else {
    lua_pop(co, nres);
    luaL_unref(L, LUA_REGISTRYINDEX, co_ref);
    lua_api_fail(sc, g_error_new(SIM_ERROR, SIM_ERROR_INVALID,
                         "a timeline yielded something other than sleep() or wait_for()"));
  }
}

static void timeline_start(Sim *sim, void *data)
{
  timeline_wake(sim, data);
}

static int l_timeline(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State *co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  TimelineWake *w = g_new0(TimelineWake, 1);
  w->sc = sc;
  w->co = co;
  w->ref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the thread */
  sim_schedule(sc->sim, sim_now(sc->sim), timeline_start, w, timeline_wake_free);
  return 0;
}

/* The ns value of a duration, for the prelude's sleep(). */
static int l_ns(lua_State *L)
{
  lua_pushinteger(L, lua_api_check_duration(L, 1));
  return 1;
}

/* Checks a wait_for filter at the call site so errors name the right line. */
static int l_check_filter(lua_State *L)
{
  new_hook(L, 1)->dead = TRUE;
  return 0;
}

/* ---- registration ---- */

void lua_events_open(Scenario *sc)
{
  lua_State *L = sc->sb->L;
  static const luaL_Reg funcs[] = {
    { "at", l_at }, { "after", l_after }, { "every", l_every }, { "timeline", l_timeline },
    { "invariant", l_invariant }, { "_ns", l_ns }, { "_check_filter", l_check_filter }, { NULL, NULL },
  };
  lua_pushglobaltable(L);
  luaL_setfuncs(L, funcs, 0);
  lua_pushboolean(L, 0);
  lua_pushcclosure(L, l_on, 1);
  lua_setfield(L, -2, "on");
  lua_pushboolean(L, 1);
  lua_pushcclosure(L, l_on, 1);
  lua_setfield(L, -2, "once");
  lua_pop(L, 1);
  sim_add_observer(sc->sim, observe, sc);
}

void lua_api_hooks_free(Scenario *sc)
{
  g_ptr_array_foreach(sc->hooks, (GFunc) (void (*)(void)) hook_free, NULL);
  g_ptr_array_foreach(sc->end_checks, (GFunc) (void (*)(void)) hook_free, NULL);
  g_ptr_array_set_size(sc->hooks, 0);
  g_ptr_array_set_size(sc->end_checks, 0);
}
