/* What bench_lua.c and bench_lua_ceiling.c share: one timed scenario run
 * and the number of rounds. */
#pragma once
#include <glib.h>

/* What one run did, and how long it took (CPU seconds). */
typedef struct {
  double seconds;
  guint64 events, delivered;
  long long charged; /* the Lua instruction budget spent over the run */
  gboolean ok;
} LuaRun;

/* Runs `script` at seed 1 with the --set pairs `sets` (key, value, ...,
 * NULL); ok is FALSE (and the error printed) if it failed. */
LuaRun bench_lua_run_script(const char *script, const char *const *sets);
/* FAULTSIM_BENCH_LUA_ROUNDS, or BENCH_LUA_ROUNDS. */
int bench_lua_rounds(void);
