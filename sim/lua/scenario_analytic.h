/* The formulas a scenario declares with analytic{} (lua_analytic.c): per
 * measure (availability or a metric's name), the value predicted from the
 * scenario's parameters. A sweep sets each point's mean beside them;
 * `faultsim plot curve` draws them. */
#pragma once
#include "sim/lua/scenario.h"
#include <lua.h>

/* Registers analytic{} in the sandbox (called by lua_api_open). */
void lua_analytic_open(lua_State *L);

/* Evaluates every formula of the loaded (or finished) scenario `sc`. Each
 * formula gets one table `p`: the scenario's declared parameters as its
 * params{} ended with them, overlaid by `params` (name → text; may be
 * NULL), each text given as a boolean ("true", "false"), an integer or a
 * number when all of it reads as one, else as a string. Returns measure →
 * double* (an empty table when the scenario declares no formula; unref
 * when done), or NULL with `error` ("file:line: ...") when a formula
 * raises, runs out of its instruction budget or returns anything but a
 * finite number. */
GHashTable *scenario_analytic(Scenario *sc, GHashTable *params, GError **error);

/* Loads the script at `path` with `params` as its --set overrides (name →
 * text; may be NULL) without running it and evaluates its formulas as
 * scenario_analytic does. NULL with `error` for a bad script, a parameter
 * it does not declare or a failing formula. */
GHashTable *scenario_analytic_load(const char *path, GHashTable *params, GError **error);
