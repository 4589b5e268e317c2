/* Scenario API, client retries: the `retry = {...}` option of node(),
 * clients{} and a workload spec (a client's retry policy,
 * sim/kernel/retry.h), and the client_stats(node) query. Every key is
 * checked: an unknown one or a bad value is an error naming it
 * ("node(): retry: 'backoff': ..."). */
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/kernel/retry.h"
#include "sim/lua/lua_api.h"
#include <lauxlib.h>
#include <math.h>
#include <string.h>

/* Raises "WHAT: retry: 'KEY' MESSAGE". */
static G_NORETURN void bad(lua_State *L, const char *what, const char *key, const char *message)
{
  luaL_error(L, "%s: retry: '%s' %s", what, key, message);
  g_assert_not_reached();
}

/* The backoff at `idx`: "exp:10ms,2,1s", a duration ("50ms", seconds) or 0. */
static void read_backoff(lua_State *L, int idx, const char *what, SimRetryPolicy *p)
{
  GError *error = NULL;
  if (lua_type(L, idx) == LUA_TNUMBER) {
    SimTime t;
    if (sim_time_from_seconds(lua_tonumber(L, idx), &t, &error)) {
      p->base = p->cap = t;
      p->factor = 1.0;
      return;
    }
  } else if (lua_type(L, idx) == LUA_TSTRING) {
    if (sim_retry_parse_backoff(lua_tostring(L, idx), p, &error))
      return;
  } else {
    bad(L, what, "backoff", lua_pushfstring(L, "must be \"exp:BASE,FACTOR,CAP\" (such as \"exp:10ms,2,1s\"), a "
                                               "duration or 0, not %s", luaL_typename(L, idx)));
  }
  lua_pushfstring(L, "%s: retry: 'backoff': %s", what, error->message);
  g_error_free(error);
  lua_error(L);
}

static void read_jitter(lua_State *L, int idx, const char *what, SimRetryPolicy *p)
{
  if (lua_type(L, idx) == LUA_TBOOLEAN) {
    p->jitter = lua_toboolean(L, idx) ? SIM_JITTER_FULL : SIM_JITTER_NONE;
    return;
  }
  const char *j = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : "";
  if (strcmp(j, "full") == 0)
    p->jitter = SIM_JITTER_FULL;
  else if (strcmp(j, "equal") == 0)
    p->jitter = SIM_JITTER_EQUAL;
  else
    bad(L, what, "jitter", "must be false, true, \"full\" or \"equal\"");
}

/* An integer field in [lo, hi]; `key` names it in errors. */
static lua_Integer read_int(lua_State *L, int idx, const char *what, const char *key, lua_Integer lo, lua_Integer hi)
{
  int ok = 0;
  lua_Integer v = lua_tointegerx(L, idx, &ok);
  if (!ok || lua_type(L, idx) != LUA_TNUMBER || v < lo || v > hi)
    bad(L, what, key, lua_pushfstring(L, "must be an integer in %I..%I", lo, hi));
  return v;
}

static void read_budget(lua_State *L, int t, const char *what, SimRetryPolicy *p)
{
  if (lua_type(L, t) != LUA_TTABLE)
    bad(L, what, "budget", lua_pushfstring(L, "must be a table such as { ratio = 0.1, burst = 10 }, not %s",
                                            luaL_typename(L, t)));
  static const char *const keys[] = { "burst", "ratio", NULL };
  lua_pushfstring(L, "%s: retry: 'budget'", what);
  lua_api_check_keys(L, t, lua_tostring(L, -1), keys);
  lua_pop(L, 1);
  p->budget = TRUE;
  if (lua_getfield(L, t, "ratio") != LUA_TNIL) {
    double r = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : NAN;
    if (!(r >= 0 && r <= SIM_RETRY_MAX_RATIO))
      bad(L, what, "budget.ratio", lua_pushfstring(L, "must be a number in [0, %d]", (int) SIM_RETRY_MAX_RATIO));
    /* Thousandths of a token, as gRPC's throttle counts milli-tokens. */
    p->ratio_milli = (guint32) lround(r * 1000.0);
  }
  lua_pop(L, 1);
  if (lua_getfield(L, t, "burst") != LUA_TNIL)
    p->burst = (guint32) read_int(L, -1, what, "budget.burst", 0, SIM_RETRY_MAX_BURST);
  lua_pop(L, 1);
}

