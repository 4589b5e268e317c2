/* The scenario API: the functions a scenario script calls to build its
 * topology and workload, schedule and trigger faults, watch events, define
 * invariants and metrics, and state its expectations. The reference is the
 * README's "Writing scenarios" section. */
#include "sim/errors.h"
#include "sim/internal.h"
#include "sim/scenario.h"
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#define SCENARIO_KEY "faultsim.scenario"
#define RNG_META "faultsim.rng"
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

Scenario *lua_api_scenario(lua_State *L)
{
  lua_getfield(L, LUA_REGISTRYINDEX, SCENARIO_KEY);
  Scenario *sc = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return sc;
}

static void hook_free(gpointer p)
{
  LuaHook *h = p;
  g_free(h->invariant);
  g_free(h);
}

/* ---- argument helpers ---- */

static SimTime to_duration(lua_State *L, int idx, gboolean allow_negative)
{
  GError *error = NULL;
  SimTime t = 0;
  if (lua_type(L, idx) == LUA_TNUMBER) {
    double s = lua_tonumber(L, idx);
    gboolean neg = allow_negative && s < 0;
    if (!sim_time_from_seconds(neg ? -s : s, &t, &error))
      goto fail;
    return neg ? -t : t;
  }
  if (lua_type(L, idx) == LUA_TSTRING) {
    const char *text = lua_tostring(L, idx);
    gboolean neg = allow_negative && text[0] == '-';
    if (!sim_time_parse(neg ? text + 1 : text, &t, &error))
      goto fail;
    return neg ? -t : t;
  }
  return luaL_argerror(L, idx, lua_pushfstring(L, "duration expected (\"150ms\", \"2s\" or seconds), got %s",
                                                luaL_typename(L, idx)));
fail:
  lua_pushstring(L, error->message);
  g_error_free(error);
  return luaL_argerror(L, idx, lua_tostring(L, -1));
}

SimTime lua_api_check_duration(lua_State *L, int idx) { return to_duration(L, idx, FALSE); }

static int check_node(lua_State *L, int idx)
{
  Scenario *sc = lua_api_scenario(L);
  const char *name = luaL_checkstring(L, idx);
  int id = sim_node_find(sc->sim, name);
  if (id < 0)
    return luaL_argerror(L, idx, lua_pushfstring(L, "unknown node '%s'", name));
  return id;
}

static double check_finite(lua_State *L, int idx)
{
  double v = luaL_checknumber(L, idx);
  if (!isfinite(v))
    luaL_argerror(L, idx, "finite number expected");
  return v;
}

static double field_number(lua_State *L, int t, const char *key, double fallback, double lo, double hi)
{
  double v = fallback;
  if (lua_getfield(L, t, key) != LUA_TNIL) {
    if (!lua_isnumber(L, -1))
      luaL_error(L, "'%s' must be a number, not %s", key, luaL_typename(L, -1));
    v = lua_tonumber(L, -1);
    if (!(v >= lo && v <= hi))
    {
      char *msg = isnan(v) ? g_strdup_printf("'%s' is not a number (NaN)", key)
                           : g_strdup_printf("'%s' = %g is out of range [%g, %g]", key, v, lo, hi);
      lua_pushstring(L, msg);
      g_free(msg);
      lua_error(L);
    }
  }
  lua_pop(L, 1);
  return v;
}

static SimTime field_duration(lua_State *L, int t, const char *key, SimTime fallback)
{
  SimTime v = fallback;
  if (lua_getfield(L, t, key) != LUA_TNIL) {
    lua_pushfstring(L, "'%s': ", key);
    lua_pop(L, 1);
    v = lua_api_check_duration(L, lua_gettop(L));
  }
  lua_pop(L, 1);
  return v;
}

/* Rejects keys a table should not have, so a typo is an error, not a no-op. */
static void check_keys(lua_State *L, int t, const char *what, const char *const *allowed)
{
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    gboolean ok = FALSE;
    if (lua_type(L, -1) == LUA_TSTRING)
      for (int i = 0; allowed[i]; i++)
        ok |= strcmp(lua_tostring(L, -1), allowed[i]) == 0;
    if (!ok) {
      GString *list = g_string_new(NULL);
      for (int i = 0; allowed[i]; i++)
        g_string_append_printf(list, "%s%s", i ? ", " : "", allowed[i]);
      lua_pushfstring(L, "%s: unknown key '%s' (expected one of: %s)", what,
                      luaL_tolstring(L, -1, NULL), list->str);
      g_string_free(list, TRUE);
      lua_error(L);
    }
  }
}

