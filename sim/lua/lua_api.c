/* The scenario API's shared part: finding the scenario from a Lua state
 * (and refusing once scenario_free has begun, so a finalizer run by
 * lua_close never reaches the freed Sim), checking arguments (durations,
 * node names, numbers, table keys in sorted order, names as UTF-8), and
 * opening every part of the API in a new sandbox. The functions themselves
 * live in lua_setup.c (topology, workload, expectations), lua_events.c
 * (hooks, timers, timelines, invariants) and lua_faults.c (faults, queries,
 * metrics, random streams); the reference is the README's "Writing
 * scenarios" section. */
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/lua/lua_api.h"
#include "sim/lua/explore.h"
#include "sim/lua/scenario_analytic.h"
#include <lauxlib.h>
#include <math.h>
#include <string.h>

/* The registry key of the Scenario (a light userdata): an address, not a
 * string, so the lookup every API call makes hashes no text (Lua models
 * call this on every send). */
static const char scenario_key = 0;

Scenario *lua_api_scenario(lua_State *L)
{
  lua_rawgetp(L, LUA_REGISTRYINDEX, &scenario_key);
  Scenario *sc = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!sc)
    luaL_error(L, "the simulation is over: the scenario API cannot be used any more");
  return sc;
}

void lua_api_close(Scenario *sc)
{
  if (!sc->sb)
    return;
  lua_pushnil(sc->sb->L);
  lua_rawsetp(sc->sb->L, LUA_REGISTRYINDEX, &scenario_key);
  lua_model_close(sc);
  sc->sb->now = NULL;
}

/* ---- argument helpers ---- */

SimTime lua_api_to_duration(lua_State *L, int idx, gboolean allow_negative)
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

SimTime lua_api_check_duration(lua_State *L, int idx) { return lua_api_to_duration(L, idx, FALSE); }

int lua_api_check_node(lua_State *L, int idx)
{
  Scenario *sc = lua_api_scenario(L);
  const char *name = luaL_checkstring(L, idx);
  int id = sim_node_find(sc->sim, name);
  if (id < 0)
    return luaL_argerror(L, idx, lua_pushfstring(L, "unknown node '%s'", name));
  return id;
}

double lua_api_check_finite(lua_State *L, int idx)
{
  double v = luaL_checknumber(L, idx);
  if (!isfinite(v))
    luaL_argerror(L, idx, "finite number expected");
  return v;
}

double lua_api_field_number(lua_State *L, int t, const char *key, double fallback, double lo, double hi)
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

SimTime lua_api_field_duration(lua_State *L, int t, const char *key, SimTime fallback)
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

/* Rejects keys a table should not have, so a typo is an error, not a
 * no-op. Keys are checked in sorted order, so the one named is the same
 * in every process. */
void lua_api_check_keys(lua_State *L, int t, const char *what, const char *const *allowed)
{
  lua_order_push_keys(L, t, TRUE);
  int keys = lua_gettop(L);
  for (lua_Integer k = 1; lua_rawgeti(L, keys, k) != LUA_TNIL; k++) {
    gboolean ok = FALSE;
    if (lua_type(L, -1) == LUA_TSTRING)
      for (int i = 0; allowed[i] && !ok; i++)
        ok = strcmp(lua_tostring(L, -1), allowed[i]) == 0;
    if (!ok) {
      GString *list = g_string_new(NULL);
      for (int i = 0; allowed[i]; i++)
        g_string_append_printf(list, "%s%s", i ? ", " : "", allowed[i]);
      /* A key that is not a string or number is shown by its type: even
       * its deterministic name ("table: 3") says nothing to the reader. */
      int key_type = lua_type(L, -1);
      if (key_type == LUA_TSTRING || key_type == LUA_TNUMBER)
        lua_pushfstring(L, "%s: unknown key '%s' (expected one of: %s)", what,
                        lua_identity_tostring(L, -1, NULL), list->str);
      else
        lua_pushfstring(L, "%s: unknown key of type %s (expected one of: %s)", what,
                        luaL_typename(L, -1), list->str);
      g_string_free(list, TRUE);
      lua_error(L);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
}

/* ---- names and text ---- */

/* Names end up in traces, histories and JSON, whose readers (faultsim's
 * own among them) reject invalid UTF-8; a NUL byte would cut them short. */
void lua_api_valid_name(lua_State *L, const char *name, size_t len, const char *what)
{
  if (g_utf8_validate_len(name, len, NULL))
    return;
  char *shown = g_utf8_make_valid(name, (gssize) len);
  lua_pushfstring(L, "%s '%s' is not valid UTF-8 (or holds a NUL byte)", what, shown);
  g_free(shown);
  lua_error(L);
}

const char *lua_api_check_name(lua_State *L, int idx, const char *what)
{
  size_t len;
  const char *name = luaL_checklstring(L, idx, &len);
  lua_api_valid_name(L, name, len, what);
  return name;
}

char *lua_api_valid_text(const char *text, size_t len)
{
  return g_utf8_validate_len(text, len, NULL) ? g_strndup(text, len) : g_utf8_make_valid(text, (gssize) len);
}

const char *lua_api_check_text(lua_State *L, int idx)
{
  size_t len;
  const char *text = luaL_checklstring(L, idx, &len);
  if (g_utf8_validate_len(text, len, NULL))
    return text;
  char *valid = lua_api_valid_text(text, len);
  lua_pushstring(L, valid);
  g_free(valid);
  lua_replace(L, idx);
  return lua_tostring(L, idx);
}

/* ---- registration ---- */

void lua_api_open(Scenario *sc)
{
  lua_State *L = sc->sb->L;
  lua_pushlightuserdata(L, sc);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &scenario_key);
  lua_setup_open(L);
  lua_events_open(sc);
  lua_faults_open(L);
  lua_service_open(L);
  lua_retry_open(L);
  lua_analytic_open(L);
  lua_model_open(sc);
  lua_explore_open(sc);
  lua_sandbox_seal(sc->sb);
}
