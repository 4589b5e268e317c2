/* Scenario API, acting and looking: faults (crash, restart, pause, clocks,
 * partitions, cuts, log loss), queries of the simulation's state, the
 * script's own metrics and violations, and rng() streams. */
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/lua/lua_api.h"
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#define RNG_META "faultsim.rng"

/* ---- faults ---- */

/* Applies `f`. Once the run is going, through the run's fault log, which
 * records it (shrink) or, while a recorded schedule replays, leaves the
 * script's own faults out; before, it is part of the setup (cut links of a
 * topology) and simply applies. FALSE when the kernel rejected it. */
static gboolean apply(lua_State *L, Fault f)
{
  Scenario *sc = lua_api_scenario(L);
  if (!sc->running)
    return fault_apply(sc->sim, &f);
  return fault_log_apply(sc->faults, sc->sim, &f, sc->observe_depth > 0);
}

static int node_fault(lua_State *L, FaultKind kind)
{
  apply(L, (Fault) { .kind = kind, .node = lua_api_check_node(L, 1), .peer = -1 });
  return 0;
}

static int l_crash(lua_State *L) { return node_fault(L, FAULT_CRASH); }
static int l_restart(lua_State *L) { return node_fault(L, FAULT_RESTART); }
static int l_resume(lua_State *L) { return node_fault(L, FAULT_RESUME); }
static int l_lose_unsynced(lua_State *L) { return node_fault(L, FAULT_LOSE_UNSYNCED); }
static int l_heal(lua_State *L) { apply(L, (Fault) { .kind = FAULT_HEAL, .node = -1, .peer = -1 }); return 0; }
static int l_stop(lua_State *L) { sim_stop(lua_api_scenario(L)->sim); return 0; }

/* crash_restart(node, downtime): crash now, restart after downtime. */
static int l_crash_restart(lua_State *L)
{
  int node = lua_api_check_node(L, 1);
  SimTime down = lua_api_check_duration(L, 2);
  apply(L, (Fault) { .kind = FAULT_CRASH_RESTART, .node = node, .peer = -1, .span = down });
  return 0;
}

/* pause(node [, duration]): freeze now; resume after duration if given. */
static int l_pause(lua_State *L)
{
  int node = lua_api_check_node(L, 1);
  SimTime span = lua_isnoneornil(L, 2) ? -1 : lua_api_check_duration(L, 2);
  apply(L, (Fault) { .kind = FAULT_PAUSE, .node = node, .peer = -1, .span = span });
  return 0;
}

/* The kernel rejects clock offsets beyond ±100 years (so no sum of clock
 * times can overflow); a script asking for one gets an error. */
static int clock_rejected(lua_State *L, const char *what)
{
  return luaL_error(L, "%s: the clock of '%s' would be more than %d years off true time", what,
                    lua_tostring(L, 1), (int) (SIM_CLOCK_OFFSET_MAX / (SimTime) 31557600 / SIM_S));
}

static int l_clock_jump(lua_State *L)
{
  int node = lua_api_check_node(L, 1);
  SimTime delta = lua_api_to_duration(L, 2, TRUE);
  if (!apply(L, (Fault) { .kind = FAULT_CLOCK_JUMP, .node = node, .peer = -1, .span = delta }))
    return clock_rejected(L, "clock_jump()");
  return 0;
}

static int l_clock_offset(lua_State *L)
{
  int node = lua_api_check_node(L, 1);
  SimTime offset = lua_api_to_duration(L, 2, TRUE);
  if (!apply(L, (Fault) { .kind = FAULT_CLOCK_OFFSET, .node = node, .peer = -1, .span = offset }))
    return clock_rejected(L, "clock_offset()");
  return 0;
}

static int l_clock_drift(lua_State *L)
{
  int node = lua_api_check_node(L, 1);
  double ppm = lua_api_check_finite(L, 2);
  luaL_argcheck(L, ppm >= -500000 && ppm <= 1000000, 2, "drift must be in [-500000, 1000000] ppm");
  apply(L, (Fault) { .kind = FAULT_CLOCK_DRIFT, .node = node, .peer = -1, .ppm = ppm });
  return 0;
}