/* ---- setup ---- */

static int l_scenario(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const keys[] = { "name", "description", "duration", "seeds", NULL };
  check_keys(L, 1, "scenario{}", keys);
  if (lua_getfield(L, 1, "name") != LUA_TNIL) {
    g_free(sc->name);
    sc->name = g_strdup(luaL_checkstring(L, -1));
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "description") != LUA_TNIL) {
    g_free(sc->description);
    sc->description = g_strdup(luaL_checkstring(L, -1));
  }
  lua_pop(L, 1);
  sc->duration = field_duration(L, 1, "duration", sc->duration);
  if (lua_getfield(L, 1, "seeds") != LUA_TNIL) {
    if (lua_isinteger(L, -1)) {
      sc->seeds_first = 1;
      sc->seeds_last = (guint64) luaL_checkinteger(L, -1);
    } else {
      luaL_checktype(L, -1, LUA_TTABLE);
      lua_geti(L, -1, 1);
      lua_geti(L, -2, 2);
      sc->seeds_first = (guint64) luaL_checkinteger(L, -2);
      sc->seeds_last = (guint64) luaL_checkinteger(L, -1);
      lua_pop(L, 2);
    }
    if (sc->seeds_last < sc->seeds_first || sc->seeds_last - sc->seeds_first >= 100000)
      return luaL_error(L, "seeds: need 1..100000 seeds, as seeds = N or seeds = {first, last}");
  }
  lua_pop(L, 1);
  return 0;
}

static int l_duration(lua_State *L)
{
  lua_api_scenario(L)->duration = lua_api_check_duration(L, 1);
  return 0;
}

/* params{ name = default, ... }: returns the values, each default replaced by
 * its --set override converted to the default's type. */
static int l_params(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_newtable(L); /* result at 2 */
  lua_getglobal(L, "pairs");
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1); /* sorted iterator */
  for (;;) {
    lua_pushvalue(L, -1);
    lua_call(L, 0, 2);
    if (lua_isnil(L, -2)) {
      lua_pop(L, 2);
      break;
    }
    if (lua_type(L, -2) != LUA_TSTRING)
      return luaL_error(L, "params{}: keys must be names");
    const char *key = lua_tostring(L, -2);
    const char *override = sc->overrides ? g_hash_table_lookup(sc->overrides, key) : NULL;
    if (override) {
      char *end = NULL;
      int type = lua_type(L, -1);
      gboolean integer = lua_isinteger(L, -1);
      lua_pop(L, 1); /* the default */
      if (type == LUA_TBOOLEAN) {
        if (strcmp(override, "true") != 0 && strcmp(override, "false") != 0)
          return luaL_error(L, "--set %s=%s: expected true or false", key, override);
        lua_pushboolean(L, strcmp(override, "true") == 0);
      } else if (type == LUA_TNUMBER && integer) {
        gint64 v = g_ascii_strtoll(override, &end, 10);
        if (!*override || *end)
          return luaL_error(L, "--set %s=%s: expected an integer", key, override);
        lua_pushinteger(L, v);
      } else if (type == LUA_TNUMBER) {
        double v = g_ascii_strtod(override, &end);
        if (!*override || *end || !isfinite(v))
          return luaL_error(L, "--set %s=%s: expected a number", key, override);
        lua_pushnumber(L, v);
      } else if (type == LUA_TSTRING) {
        lua_pushstring(L, override);
      } else {
        return luaL_error(L, "params{}: '%s' has a %s default; use a number, string or boolean", key,
                          lua_typename(L, type));
      }
    } else if (lua_type(L, -1) != LUA_TBOOLEAN && lua_type(L, -1) != LUA_TNUMBER && lua_type(L, -1) != LUA_TSTRING) {
      return luaL_error(L, "params{}: '%s' has a %s default; use a number, string or boolean", key,
                        luaL_typename(L, -1));
    }
    g_hash_table_replace(sc->params, g_strdup(key), g_strdup(luaL_tolstring(L, -1, NULL)));
    lua_pop(L, 1);
    lua_setfield(L, 2, key); /* pops value; key stays for the iterator */
    lua_pop(L, 1);
  }
  lua_pop(L, 1); /* iterator */
  return 1;
}

