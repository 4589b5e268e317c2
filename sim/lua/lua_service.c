/* Scenario API, capacity: the `service = {...}` option of node() and
 * clients{} (a node's service model, sim/kernel/service.h) and the
 * service_stats(node) query. Every key is checked: an unknown one, a bad
 * number or a bad distribution is an error naming it. */
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/kernel/service.h"
#include "sim/lua/lua_api.h"
#include "sim/lua/lua_sandbox.h"
#include <lauxlib.h>
#include <math.h>
#include <string.h>

/* The value at `idx` as a service time: seconds, "2ms" or a distribution
 * ("exp:2ms"); `key` names it in errors ("time", "time.PREPARE"). */
static SimDist read_dist(lua_State *L, int idx, const char *what, const char *key)
{
  GError *error = NULL;
  SimDist d = sim_dist_constant(0);
  if (lua_type(L, idx) == LUA_TNUMBER) {
    SimTime t;
    if (sim_time_from_seconds(lua_tonumber(L, idx), &t, &error))
      return sim_dist_constant(t);
  } else if (lua_type(L, idx) == LUA_TSTRING) {
    if (sim_dist_parse(lua_tostring(L, idx), &d, &error))
      return d;
  } else {
    luaL_error(L, "%s: service: '%s' must be a duration or a distribution such as \"exp:2ms\", not %s", what, key,
               luaL_typename(L, idx));
  }
  lua_pushfstring(L, "%s: service: '%s': %s", what, key, error->message);
  g_error_free(error);
  lua_error(L);
  return d;
}

/* Field `key` of table `t` as an integer in [lo, hi], or `fallback`. */
static lua_Integer read_int(lua_State *L, int t, const char *what, const char *key, lua_Integer fallback,
                           lua_Integer lo, lua_Integer hi)
{
  lua_Integer v = fallback;
  if (lua_getfield(L, t, key) != LUA_TNIL) {
    int ok = 0;
    v = lua_tointegerx(L, -1, &ok);
    if (!ok || lua_type(L, -1) != LUA_TNUMBER || v < lo || v > hi)
      luaL_error(L, "%s: service: '%s' must be an integer in %I..%I", what, key, lo, hi);
  }
  lua_pop(L, 1);
  return v;
}

/* time = { PREPARE = "1ms", default = "exp:200us" }: pushes the sorted
 * keys (which keep the type names alive) and the entries' buffer, and
 * points `spec` at them. The caller restores the stack after use. */
static void read_time_table(lua_State *L, int tt, const char *what, SimServiceSpec *spec)
{
  lua_order_push_keys(L, tt, TRUE);
  int keys = lua_gettop(L);
  lua_Integer n = luaL_len(L, keys);
  SimServiceTypeTime *by_type = lua_newuserdatauv(L, (size_t) (n > 0 ? n : 1) * sizeof *by_type, 0);
  guint count = 0;
  for (lua_Integer k = 1; k <= n; k++) {
    lua_rawgeti(L, keys, k);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "%s: service: 'time' keys must be message types (or 'default'), not %s", what,
                 luaL_typename(L, -1));
    const char *type = lua_api_check_name(L, -1, "message type");
    lua_pushvalue(L, -1);
    lua_rawget(L, tt);
    const char *key = lua_pushfstring(L, "time.%s", type);
    SimDist d = read_dist(L, -2, what, key);
    if (strcmp(type, "default") == 0)
      spec->time = d;
    else
      by_type[count++] = (SimServiceTypeTime) { type, d };
    lua_pop(L, 3);
  }
  spec->by_type = by_type;
  spec->ntypes = count;
}

/* Reads the service table at `t` into `spec`, leaving what it points into
 * on the stack. */
static void read_spec(lua_State *L, int t, const char *what, SimServiceSpec *spec)
{
  if (lua_type(L, t) != LUA_TTABLE)
    luaL_error(L, "%s: service must be a table such as { time = \"exp:2ms\", servers = 1 }, not %s", what,
               luaL_typename(L, t));
  static const char *const keys[] = { "overflow", "queue", "servers", "time", "timers", NULL };
  lua_pushfstring(L, "%s: service", what);
  lua_api_check_keys(L, t, lua_tostring(L, -1), keys);
  lua_pop(L, 1);
  sim_service_spec_init(spec);
  if (lua_getfield(L, t, "overflow") != LUA_TNIL) {
    const char *o = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    if (strcmp(o, "drop") == 0)
      spec->overflow = SIM_OVERFLOW_DROP;
    else if (strcmp(o, "reject") == 0)
      spec->overflow = SIM_OVERFLOW_REJECT;
    else
      luaL_error(L, "%s: service: 'overflow' must be \"drop\" or \"reject\"", what);
  }
  lua_pop(L, 1);
  spec->queue = (guint64) read_int(L, t, what, "queue", 1000, 0, SIM_SERVICE_MAX_QUEUE);
  spec->servers = (guint) read_int(L, t, what, "servers", 1, 1, SIM_SERVICE_MAX_SERVERS);
  int type = lua_getfield(L, t, "time");
  if (type == LUA_TNIL)
    luaL_error(L, "%s: service: 'time' is required: a service time such as \"exp:2ms\", or one per message type "
                  "{ PREPARE = \"1ms\", default = \"exp:200us\" }", what);
  if (type == LUA_TTABLE)
    read_time_table(L, lua_gettop(L), what, spec);
  else
    spec->time = read_dist(L, -1, what, "time");
  type = lua_getfield(L, t, "timers");
  if (type == LUA_TBOOLEAN) {
    spec->timers = lua_toboolean(L, -1);
    spec->timer_time = spec->time;
  } else if (type != LUA_TNIL) {
    spec->timers = TRUE;
    spec->timer_time = read_dist(L, -1, what, "timers");
  }
  lua_pop(L, 1);
}

