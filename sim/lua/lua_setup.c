/* Scenario API, setting up: scenario{}, duration, params{}, network{},
 * link, node, clients{}, workload and expect{}. */
#include "models/registry.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/lua/lua_api.h"
#include "sim/lua/lua_sandbox.h"
#include <lauxlib.h>
#include <math.h>
#include <string.h>

/* ---- setup ---- */

static int l_scenario(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const keys[] = { "name", "description", "duration", "seeds", NULL };
  lua_api_check_keys(L, 1, "scenario{}", keys);
  if (lua_getfield(L, 1, "name") != LUA_TNIL) {
    g_free(sc->name);
    sc->name = g_strdup(lua_api_check_name(L, -1, "scenario name"));
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "description") != LUA_TNIL) {
    g_free(sc->description);
    sc->description = g_strdup(lua_api_check_text(L, lua_gettop(L)));
  }
  lua_pop(L, 1);
  sc->duration = lua_api_field_duration(L, 1, "duration", sc->duration);
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
  lua_settop(L, 1); /* the result goes at 2, whatever else was passed */
  /* Keys are checked before the sorted walk below, which would name pairs()
   * for a key it cannot order. */
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      return luaL_error(L, "params{}: keys must be names");
  }
  lua_newtable(L); /* result at 2 */
  lua_pushcfunction(L, lua_order_pairs);
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
    const char *key = lua_api_check_name(L, -2, "parameter name");
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
        if (!g_utf8_validate(override, -1, NULL))
          return luaL_error(L, "--set %s=...: the value is not valid UTF-8", key);
        lua_pushstring(L, override);
      } else {
        return luaL_error(L, "params{}: '%s' has a %s default; use a number, string or boolean", key,
                          lua_typename(L, type));
      }
    } else if (lua_type(L, -1) != LUA_TBOOLEAN && lua_type(L, -1) != LUA_TNUMBER && lua_type(L, -1) != LUA_TSTRING) {
      return luaL_error(L, "params{}: '%s' has a %s default; use a number, string or boolean", key,
                        luaL_typename(L, -1));
    } else if (lua_type(L, -1) == LUA_TSTRING) {
      lua_api_check_name(L, -1, "parameter value");
    }
    g_hash_table_replace(sc->params, g_strdup(key), g_strdup(luaL_tolstring(L, -1, NULL)));
    lua_pop(L, 1);
    lua_setfield(L, 2, key); /* pops value; key stays for the iterator */
    lua_pop(L, 1);
  }
  lua_pop(L, 1); /* iterator */
  return 1;
}

/* Reads a rate or size option `key` of the link table at `t`: false means
 * none (0); a number or a string goes through `parse`. */
static uint64_t read_capacity(lua_State *L, int t, const char *key, const char *what, uint64_t fallback,
                              gboolean (*parse)(const char *, uint64_t *, GError **))
{
  uint64_t v = fallback;
  int type = lua_getfield(L, t, key);
  if (type == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
    v = 0;
  } else if (type == LUA_TSTRING || type == LUA_TNUMBER) {
    GError *error = NULL;
    if (!parse(lua_tostring(L, -1), &v, &error)) {
      lua_pushfstring(L, "%s: %s: %s", what, key, error->message);
      g_error_free(error);
      lua_error(L);
    }
  } else if (type != LUA_TNIL) {
    luaL_error(L, "%s: %s must be a string like %s, a number or false, not %s", what, key,
               parse == sim_bandwidth_parse ? "\"100Mbit\"" : "\"64kB\"", luaL_typename(L, -1));
  }
  lua_pop(L, 1);
  return v;
}

/* Reads link options from the table at `t` into `link`; `what` names the
 * call in error messages ("network{}" or "link()"). */