static void read_link(lua_State *L, int t, SimLinkConfig *link)
{
  static const char *const keys[] = { "latency", "loss", "duplicate", "fifo", NULL };
  check_keys(L, t, "link options", keys);
  if (lua_getfield(L, t, "latency") != LUA_TNIL) {
    if (lua_type(L, -1) == LUA_TNUMBER) {
      link->latency = sim_dist_constant(lua_api_check_duration(L, -1 + lua_gettop(L) + 1));
    } else {
      GError *error = NULL;
      if (!sim_dist_parse(luaL_checkstring(L, -1), &link->latency, &error)) {
        lua_pushfstring(L, "latency: %s", error->message);
        g_error_free(error);
        lua_error(L);
      }
    }
  }
  lua_pop(L, 1);
  link->loss = field_number(L, t, "loss", link->loss, 0, 1);
  link->duplicate = field_number(L, t, "duplicate", link->duplicate, 0, 1);
  if (lua_getfield(L, t, "fifo") != LUA_TNIL)
    link->fifo = lua_toboolean(L, -1);
  lua_pop(L, 1);
}

static int l_network(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  read_link(L, 1, sim_net_default(lua_api_scenario(L)->sim));
  return 0;
}

static int l_link(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  int a = check_node(L, 1), b = check_node(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  SimLinkConfig c = *sim_net_link(sc->sim, a, b);
  read_link(L, 3, &c);
  sim_net_set_link(sc->sim, a, b, &c);
  if (!lua_isnoneornil(L, 4) && strcmp(luaL_checkstring(L, 4), "oneway") != 0)
    return luaL_argerror(L, 4, "expected \"oneway\" or nothing");
  if (lua_isnoneornil(L, 4)) {
    /* both directions unless told "oneway" */
    SimLinkConfig back = *sim_net_link(sc->sim, b, a);
    read_link(L, 3, &back);
    sim_net_set_link(sc->sim, b, a, &back);
  }
  return 0;
}

/* A Lua value as the text a model parameter is parsed from. */
static char *param_text(lua_State *L, int idx, const char *key)
{
  switch (lua_type(L, idx)) {
  case LUA_TBOOLEAN:
    return g_strdup(lua_toboolean(L, idx) ? "true" : "false");
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx))
      return g_strdup_printf("%lld", (long long) lua_tointeger(L, idx));
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      return g_strdup(g_ascii_dtostr(buf, sizeof buf, lua_tonumber(L, idx)));
    }
  case LUA_TSTRING:
    return g_strdup(lua_tostring(L, idx));
  case LUA_TTABLE: {
    GString *s = g_string_new(NULL);
    lua_Integer n = luaL_len(L, idx);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, idx, i);
      if (lua_type(L, -1) != LUA_TSTRING) {
        g_string_free(s, TRUE);
        luaL_error(L, "parameter '%s': a list must hold node names", key);
      }
      g_string_append_printf(s, "%s%s", i > 1 ? "," : "", lua_tostring(L, -1));
      lua_pop(L, 1);
    }
    return g_string_free(s, FALSE);
  }
  default:
    luaL_error(L, "parameter '%s': %s is not a parameter value", key, luaL_typename(L, idx));
    return NULL;
  }
}

/* Adds node `name` running the model at `model_idx`: a model{} object or
 * a registered model's name. */
