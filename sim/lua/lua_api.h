/* What the files of the scenario API (lua_api.c, lua_setup.c,
 * lua_events.c, lua_faults.c) share. Each `lua_api_check_*` and
 * `lua_api_field_*` raises a Lua error naming the argument or key on bad
 * input; none returns on failure. */
#pragma once
#include "sim/lua/scenario.h"
#include <lua.h>

/* A duration: "150ms", "2s" or a number of seconds; negative allowed only
 * with `allow_negative` ("-500ms"). */
SimTime lua_api_to_duration(lua_State *L, int idx, gboolean allow_negative);
/* The id of the node named by the string at `idx`. */
int lua_api_check_node(lua_State *L, int idx);
/* A finite number. */
double lua_api_check_finite(lua_State *L, int idx);
/* Field `key` of table `t` as a number in [lo, hi], or `fallback` if absent. */
double lua_api_field_number(lua_State *L, int t, const char *key, double fallback, double lo, double hi);
/* Field `key` of table `t` as a duration, or `fallback` if absent. */
SimTime lua_api_field_duration(lua_State *L, int t, const char *key, SimTime fallback);
/* Raises if table `t` has a key not in `allowed` (NULL-terminated), so a
 * typo is an error instead of a silent no-op. */
void lua_api_check_keys(lua_State *L, int t, const char *what, const char *const *allowed);

/* Raises unless `name` (`len` bytes) is valid UTF-8 without NUL bytes,
 * naming `what` ("node name") and showing the name repaired. */
void lua_api_valid_name(lua_State *L, const char *name, size_t len, const char *what);
/* The string at `idx` as a name (see lua_api_valid_name). */
const char *lua_api_check_name(lua_State *L, int idx, const char *what);
/* The string at `idx` as free text (descriptions, violation messages):
 * invalid UTF-8 and NUL bytes become U+FFFD, in place on the stack. */
const char *lua_api_check_text(lua_State *L, int idx);
/* A copy of `len` bytes of `text` with invalid UTF-8 and NUL bytes made
 * U+FFFD (for C code that must not raise); free with g_free. */
char *lua_api_valid_text(const char *text, size_t len);
/* Ends the API: from now on every function raises instead of touching the
 * Sim (finalizers run at lua_close, after the Sim is freed) and print()
 * stops reading the clock. scenario_free calls it first. */
void lua_api_close(Scenario *sc);

/* Registration of each part into the sandbox's globals. */
void lua_setup_open(lua_State *L);
void lua_events_open(Scenario *sc);
void lua_faults_open(lua_State *L);
void lua_service_open(lua_State *L);
void lua_retry_open(lua_State *L);

/* lua_service.c: node()'s options table at `opts` (nil: none), { service =
 * {...}, retry = {...} }, applied to node `id`, whose model is at
 * `model_idx`: a key the options leave out comes from the model's
 * model{ service =, retry = } when it is a Lua model that has one.
 * lua_service_check only checks a service table at `t` (nothing applied,
 * the stack as it was). `what` names the call
 * ("node()", "clients{}", "model{}") in errors. lua_node_apply does the
 * applying: `service` and `retry` are absolute stack indexes, nil for
 * none. */
void lua_node_options(lua_State *L, int id, int opts, int model_idx, const char *what);
void lua_node_apply(lua_State *L, int id, int service, int retry, int model_idx, const char *what);
void lua_service_check(lua_State *L, int t, const char *what);

/* lua_retry.c: a retry table at `t` (sim/kernel/retry.h) applied to node
 * `id` as its policy; `what` names the call in errors ("node()",
 * "clients{}", "workload{}"). */
void lua_retry_apply(lua_State *L, int id, int t, const char *what);
void lua_retry_check(lua_State *L, int t, const char *what);

/* lua_model.c: pushes option `key` ("service", "retry") of the model{}
 * object at `idx` and returns TRUE, or pushes nothing and returns FALSE
 * (not a Lua model, or no such option). */
gboolean lua_model_push_option(lua_State *L, int idx, const char *key);