/* partition({"a", "b"}, {"c"}, ...): cut every link between groups. */
static int l_partition(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  guint n = sim_node_count(sc->sim);
  int groups = lua_gettop(L);
  if (groups < 1)
    return luaL_error(L, "partition() needs at least one group of node names");
  /* In a userdata, so a check that raises leaks nothing. */
  int *group_of = lua_newuserdatauv(L, sizeof(int) * (n ? n : 1), 0);
  for (guint i = 0; i < n; i++)
    group_of[i] = -1;
  for (int g = 1; g <= groups; g++) {
    luaL_checktype(L, g, LUA_TTABLE);
    lua_Integer len = luaL_len(L, g);
    for (lua_Integer i = 1; i <= len; i++) {
      lua_geti(L, g, i);
      int id = lua_api_check_node(L, lua_gettop(L));
      if (group_of[id] >= 0 && group_of[id] != g)
        return luaL_error(L, "partition(): node '%s' is in two groups", lua_tostring(L, -1));
      group_of[id] = g;
      lua_pop(L, 1);
    }
  }
  apply(L, (Fault) { .kind = FAULT_PARTITION, .node = -1, .peer = -1, .group_of = group_of, .nodes = n });
  return 0;
}

static int l_cut(lua_State *L)
{
  int a = lua_api_check_node(L, 1), b = lua_api_check_node(L, 2);
  apply(L, (Fault) { .kind = lua_toboolean(L, lua_upvalueindex(1)) ? FAULT_CUT : FAULT_RESTORE, .node = a, .peer = b });
  return 0;
}

/* ---- queries ---- */

static int l_now(lua_State *L)
{
  lua_pushnumber(L, sim_time_to_seconds(sim_now(lua_api_scenario(L)->sim)));
  return 1;
}

static int l_state(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  static const char *const names[] = { "up", "crashed", "paused" };
  lua_pushstring(L, names[sim_node_state(sim_node(sc->sim, lua_api_check_node(L, 1)))]);
  return 1;
}

static int l_clock(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  lua_pushnumber(L, sim_time_to_seconds(sim_node_clock(sim_node(sc->sim, lua_api_check_node(L, 1)))));
  return 1;
}

