/* Running a shipped scenario from a CUnit test, reading its metrics, and
 * probing its teardown. */
#pragma once
#include "sim/lua/scenario.h"

/* Runs `file` at `seed` with the `n` key=value pairs in `set` (set[2i] the
 * key, set[2i+1] the value; NULL when n is 0). NULL (the error printed)
 * when it could not run. */
Scenario *test_scenario_run(const char *file, uint64_t seed, const char *const *set, guint n);
/* The metric `name` of a finished run, -1 when it has none. */
double test_scenario_metric(Scenario *sc, const char *name);
/* Gives a new table in `sc`'s Lua state a __gc of `probe` through the C
 * API, behind the sandbox's back, so scenario_free's lua_close runs it:
 * how tests check what a finalizer that slipped through can reach. */
void test_scenario_finalizer(Scenario *sc, lua_CFunction probe);