static int add_node(lua_State *L, const char *name, int model_idx, int params_idx)
{
  Scenario *sc = lua_api_scenario(L);
  const SimModel *model = lua_model_test(L, model_idx);
  const char *model_name = model ? model->name : luaL_checkstring(L, model_idx);
  if (!model)
    model = sim_registry_find(model_name);
  if (!model) {
    GString *known = g_string_new(NULL);
    for (const SimModel *const *m = sim_registry(); *m; m++)
      g_string_append_printf(known, "%s%s", known->len ? ", " : "", (*m)->name);
    lua_pushfstring(L, "unknown model '%s' (known: %s)", model_name, known->str);
    g_string_free(known, TRUE);
    return lua_error(L);
  }
  if (!*name || strchr(name, ',') || strlen(name) > 64)
    return luaL_error(L, "node name '%s' must be 1..64 characters without commas", name);
  g_autoptr(GHashTable) params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  if (params_idx && !lua_isnoneornil(L, params_idx)) {
    luaL_checktype(L, params_idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, params_idx)) {
      if (lua_type(L, -2) != LUA_TSTRING)
        return luaL_error(L, "node '%s': parameter names must be strings", name);
      const char *key = lua_tostring(L, -2);
      g_hash_table_replace(params, g_strdup(key), param_text(L, lua_gettop(L), key));
      lua_pop(L, 1);
    }
  }
  if (sim_node_count(sc->sim) >= 1000000)
    return luaL_error(L, "too many nodes (at most 1000000)");
  GError *error = NULL;
  int id = sim_add_node(sc->sim, name, model, params, &error);
  if (id < 0) {
    lua_pushstring(L, error->message);
    g_error_free(error);
    return lua_error(L);
  }
  if (sc->running && !sim_node_resolve_params(sim_node(sc->sim, id), &error)) {
    lua_pushstring(L, error->message);
    g_error_free(error);
    return lua_error(L);
  }
  return id;
}

static int l_node(lua_State *L)
{
  const char *name = luaL_checkstring(L, 1);
  add_node(L, name, 2, 3);
  lua_pushvalue(L, 1);
  return 1;
}

static void read_workload(lua_State *L, int t, WorkloadSpec *spec, SimTime duration)
{
  static const char *const keys[] = { "mode", "rate", "think", "timeout", "ops", "keys",
                                      "cas_values", "start", "stop", NULL };
  check_keys(L, t, "workload{}", keys);
  memset(spec, 0, sizeof *spec);
  lua_getfield(L, t, "mode");
  const char *mode = luaL_optstring(L, -1, "closed");
  if (strcmp(mode, "open") == 0)
    spec->open_loop = TRUE;
  else if (strcmp(mode, "closed") != 0)
    luaL_error(L, "workload mode must be \"closed\" or \"open\", not '%s'", mode);
  lua_pop(L, 1);
  spec->rate = field_number(L, t, "rate", 10, 1e-9, 1e9);
  spec->think = field_duration(L, t, "think", 10 * SIM_MS);
  spec->timeout = field_duration(L, t, "timeout", 1 * SIM_S);
  spec->start = field_duration(L, t, "start", 0);
  spec->stop = field_duration(L, t, "stop", duration);
  spec->keys = (int64_t) field_number(L, t, "keys", 0, 0, 1e9);
  spec->cas_values = (int64_t) field_number(L, t, "cas_values", 5, 1, 1e9);
  spec->ops = g_array_new(FALSE, FALSE, sizeof(WorkloadOp));
  if (lua_getfield(L, t, "ops") == LUA_TTABLE) {
    int ops = lua_gettop(L);
    lua_Integer n = luaL_len(L, ops);
    if (n > 0) {
      for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, ops, i);
        WorkloadOp op = { g_strdup(luaL_checkstring(L, -1)), 1.0 };
        g_array_append_val(spec->ops, op);
        lua_pop(L, 1);
      }
    } else {
      lua_getglobal(L, "pairs");
      lua_pushvalue(L, ops);
      lua_call(L, 1, 1);
      for (;;) {
        lua_pushvalue(L, -1);
        lua_call(L, 0, 2);
        if (lua_isnil(L, -2)) {
          lua_pop(L, 2);
          break;
        }
        WorkloadOp op = { g_strdup(luaL_checkstring(L, -2)), lua_tonumber(L, -1) };
        g_array_append_val(spec->ops, op);
        lua_pop(L, 2);
      }
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    luaL_error(L, "workload ops must be a list {\"read\", \"write\"} or weights {read = 3, write = 1}");
  }
  lua_pop(L, 1);
}

static void attach_workload(lua_State *L, int node, int t)
{
  Scenario *sc = lua_api_scenario(L);
  WorkloadSpec spec;
  read_workload(L, t, &spec, sc->duration);
  GError *error = NULL;
  gboolean ok = workload_attach(sc->workloads, node, &spec, &error);
  workload_spec_clear(&spec);
  if (!ok) {
    lua_pushstring(L, error->message);
    g_error_free(error);
    lua_error(L);
  }
}