static int l_nodes(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  const char *model = luaL_optstring(L, 1, NULL);
  lua_newtable(L);
  lua_Integer k = 0;
  for (guint i = 0; i < sim_node_count(sc->sim); i++) {
    SimNode *node = sim_node(sc->sim, (int) i);
    if (model && !g_str_has_prefix(sim_node_model(node)->name, model))
      continue;
    lua_pushstring(L, sim_node_name(node));
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

static int l_stats(lua_State *L)
{
  const SimStats *s = sim_stats(lua_api_scenario(L)->sim);
  lua_createtable(L, 0, 10);
#define F(name) lua_pushinteger(L, (lua_Integer) s->name); lua_setfield(L, -2, #name);
  F(events) F(sent) F(delivered) F(dropped) F(duplicated) F(invoked) F(ok) F(fail) F(info)
#undef F
  return 1;
}

static int l_violations(lua_State *L)
{
  lua_pushinteger(L, (lua_Integer) sim_violations(lua_api_scenario(L)->sim, luaL_checkstring(L, 1)));
  return 1;
}

/* ---- metrics ---- */

static int l_metric(lua_State *L)
{
  sim_metric_set(lua_api_scenario(L)->sim, lua_api_check_name(L, 1, "metric name"), lua_api_check_finite(L, 2));
  return 0;
}

static int l_metric_add(lua_State *L)
{
  sim_metric_add(lua_api_scenario(L)->sim, lua_api_check_name(L, 1, "metric name"), lua_isnoneornil(L, 2) ? 1.0 : lua_api_check_finite(L, 2));
  return 0;
}

static int l_sample(lua_State *L)
{
  sim_metric_sample(lua_api_scenario(L)->sim, lua_api_check_name(L, 1, "metric name"), lua_api_check_finite(L, 2));
  return 0;
}

static int l_violation(lua_State *L)
{
  const char *name = lua_api_check_name(L, 1, "invariant name");
  const char *why = lua_isnoneornil(L, 2) ? "scenario-reported" : lua_api_check_text(L, 2);
  sim_violation(lua_api_scenario(L)->sim, name, "%s", why);
  return 0;
}

/* ---- rng(name): an independent seeded stream as a userdata ---- */

static int l_rng(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  const char *name = lua_api_check_name(L, 1, "stream name");
  SimRng *r = lua_newuserdatauv(L, sizeof(SimRng), 0);
  g_autofree char *stream = g_strdup_printf("script:%s", name);
  sim_rng_init(r, sim_seed(sc->sim), stream);
  luaL_setmetatable(L, RNG_META);
  return 1;
}

static int rng_random(lua_State *L)
{
  SimRng *r = luaL_checkudata(L, 1, RNG_META);
  int n = lua_gettop(L) - 1;
  if (n == 0) {
    lua_pushnumber(L, sim_rng_double(r));
    return 1;
  }
  lua_Integer lo = n == 1 ? 1 : luaL_checkinteger(L, 2);
  lua_Integer hi = luaL_checkinteger(L, n == 1 ? 2 : 3);
  luaL_argcheck(L, lo <= hi, 2, "interval is empty");
  lua_pushinteger(L, sim_rng_range(r, lo, hi));
  return 1;
}

/* r:exponential(mean) in seconds, at most SIM_DURATION_MAX_S (the longest
 * duration after() accepts), so a draw from a huge mean schedules "never" instead
 * of failing the run. */
static int rng_exponential(lua_State *L)
{
  SimRng *r = luaL_checkudata(L, 1, RNG_META);
  SimTime mean = lua_api_check_duration(L, 2);
  double seconds = sim_rng_exponential(r, sim_time_to_seconds(mean));
  lua_pushnumber(L, MIN(seconds, SIM_DURATION_MAX_S));
  return 1;
}

static int rng_chance(lua_State *L)
{
  SimRng *r = luaL_checkudata(L, 1, RNG_META);
  lua_pushboolean(L, sim_rng_chance(r, lua_api_check_finite(L, 2)));
  return 1;
}

static int rng_pick(lua_State *L)
{
  SimRng *r = luaL_checkudata(L, 1, RNG_META);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 2);
  luaL_argcheck(L, n > 0, 2, "empty list");
  lua_geti(L, 2, 1 + (lua_Integer) sim_rng_below(r, (uint64_t) n));
  return 1;
}

static int rng_shuffle(lua_State *L)
{
  SimRng *r = luaL_checkudata(L, 1, RNG_META);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 2);
  for (lua_Integer i = n; i > 1; i--) {
    lua_Integer j = 1 + (lua_Integer) sim_rng_below(r, (uint64_t) i);
    lua_geti(L, 2, i);
    lua_geti(L, 2, j);
    lua_seti(L, 2, i);
    lua_seti(L, 2, j);
  }
  lua_settop(L, 2);
  return 1;
}

/* ---- registration ---- */

void lua_faults_open(lua_State *L)
{
  static const luaL_Reg rng_methods[] = {
    { "random", rng_random }, { "exponential", rng_exponential }, { "chance", rng_chance },
    { "pick", rng_pick }, { "shuffle", rng_shuffle }, { NULL, NULL },
  };
  luaL_newmetatable(L, RNG_META);
  luaL_newlib(L, rng_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  static const luaL_Reg funcs[] = {
    { "crash", l_crash }, { "restart", l_restart }, { "crash_restart", l_crash_restart },
    { "pause", l_pause }, { "resume", l_resume }, { "clock_jump", l_clock_jump },
    { "clock_offset", l_clock_offset }, { "clock_drift", l_clock_drift },
    { "partition", l_partition }, { "heal", l_heal }, { "lose_unsynced", l_lose_unsynced },
    { "stop", l_stop }, { "now", l_now }, { "state", l_state }, { "clock", l_clock },
    { "nodes", l_nodes }, { "stats", l_stats }, { "violations", l_violations },
    { "metric", l_metric }, { "metric_add", l_metric_add }, { "sample", l_sample },
    { "violation", l_violation }, { "rng", l_rng }, { NULL, NULL },
  };
  lua_pushglobaltable(L);
  luaL_setfuncs(L, funcs, 0);
  lua_pushboolean(L, 1);
  lua_pushcclosure(L, l_cut, 1);
  lua_setfield(L, -2, "cut");
  lua_pushboolean(L, 0);
  lua_pushcclosure(L, l_cut, 1);
  lua_setfield(L, -2, "restore");
  lua_pop(L, 1);
}