static void read_link(lua_State *L, int t, SimLinkConfig *link, const char *what)
{
  static const char *const keys[] = { "latency", "loss", "duplicate", "fifo", "bandwidth", "queue", NULL };
  lua_api_check_keys(L, t, what, keys);
  if (lua_getfield(L, t, "latency") != LUA_TNIL) {
    if (lua_type(L, -1) == LUA_TNUMBER) {
      link->latency = sim_dist_constant(lua_api_check_duration(L, -1 + lua_gettop(L) + 1));
    } else {
      GError *error = NULL;
      if (!sim_dist_parse(luaL_checkstring(L, -1), &link->latency, &error)) {
        lua_pushfstring(L, "%s: latency: %s", what, error->message);
        g_error_free(error);
        lua_error(L);
      }
    }
  }
  lua_pop(L, 1);
  link->loss = lua_api_field_number(L, t, "loss", link->loss, 0, 1);
  link->duplicate = lua_api_field_number(L, t, "duplicate", link->duplicate, 0, 1);
  if (lua_getfield(L, t, "fifo") != LUA_TNIL)
    link->fifo = lua_toboolean(L, -1);
  lua_pop(L, 1);
  link->bandwidth = read_capacity(L, t, "bandwidth", what, link->bandwidth, sim_bandwidth_parse);
  gboolean queue_given = lua_getfield(L, t, "queue") != LUA_TNIL;
  lua_pop(L, 1);
  link->queue = read_capacity(L, t, "queue", what, link->queue, sim_bytes_parse);
  if (!link->bandwidth) {
    /* A link without a bandwidth has no backlog to bound; taking the
     * bandwidth away takes its queue limit with it. */
    if (link->queue && queue_given)
      luaL_error(L, "%s: queue needs a bandwidth on the same link", what);
    link->queue = 0;
  }
}

static int l_network(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  read_link(L, 1, sim_net_default(lua_api_scenario(L)->sim), "network{}");
  return 0;
}