/* Applies the service table at `t` to node `id`; `what` names the call. */
static void apply(lua_State *L, int id, int t, const char *what)
{
  int top = lua_gettop(L);
  SimServiceSpec spec;
  read_spec(L, t, what, &spec);
  GError *error = NULL;
  if (!sim_node_set_service(lua_api_scenario(L)->sim, id, &spec, &error)) {
    lua_pushfstring(L, "%s: %s", what, error->message);
    g_error_free(error);
    lua_error(L);
  }
  lua_settop(L, top);
}

void lua_node_options(lua_State *L, int id, int opts, int model_idx, const char *what)
{
  gboolean has_opts = !lua_isnoneornil(L, opts);
  if (has_opts && lua_type(L, opts) != LUA_TTABLE)
    luaL_error(L, "%s: options must be a table such as { service = {...}, retry = {...} }", what);
  if (has_opts) {
    static const char *const keys[] = { "retry", "service", NULL };
    lua_api_check_keys(L, opts, what, keys);
  }
  int top = lua_gettop(L);
  if (has_opts) {
    lua_getfield(L, opts, "service");
    lua_getfield(L, opts, "retry");
  } else {
    lua_pushnil(L);
    lua_pushnil(L);
  }
  lua_node_apply(L, id, top + 1, top + 2, model_idx, what);
  lua_settop(L, top);
}

void lua_node_apply(lua_State *L, int id, int service, int retry, int model_idx, const char *what)
{
  /* The node's own option wins over its model's: a model{} gives every
   * node of it that service (or retry policy) unless the node says
   * otherwise. */
  int top = lua_gettop(L);
  if (!lua_isnil(L, service))
    apply(L, id, service, what);
  else if (lua_model_push_option(L, model_idx, "service"))
    apply(L, id, lua_gettop(L), "model{}");
  lua_settop(L, top);
  if (!lua_isnil(L, retry))
    lua_retry_apply(L, id, retry, what);
  else if (lua_model_push_option(L, model_idx, "retry"))
    lua_retry_apply(L, id, lua_gettop(L), "model{}");
  lua_settop(L, top);
}

void lua_service_check(lua_State *L, int t, const char *what)
{
  int top = lua_gettop(L);
  SimServiceSpec spec;
  read_spec(L, lua_absindex(L, t), what, &spec);
  lua_settop(L, top);
}

static void set_number(lua_State *L, const char *key, double v)
{
  if (isnan(v))
    return; /* nil: nothing measured */
  lua_pushnumber(L, v);
  lua_setfield(L, -2, key);
}

static void set_count(lua_State *L, const char *key, guint64 v)
{
  lua_pushinteger(L, (lua_Integer) v);
  lua_setfield(L, -2, key);
}

/* service_stats(node) → a table of the node's service figures (see
 * SimServiceStats; percentiles of wait and response in ms), or nil when it
 * has no service model. */
static int l_service_stats(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  int id = lua_api_check_node(L, 1);
  SimServiceStats st;
  if (!sim_node_service_stats(sc->sim, id, sim_now(sc->sim), &st)) {
    lua_pushnil(L);
    return 1;
  }
  lua_createtable(L, 0, 24);
  set_count(L, "servers", st.servers);
  set_count(L, "queue_capacity", st.queue_capacity);
  set_count(L, "arrivals", st.arrivals);
  set_count(L, "completions", st.completions);
  set_count(L, "overload_drops", st.overload_drops);
  set_count(L, "rejected", st.rejected);
  set_count(L, "abandoned", st.abandoned);
  set_count(L, "in_system", st.in_system);
  set_count(L, "queue_p99", st.queue_p99);
  set_count(L, "queue_max", st.queue_max);
  set_number(L, "observed_s", st.observed_s);
  set_number(L, "utilization", st.utilization);
  set_number(L, "queue_mean", st.queue_mean);
  set_number(L, "system_mean", st.system_mean);
  set_number(L, "arrival_rate", st.arrival_rate);
  set_number(L, "wait_mean_ms", st.wait_mean_ms);
  set_number(L, "response_mean_ms", st.response_mean_ms);
  set_number(L, "wait_p50_ms", sim_histogram_quantile(st.wait_ms, 0.5));
  set_number(L, "wait_p99_ms", sim_histogram_quantile(st.wait_ms, 0.99));
  set_number(L, "response_p50_ms", sim_histogram_quantile(st.response_ms, 0.5));
  set_number(L, "response_p99_ms", sim_histogram_quantile(st.response_ms, 0.99));
  set_number(L, "response_max_ms", sim_histogram_max(st.response_ms));
  return 1;
}

void lua_service_open(lua_State *L)
{
  lua_register(L, "service_stats", l_service_stats);
}