/* Reads the retry table at `t` into `p`; `what` names the call. */
static void read_policy(lua_State *L, int t, const char *what, SimRetryPolicy *p)
{
  if (lua_type(L, t) != LUA_TTABLE)
    luaL_error(L, "%s: retry must be a table such as { max = 3, backoff = \"exp:10ms,2,1s\", jitter = true }, "
                  "not %s", what, luaL_typename(L, t));
  static const char *const keys[] = { "backoff", "budget", "jitter", "max", "on_fail", NULL };
  lua_pushfstring(L, "%s: retry", what);
  lua_api_check_keys(L, t, lua_tostring(L, -1), keys);
  lua_pop(L, 1);
  sim_retry_policy_init(p);
  if (lua_getfield(L, t, "max") != LUA_TNIL)
    p->max = (guint) read_int(L, -1, what, "max", 0, SIM_RETRY_MAX);
  lua_pop(L, 1);
  if (lua_getfield(L, t, "backoff") != LUA_TNIL)
    read_backoff(L, lua_gettop(L), what, p);
  lua_pop(L, 1);
  if (lua_getfield(L, t, "jitter") != LUA_TNIL)
    read_jitter(L, lua_gettop(L), what, p);
  lua_pop(L, 1);
  int type = lua_getfield(L, t, "on_fail");
  if (type == LUA_TBOOLEAN)
    p->on_fail = lua_toboolean(L, -1);
  else if (type != LUA_TNIL)
    bad(L, what, "on_fail", "must be true or false");
  lua_pop(L, 1);
  if (lua_getfield(L, t, "budget") != LUA_TNIL)
    read_budget(L, lua_gettop(L), what, p);
  lua_pop(L, 1);
}

void lua_retry_check(lua_State *L, int t, const char *what)
{
  SimRetryPolicy p;
  read_policy(L, lua_absindex(L, t), what, &p);
}

void lua_retry_apply(lua_State *L, int id, int t, const char *what)
{
  SimRetryPolicy p;
  t = lua_absindex(L, t);
  read_policy(L, t, what, &p);
  GError *error = NULL;
  if (!sim_node_set_retry(lua_api_scenario(L)->sim, id, &p, &error)) {
    lua_pushfstring(L, "%s: %s", what, error->message);
    g_error_free(error);
    lua_error(L);
  }
}

static void set_count(lua_State *L, const char *key, guint64 v)
{
  lua_pushinteger(L, (lua_Integer) v);
  lua_setfield(L, -2, key);
}

static void set_number(lua_State *L, const char *key, double v)
{
  lua_pushnumber(L, v);
  lua_setfield(L, -2, key);
}

/* client_stats(node) → { ops, attempts, retries, retries_denied, ok, fail,
 * info, offered_per_s, goodput_per_s } as of now; all zero for a node that
 * invoked nothing. */
static int l_client_stats(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  int id = lua_api_check_node(L, 1);
  SimClientStats st;
  sim_node_client_stats(sc->sim, id, sim_now(sc->sim), &st);
  lua_createtable(L, 0, 9);
  set_count(L, "ops", st.ops);
  set_count(L, "attempts", st.attempts);
  set_count(L, "retries", st.retries);
  set_count(L, "retries_denied", st.retries_denied);
  set_count(L, "ok", st.ok);
  set_count(L, "fail", st.fail);
  set_count(L, "info", st.info);
  set_number(L, "offered_per_s", st.offered_per_s);
  set_number(L, "goodput_per_s", st.goodput_per_s);
  return 1;
}

void lua_retry_open(lua_State *L)
{
  lua_register(L, "client_stats", l_client_stats);
}