static int l_link(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  int a = lua_api_check_node(L, 1), b = lua_api_check_node(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  if (!lua_isnoneornil(L, 4) && strcmp(luaL_checkstring(L, 4), "oneway") != 0)
    return luaL_argerror(L, 4, "expected \"oneway\" or nothing");
  /* both directions unless told "oneway" */
  Fault f = { .kind = FAULT_LINK, .node = a, .peer = b, .oneway = !lua_isnoneornil(L, 4) };
  f.link[0] = *sim_net_link(sc->sim, a, b);
  read_link(L, 3, &f.link[0], "link()");
  if (!f.oneway) {
    f.link[1] = *sim_net_link(sc->sim, b, a);
    read_link(L, 3, &f.link[1], "link()");
  }
  /* A change once the run is going is a fault (a loss burst): recorded for
   * shrink, left out while a recorded schedule replays. */
  if (sc->running)
    fault_log_apply(sc->faults, sc->sim, &f, sc->observe_depth > 0);
  else
    fault_apply(sc->sim, &f);
  return 0;
}


/* link_stats(a, b) → what the directed link a → b has carried with a
 * bandwidth so far: { messages=, bytes=, dropped= (refused, link full),
 * busy= (seconds serializing), backlog= (seconds of serialization still
 * queued now) }; all zero for a link that never had a bandwidth. */
static int l_link_stats(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  int a = lua_api_check_node(L, 1), b = lua_api_check_node(L, 2);
  SimLinkLoad load;
  sim_net_link_load(sc->sim, a, b, &load);
  SimTime now = sim_now(sc->sim);
  lua_createtable(L, 0, 5);
  lua_pushinteger(L, (lua_Integer) load.messages);
  lua_setfield(L, -2, "messages");
  lua_pushinteger(L, (lua_Integer) load.bytes);
  lua_setfield(L, -2, "bytes");
  lua_pushinteger(L, (lua_Integer) load.full);
  lua_setfield(L, -2, "dropped");
  lua_pushnumber(L, sim_time_to_seconds(sim_link_busy(&load, now)));
  lua_setfield(L, -2, "busy");
  lua_pushnumber(L, sim_time_to_seconds(sim_link_backlog(&load, now)));
  lua_setfield(L, -2, "backlog");
  return 1;
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
    return g_strdup(lua_api_check_name(L, idx, "parameter value"));
  case LUA_TTABLE: {
    GString *s = g_string_new(NULL);
    lua_Integer n = luaL_len(L, idx);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, idx, i);
      if (lua_type(L, -1) != LUA_TSTRING) {
        g_string_free(s, TRUE);
        luaL_error(L, "parameter '%s': a list must hold node names", key);
      }
      size_t len;
      const char *item = lua_tolstring(L, -1, &len);
      if (!g_utf8_validate_len(item, len, NULL)) {
        g_string_free(s, TRUE);
        lua_api_valid_name(L, item, len, "node name");
      }
      g_string_append_printf(s, "%s%s", i > 1 ? "," : "", item);
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
 * a registered model's name. `what` names the call in error messages
 * ("node()" or "clients{}"). */
static int add_node(lua_State *L, const char *what, const char *name, int model_idx, int params_idx)
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
    lua_pushfstring(L, "%s: unknown model '%s' (known: %s)", what, model_name, known->str);
    g_string_free(known, TRUE);
    return lua_error(L);
  }
  lua_api_valid_name(L, name, strlen(name), "node name");
  if (!*name || strchr(name, ',') || strlen(name) > 64)
    return luaL_error(L, "%s: node name '%s' must be 1..64 characters without commas", what, name);
  g_autoptr(GHashTable) params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  if (params_idx && !lua_isnoneornil(L, params_idx)) {
    luaL_checktype(L, params_idx, LUA_TTABLE);
    /* In sorted order, so the error named is the same in every process. */
    lua_order_push_keys(L, params_idx, TRUE);
    int keys = lua_gettop(L);
    for (lua_Integer k = 1; lua_rawgeti(L, keys, k) != LUA_TNIL; k++) {
      if (lua_type(L, -1) != LUA_TSTRING)
        return luaL_error(L, "node '%s': parameter names must be strings", name);
      const char *key = lua_api_check_name(L, -1, "parameter name");
      lua_pushvalue(L, -1);
      lua_rawget(L, params_idx);
      g_hash_table_replace(params, g_strdup(key), param_text(L, lua_gettop(L), key));
      lua_pop(L, 2);
    }
    lua_pop(L, 2); /* the nil that ended the loop, and the keys */
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
  const char *name = lua_api_check_name(L, 1, "node name");
  int id = add_node(L, "node()", name, 2, 3);
  lua_node_options(L, id, 4, 2, "node()");
  lua_pushvalue(L, 1);
  return 1;
}

static void read_workload(lua_State *L, int t, WorkloadSpec *spec, SimTime duration)
{
  static const char *const keys[] = { "mode", "rate", "think", "timeout", "ops", "keys",
                                      "cas_values", "start", "stop", "retry", NULL };
  lua_api_check_keys(L, t, "workload{}", keys);
  memset(spec, 0, sizeof *spec);
  lua_getfield(L, t, "mode");
  const char *mode = luaL_optstring(L, -1, "closed");
  if (strcmp(mode, "open") == 0)
    spec->open_loop = TRUE;
  else if (strcmp(mode, "closed") != 0)
    luaL_error(L, "workload mode must be \"closed\" or \"open\", not '%s'", mode);
  lua_pop(L, 1);
  spec->rate = lua_api_field_number(L, t, "rate", 10, 1e-9, 1e9);
  spec->think = lua_api_field_duration(L, t, "think", 10 * SIM_MS);
  spec->timeout = lua_api_field_duration(L, t, "timeout", 1 * SIM_S);
  spec->start = lua_api_field_duration(L, t, "start", 0);
  spec->stop = lua_api_field_duration(L, t, "stop", duration);
  spec->keys = (int64_t) lua_api_field_number(L, t, "keys", 0, 0, 1e9);
  spec->cas_values = (int64_t) lua_api_field_number(L, t, "cas_values", 5, 1, 1e9);
  spec->ops = g_array_new(FALSE, FALSE, sizeof(WorkloadOp));
  if (lua_getfield(L, t, "ops") == LUA_TTABLE) {
    int ops = lua_gettop(L);
    lua_Integer n = luaL_len(L, ops);
    if (n > 0) {
      for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, ops, i);
        WorkloadOp op = { g_strdup(lua_api_check_name(L, -1, "operation name")), 1.0 };
        g_array_append_val(spec->ops, op);
        lua_pop(L, 1);
      }
    } else {
      lua_pushcfunction(L, lua_order_pairs);
      lua_pushvalue(L, ops);
      lua_call(L, 1, 1);
      for (;;) {
        lua_pushvalue(L, -1);
        lua_call(L, 0, 2);
        if (lua_isnil(L, -2)) {
          lua_pop(L, 2);
          break;
        }
        WorkloadOp op = { g_strdup(lua_api_check_name(L, -2, "operation name")), lua_tonumber(L, -1) };
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
  /* A workload's retry policy is its client's (sim/kernel/retry.h). */
  if (lua_getfield(L, t, "retry") != LUA_TNIL)
    lua_retry_apply(L, node, lua_gettop(L), "workload{}");
  lua_pop(L, 1);
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
  int node = lua_api_check_node(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  attach_workload(L, node, 2);
  return 0;
}

/* clients{ count = N, model = M, prefix = "client", params = {...},
 * workload = {...} } → the list of client names. */
static int l_clients(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const keys[] = { "count", "model", "prefix", "params", "retry", "service", "workload", NULL };
  lua_api_check_keys(L, 1, "clients{}", keys);
  lua_Integer count = (lua_Integer) lua_api_field_number(L, 1, "count", 1, 1, 100000);
  lua_getfield(L, 1, "model");
  int model = lua_gettop(L);
  if (!lua_model_test(L, model))
    luaL_checkstring(L, model);
  lua_getfield(L, 1, "prefix");
  const char *prefix = lua_isnil(L, -1) ? "client" : lua_api_check_name(L, -1, "client prefix");
  lua_getfield(L, 1, "params");
  int params = lua_gettop(L);
  lua_getfield(L, 1, "service");
  int service = lua_gettop(L);
  lua_getfield(L, 1, "workload");
  int workload = lua_gettop(L);
  lua_getfield(L, 1, "retry");
  int retry = lua_gettop(L);
  lua_newtable(L);
  int result = lua_gettop(L);
  for (lua_Integer i = 1; i <= count; i++) {
    char *name = g_strdup_printf("%s%lld", prefix, (long long) i);
    lua_pushstring(L, name);
    g_free(name);
    int id = add_node(L, "clients{}", lua_tostring(L, -1), model, lua_isnil(L, params) ? 0 : params);
    lua_node_apply(L, id, service, retry, model, "clients{}");
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
    lua_api_check_keys(L, idx, what, keys);
    r->min = lua_api_field_number(L, idx, "min", -INFINITY, -INFINITY, INFINITY);
    r->max = lua_api_field_number(L, idx, "max", INFINITY, -INFINITY, INFINITY);
  } else {
    luaL_error(L, "%s: expected a number or {min = ..., max = ...}", what);
  }
}

static void read_named_ranges(lua_State *L, int t, const char *key, GHashTable *into)
{
  if (lua_getfield(L, t, key) != LUA_TNIL) {
    luaL_checktype(L, -1, LUA_TTABLE);
    int tbl = lua_gettop(L);
    lua_order_push_keys(L, tbl, TRUE); /* sorted: the same error in every process */
    int keys = lua_gettop(L);
    for (lua_Integer k = 1; lua_rawgeti(L, keys, k) != LUA_TNIL; k++) {
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "expect.%s: names must be strings, not %s", key, luaL_typename(L, -1));
      const char *name = lua_api_check_name(L, -1, key[0] == 'i' ? "invariant name" : "metric name");
      lua_pushvalue(L, -1);
      lua_rawget(L, tbl);
      ExpectRange *r = g_new0(ExpectRange, 1);
      g_hash_table_replace(into, g_strdup(name), r);
      const char *what = lua_pushfstring(L, "expect.%s.%s", key, name);
      read_range(L, lua_gettop(L) - 1, what, r);
      lua_pop(L, 3);
    }
    lua_pop(L, 2); /* the nil that ended the loop, and the keys */
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
  lua_api_check_keys(L, 1, "expect{}", keys);
  Expectations *e = &sc->expect;
  e->present = TRUE;
  if (lua_getfield(L, 1, "violations") != LUA_TNIL)
    read_range(L, lua_gettop(L), "expect.violations", &e->violations);
  lua_pop(L, 1);
  double amin = lua_api_field_number(L, 1, "availability_min", -1, 0, 1);
  double amax = lua_api_field_number(L, 1, "availability_max", 2, 0, 1);
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

/* ---- registration ---- */

void lua_setup_open(lua_State *L)
{
  static const luaL_Reg funcs[] = {
    { "scenario", l_scenario }, { "duration", l_duration }, { "params", l_params },
    { "network", l_network }, { "link", l_link }, { "link_stats", l_link_stats }, { "node", l_node },
    { "clients", l_clients }, { "workload", l_workload }, { "expect", l_expect }, { NULL, NULL },
  };
  lua_pushglobaltable(L);
  luaL_setfuncs(L, funcs, 0);
  lua_pop(L, 1);
}