static int l_workload(lua_State *L)
{
  int node = check_node(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  attach_workload(L, node, 2);
  return 0;
}

/* clients{ count = N, model = M, prefix = "client", params = {...},
 * workload = {...} } → the list of client names. */
static int l_clients(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const keys[] = { "count", "model", "prefix", "params", "workload", NULL };
  check_keys(L, 1, "clients{}", keys);
  lua_Integer count = (lua_Integer) field_number(L, 1, "count", 1, 1, 100000);
  lua_getfield(L, 1, "model");
  int model = lua_gettop(L);
  if (!lua_model_test(L, model))
    luaL_checkstring(L, model);
  lua_getfield(L, 1, "prefix");
  const char *prefix = luaL_optstring(L, -1, "client");
  lua_getfield(L, 1, "params");
  int params = lua_gettop(L);
  lua_getfield(L, 1, "workload");
  int workload = lua_gettop(L);
  lua_newtable(L);
  int result = lua_gettop(L);
  for (lua_Integer i = 1; i <= count; i++) {
    char *name = g_strdup_printf("%s%lld", prefix, (long long) i);
    lua_pushstring(L, name);
    g_free(name);
    int id = add_node(L, lua_tostring(L, -1), model, lua_isnil(L, params) ? 0 : params);
    lua_rawseti(L, result, i);
    if (!lua_isnil(L, workload)) {
      luaL_checktype(L, workload, LUA_TTABLE);
      attach_workload(L, id, workload);
    }
  }
  return 1;
}

static void read_range(lua_State *L, int idx, const char *what, ExpectRange *r)
{
  r->set = TRUE;
  r->min = -INFINITY;
  r->max = INFINITY;
  if (lua_type(L, idx) == LUA_TNUMBER) {
    r->min = r->max = lua_tonumber(L, idx);
  } else if (lua_type(L, idx) == LUA_TTABLE) {
    static const char *const keys[] = { "min", "max", NULL };
    check_keys(L, idx, what, keys);
    r->min = field_number(L, idx, "min", -INFINITY, -INFINITY, INFINITY);
    r->max = field_number(L, idx, "max", INFINITY, -INFINITY, INFINITY);
  } else {
    luaL_error(L, "%s: expected a number or {min = ..., max = ...}", what);
  }
}

static void read_named_ranges(lua_State *L, int t, const char *key, GHashTable *into)
{
  if (lua_getfield(L, t, key) != LUA_TNIL) {
    luaL_checktype(L, -1, LUA_TTABLE);
    int tbl = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, tbl)) {
      const char *name = luaL_checkstring(L, -2);
      ExpectRange *r = g_new0(ExpectRange, 1);
      char *what = g_strdup_printf("expect.%s.%s", key, name);
      g_hash_table_replace(into, g_strdup(name), r);
      read_range(L, lua_gettop(L), what, r);
      g_free(what);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

/* expect{ violations = 0, availability_min = 0.99, invariants = {...},
 * metrics = {...}, seeds = "all" | "any" } */
static int l_expect(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const keys[] = { "violations", "availability_min", "availability_max",
                                      "invariants", "metrics", "seeds", NULL };
  check_keys(L, 1, "expect{}", keys);
  Expectations *e = &sc->expect;
  e->present = TRUE;
  if (lua_getfield(L, 1, "violations") != LUA_TNIL)
    read_range(L, lua_gettop(L), "expect.violations", &e->violations);
  lua_pop(L, 1);
  double amin = field_number(L, 1, "availability_min", -1, 0, 1);
  double amax = field_number(L, 1, "availability_max", 2, 0, 1);
  if (amin >= 0 || amax <= 1) {
    e->availability.set = TRUE;
    e->availability.min = amin >= 0 ? amin : 0;
    e->availability.max = amax <= 1 ? amax : 1;
  }
  read_named_ranges(L, 1, "invariants", e->invariants);
  read_named_ranges(L, 1, "metrics", e->metrics);
  lua_getfield(L, 1, "seeds");
  const char *seeds = luaL_optstring(L, -1, "all");
  if (strcmp(seeds, "any") != 0 && strcmp(seeds, "all") != 0)
    return luaL_error(L, "expect.seeds must be \"all\" or \"any\"");
  e->any_seed = strcmp(seeds, "any") == 0;
  return 0;
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
      luaL_error(L, "unknown event kind '%s'", lua_tostring(L, idx));
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
          luaL_error(L, "unknown event kind '%s'", lua_tostring(L, -1));
      } else if (strcmp(key, "node") == 0) {
        h->node = check_node(L, lua_gettop(L));
      } else if (strcmp(key, "peer") == 0) {
        h->peer = check_node(L, lua_gettop(L));
      } else if (strcmp(key, "type") == 0) {
        h->type = g_intern_string(luaL_checkstring(L, -1));
      } else if (strcmp(key, "where") == 0) {
        luaL_checktype(L, -1, LUA_TFUNCTION);
        lua_pushvalue(L, -1);
        h->pred_ref = luaL_ref(L, LUA_REGISTRYINDEX);
      } else {
        if (h->nfields == MAX_FILTER_FIELDS)
          luaL_error(L, "an event filter may match at most %d message fields", MAX_FILTER_FIELDS);
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
    from = field_duration(L, 3, "from", from);
    until = field_duration(L, 3, "until", until);
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

/* ---- faults ---- */

static int l_crash(lua_State *L) { sim_crash(lua_api_scenario(L)->sim, check_node(L, 1)); return 0; }
static int l_restart(lua_State *L) { sim_restart(lua_api_scenario(L)->sim, check_node(L, 1)); return 0; }
static int l_resume(lua_State *L) { sim_resume(lua_api_scenario(L)->sim, check_node(L, 1)); return 0; }
static int l_lose_unsynced(lua_State *L) { sim_log_lose_unsynced(lua_api_scenario(L)->sim, check_node(L, 1)); return 0; }
static int l_heal(lua_State *L) { sim_net_heal(lua_api_scenario(L)->sim); return 0; }
static int l_stop(lua_State *L) { sim_stop(lua_api_scenario(L)->sim); return 0; }

typedef struct {
  int node;
  gboolean restart;
} NodeAction;

static void node_action(Sim *sim, void *data)
{
  NodeAction *a = data;
  if (a->restart)
    sim_restart(sim, a->node);
  else
    sim_resume(sim, a->node);
}

static void later(Scenario *sc, SimTime delay, int node, gboolean restart)
{
  NodeAction *a = g_new(NodeAction, 1);
  a->node = node;
  a->restart = restart;
  sim_schedule(sc->sim, sim_now(sc->sim) + delay, node_action, a, g_free);
}

/* crash_restart(node, downtime): crash now, restart after downtime. */
static int l_crash_restart(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  int node = check_node(L, 1);
  SimTime down = lua_api_check_duration(L, 2);
  sim_crash(sc->sim, node);
  later(sc, down, node, TRUE);
  return 0;
}

/* pause(node [, duration]): freeze now; resume after duration if given. */
static int l_pause(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  int node = check_node(L, 1);
  sim_pause(sc->sim, node);
  if (!lua_isnoneornil(L, 2))
    later(sc, lua_api_check_duration(L, 2), node, FALSE);
  return 0;
}

static int l_clock_jump(lua_State *L)
{
  sim_clock_jump(lua_api_scenario(L)->sim, check_node(L, 1), to_duration(L, 2, TRUE));
  return 0;
}

static int l_clock_offset(lua_State *L)
{
  sim_clock_set_offset(lua_api_scenario(L)->sim, check_node(L, 1), to_duration(L, 2, TRUE));
  return 0;
}

static int l_clock_drift(lua_State *L)
{
  int node = check_node(L, 1);
  double ppm = check_finite(L, 2);
  luaL_argcheck(L, ppm >= -500000 && ppm <= 1000000, 2, "drift must be in [-500000, 1000000] ppm");
  sim_clock_set_drift(lua_api_scenario(L)->sim, node, ppm);
  return 0;
}

/* partition({"a", "b"}, {"c"}, ...): cut every link between groups. */
static int l_partition(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  guint n = sim_node_count(sc->sim);
  int groups = lua_gettop(L);
  if (groups < 1)
    return luaL_error(L, "partition() needs at least one group of node names");
  /* In a userdata, so a check that raises leaks nothing. */
  int *group_of = lua_newuserdatauv(L, sizeof(int) * (n ? n : 1), 0);
  for (guint i = 0; i < n; i++)
    group_of[i] = -1;
  for (int g = 1; g <= groups; g++) {
    luaL_checktype(L, g, LUA_TTABLE);
    lua_Integer len = luaL_len(L, g);
    for (lua_Integer i = 1; i <= len; i++) {
      lua_geti(L, g, i);
      int id = check_node(L, lua_gettop(L));
      if (group_of[id] >= 0 && group_of[id] != g)
        return luaL_error(L, "partition(): node '%s' is in two groups", lua_tostring(L, -1));
      group_of[id] = g;
      lua_pop(L, 1);
    }
  }
  sim_net_partition(sc->sim, group_of, n);
  return 0;
}

static int l_cut(lua_State *L)
{
  int a = check_node(L, 1), b = check_node(L, 2);
  sim_net_cut(lua_api_scenario(L)->sim, a, b, lua_toboolean(L, lua_upvalueindex(1)));
  return 0;
}

/* ---- queries ---- */

static int l_now(lua_State *L)
{
  lua_pushnumber(L, sim_time_to_seconds(sim_now(lua_api_scenario(L)->sim)));
  return 1;
}

static int l_state(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  static const char *const names[] = { "up", "crashed", "paused" };
  lua_pushstring(L, names[sim_node_state(sim_node(sc->sim, check_node(L, 1)))]);
  return 1;
}

static int l_clock(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  lua_pushnumber(L, sim_time_to_seconds(sim_node_clock(sim_node(sc->sim, check_node(L, 1)))));
  return 1;
}

static int l_nodes(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  const char *model = luaL_optstring(L, 1, NULL);
  lua_newtable(L);
  lua_Integer k = 0;
  for (guint i = 0; i < sim_node_count(sc->sim); i++) {
    SimNode *node = sim_node(sc->sim, (int) i);
    if (model && !g_str_has_prefix(sim_node_model(node)->name, model))
      continue;
    lua_pushstring(L, sim_node_name(node));
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

static int l_stats(lua_State *L)
{
  const SimStats *s = sim_stats(lua_api_scenario(L)->sim);
  lua_createtable(L, 0, 10);
#define F(name) lua_pushinteger(L, (lua_Integer) s->name); lua_setfield(L, -2, #name);
  F(events) F(sent) F(delivered) F(dropped) F(duplicated) F(invoked) F(ok) F(fail) F(info)
#undef F
  return 1;
}

static int l_violations(lua_State *L)
{
  lua_pushinteger(L, (lua_Integer) sim_violations(lua_api_scenario(L)->sim, luaL_checkstring(L, 1)));
  return 1;
}

/* ---- metrics ---- */

static int l_metric(lua_State *L)
{
  sim_metric_set(lua_api_scenario(L)->sim, luaL_checkstring(L, 1), check_finite(L, 2));
  return 0;
}

static int l_metric_add(lua_State *L)
{
  sim_metric_add(lua_api_scenario(L)->sim, luaL_checkstring(L, 1), lua_isnoneornil(L, 2) ? 1.0 : check_finite(L, 2));
  return 0;
}

static int l_sample(lua_State *L)
{
  sim_metric_sample(lua_api_scenario(L)->sim, luaL_checkstring(L, 1), check_finite(L, 2));
  return 0;
}

static int l_violation(lua_State *L)
{
  sim_violation(lua_api_scenario(L)->sim, luaL_checkstring(L, 1), "%s", luaL_optstring(L, 2, "scenario-reported"));
  return 0;
}

/* ---- rng(name): an independent seeded stream as a userdata ---- */

static int l_rng(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  const char *name = luaL_checkstring(L, 1);
  SimRng *r = lua_newuserdatauv(L, sizeof(SimRng), 0);
  g_autofree char *stream = g_strdup_printf("script:%s", name);
  sim_rng_init(r, sim_seed(sc->sim), stream);
  luaL_setmetatable(L, RNG_META);
  return 1;
}

static int rng_random(lua_State *L)
{
  SimRng *r = luaL_checkudata(L, 1, RNG_META);
  int n = lua_gettop(L) - 1;
  if (n == 0) {
    lua_pushnumber(L, sim_rng_double(r));
    return 1;
  }
  lua_Integer lo = n == 1 ? 1 : luaL_checkinteger(L, 2);
  lua_Integer hi = luaL_checkinteger(L, n == 1 ? 2 : 3);
  luaL_argcheck(L, lo <= hi, 2, "interval is empty");
  lua_pushinteger(L, sim_rng_range(r, lo, hi));
  return 1;
}

static int rng_exponential(lua_State *L)
{
  SimRng *r = luaL_checkudata(L, 1, RNG_META);
  SimTime mean = lua_api_check_duration(L, 2);
  lua_pushnumber(L, sim_rng_exponential(r, sim_time_to_seconds(mean)));
  return 1;
}

static int rng_chance(lua_State *L)
{
  SimRng *r = luaL_checkudata(L, 1, RNG_META);
  lua_pushboolean(L, sim_rng_chance(r, check_finite(L, 2)));
  return 1;
}

static int rng_pick(lua_State *L)
{
  SimRng *r = luaL_checkudata(L, 1, RNG_META);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 2);
  luaL_argcheck(L, n > 0, 2, "empty list");
  lua_geti(L, 2, 1 + (lua_Integer) sim_rng_below(r, (uint64_t) n));
  return 1;
}

static int rng_shuffle(lua_State *L)
{
  SimRng *r = luaL_checkudata(L, 1, RNG_META);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 2);
  for (lua_Integer i = n; i > 1; i--) {
    lua_Integer j = 1 + (lua_Integer) sim_rng_below(r, (uint64_t) i);
    lua_geti(L, 2, i);
    lua_geti(L, 2, j);
    lua_seti(L, 2, i);
    lua_seti(L, 2, j);
  }
  lua_settop(L, 2);
  return 1;
}

/* ---- registration ---- */

extern const char lua_prelude[];

void lua_api_open(Scenario *sc)
{
  lua_State *L = sc->sb->L;
  lua_pushlightuserdata(L, sc);
  lua_setfield(L, LUA_REGISTRYINDEX, SCENARIO_KEY);

  static const luaL_Reg rng_methods[] = {
    { "random", rng_random }, { "exponential", rng_exponential }, { "chance", rng_chance },
    { "pick", rng_pick }, { "shuffle", rng_shuffle }, { NULL, NULL },
  };
  luaL_newmetatable(L, RNG_META);
  luaL_newlib(L, rng_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);

  static const luaL_Reg api[] = {
    { "scenario", l_scenario }, { "duration", l_duration }, { "params", l_params },
    { "network", l_network }, { "link", l_link }, { "node", l_node }, { "clients", l_clients },
    { "workload", l_workload }, { "expect", l_expect }, { "at", l_at }, { "after", l_after },
    { "every", l_every }, { "timeline", l_timeline }, { "invariant", l_invariant },
    { "crash", l_crash }, { "restart", l_restart }, { "crash_restart", l_crash_restart },
    { "pause", l_pause }, { "resume", l_resume }, { "clock_jump", l_clock_jump },
    { "clock_offset", l_clock_offset }, { "clock_drift", l_clock_drift },
    { "partition", l_partition }, { "heal", l_heal }, { "lose_unsynced", l_lose_unsynced },
    { "stop", l_stop }, { "now", l_now }, { "state", l_state }, { "clock", l_clock },
    { "nodes", l_nodes }, { "stats", l_stats }, { "violations", l_violations },
    { "metric", l_metric }, { "metric_add", l_metric_add }, { "sample", l_sample },
    { "violation", l_violation }, { "rng", l_rng }, { "_ns", l_ns },
    { "_check_filter", l_check_filter }, { NULL, NULL },
  };
  lua_pushglobaltable(L);
  luaL_setfuncs(L, api, 0);
  lua_pushboolean(L, 0);
  lua_pushcclosure(L, l_on, 1);
  lua_setfield(L, -2, "on");
  lua_pushboolean(L, 1);
  lua_pushcclosure(L, l_on, 1);
  lua_setfield(L, -2, "once");
  lua_pushboolean(L, 1);
  lua_pushcclosure(L, l_cut, 1);
  lua_setfield(L, -2, "cut");
  lua_pushboolean(L, 0);
  lua_pushcclosure(L, l_cut, 1);
  lua_setfield(L, -2, "restore");
  lua_pop(L, 1);
  sim_add_observer(sc->sim, observe, sc);
  lua_model_open(sc);
}

void lua_api_hooks_free(Scenario *sc)
{
  g_ptr_array_foreach(sc->hooks, (GFunc) (void (*)(void)) hook_free, NULL);
  g_ptr_array_foreach(sc->end_checks, (GFunc) (void (*)(void)) hook_free, NULL);
  g_ptr_array_set_size(sc->hooks, 0);
  g_ptr_array_set_size(sc->end_checks, 0);
}
