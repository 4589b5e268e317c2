#include "tests/scenario_util.h"
#include <stdio.h>

Scenario *test_scenario_run(const char *file, uint64_t seed, const char *const *set, guint n)
{
  g_autoptr(GHashTable) over = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    g_hash_table_insert(over, (gpointer) set[2 * i], (gpointer) set[2 * i + 1]);
  ScenarioOptions opt = SCENARIO_OPTIONS_DEFAULT;
  GError *error = NULL;
  Scenario *sc = scenario_run(file, seed, over, &opt, &error);
  if (!sc)
    fprintf(stderr, "\n%s: %s\n", file, error ? error->message : "?");
  g_clear_error(&error);
  return sc;
}

double test_scenario_metric(Scenario *sc, const char *name)
{
  double v = -1;
  sim_metric_get(sc->sim, name, &v);
  return v;
}

void test_scenario_finalizer(Scenario *sc, lua_CFunction probe)
{
  lua_State *L = sc->sb->L;
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, probe);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_pop(L, 1);
}
