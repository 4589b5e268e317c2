/* Scenario API, analytic{}: a scenario declares the value a formula
 * predicts for a measure (availability or one of its metrics) as a
 * function of its parameters,
 *
 *   analytic{ availability = function(p) return (1 - p.down) ^ 4 end }
 *
 * so that a sweep can set each measured point beside its formula and
 * `faultsim plot curve` can draw the formula's curve. The functions are
 * only stored while the script runs; nothing calls them during a run, so
 * they cannot change one. */
#include "sim/lua/scenario_analytic.h"
#include "sim/kernel/errors.h"
#include "sim/lua/lua_api.h"
#include <lauxlib.h>
#include <math.h>
#include <string.h>

/* Registry field holding the declared functions: measure name → function. */
#define ANALYTIC_KEY "faultsim.analytic"

/* analytic{ NAME = function(p) ... end, ... }: every key a name, every
 * value a function; may be called once per scenario. */
static int l_analytic(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  if (lua_getfield(L, LUA_REGISTRYINDEX, ANALYTIC_KEY) != LUA_TNIL)
    return luaL_error(L, "analytic{}: given twice; declare every formula in one analytic{}");
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING)
      return luaL_error(L, "analytic{}: keys must be measure names (availability or a metric's name)");
    const char *name = lua_api_check_name(L, -2, "analytic{} measure");
    if (lua_type(L, -1) != LUA_TFUNCTION)
      return luaL_error(L, "analytic{}: '%s' must be a function of the parameters, not %s", name,
                        luaL_typename(L, -1));
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_settable(L, 2); /* copies key → function; the key stays for lua_next */
  }
  lua_setfield(L, LUA_REGISTRYINDEX, ANALYTIC_KEY);
  return 0;
}

void lua_analytic_open(lua_State *L)
{
  lua_register(L, "analytic", l_analytic);
}

/* Pushes `text` as the value a formula sees: a boolean for "true" and
 * "false", an integer or a number when all of it reads as one, else the
 * string. */
static void push_param(lua_State *L, const char *text)
{
  char *end = NULL;
  if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
    lua_pushboolean(L, text[0] == 't');
    return;
  }
  gint64 i = g_ascii_strtoll(text, &end, 10);
  if (*text && !*end) {
    lua_pushinteger(L, i);
    return;
  }
  double d = g_ascii_strtod(text, &end);
  if (*text && !*end && isfinite(d)) {
    lua_pushnumber(L, d);
    return;
  }
  lua_pushstring(L, text);
}

/* Sets every entry of `params` (name → text) in the table on the top. */
static void set_params(lua_State *L, GHashTable *params)
{
  if (!params)
    return;
  g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(params), (GCompareFunc) strcmp);
  for (GList *k = names; k; k = k->next) {
    push_param(L, g_hash_table_lookup(params, k->data));
    lua_setfield(L, -2, k->data);
  }
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

GHashTable *scenario_analytic(Scenario *sc, GHashTable *params, GError **error)
{
  g_autoptr(GHashTable) values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  if (!sc->sb)
    return g_steal_pointer(&values);
  lua_State *L = sc->sb->L;
  int top = lua_gettop(L);
  if (lua_getfield(L, LUA_REGISTRYINDEX, ANALYTIC_KEY) != LUA_TTABLE) {
    lua_settop(L, top);
    return g_steal_pointer(&values);
  }
  int fns = lua_gettop(L);
  /* Names in order, so a failing formula is always the same one. */
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  lua_pushnil(L);
  while (lua_next(L, fns)) {
    lua_pop(L, 1);
    g_ptr_array_add(names, g_strdup(lua_tostring(L, -1)));
  }
  g_ptr_array_sort(names, compare_names);
  for (guint i = 0; i < names->len; i++) {
    const char *name = names->pdata[i];
    lua_getfield(L, fns, name);
    lua_newtable(L); /* p: the declared parameters, then the point's */
    set_params(L, sc->params);
    set_params(L, params);
    if (!lua_sandbox_call(sc->sb, 1, 1, error)) {
      g_prefix_error(error, "analytic %s: ", name);
      lua_settop(L, top);
      return NULL;
    }
    int isnum = 0;
    double v = lua_tonumberx(L, -1, &isnum);
    if (!isnum || !isfinite(v)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: analytic %s: the formula returned %s, not a finite number",
                  sc->path, name, isnum ? "a non-finite number" : luaL_typename(L, -1));
      lua_settop(L, top);
      return NULL;
    }
    lua_pop(L, 1);
    g_hash_table_replace(values, g_strdup(name), g_memdup2(&v, sizeof v));
  }
  lua_settop(L, top);
  return g_steal_pointer(&values);
}

GHashTable *scenario_analytic_load(const char *path, GHashTable *params, GError **error)
{
  g_autoptr(Scenario) sc = scenario_load(path, params, error);
  return sc ? scenario_analytic(sc, params, error) : NULL;
}
