/* explore{} and explore mode (explore.h): the declaration, the captured
 * fault functions the swarm (explore_swarm.c) calls, the per-node protocol
 * phase (the last event the node emitted), and the coverage cells of one
 * run. */
#include "sim/lua/explore.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/lua/lua_api.h"
#include "sim/lua/lua_chunk.h"
#include <lauxlib.h>
#include <string.h>

extern const char explore_swarm_lua[];

const char *const explore_fault_kinds[] = {
  "crash", "restart", "pause", "partition", "cut", "loss", "duplicate",
  "clock_jump", "clock_drift", "lose_unsynced", NULL,
};

#define EXPLORE_MAX_FAULTS_DEFAULT 4
#define EXPLORE_MAX_FAULTS_LIMIT 1000

/* The scenario-API functions the swarm calls, taken from the globals
 * before the script runs. */
static const char *const captured_globals[] = {
  "crash", "restart", "pause", "resume", "partition", "heal", "cut", "restore", "link",
  "clock_jump", "clock_drift", "lose_unsynced", "after", "at", "once", "now", "state",
  "ipairs", "tostring", NULL,
};
static const char *const captured_math[] = { "log", "exp", "min", "max", "huge", NULL };

struct ExploreRun {
  gboolean active;
  gboolean declared;
  char *where;         /* "file:line:" of explore{}, for later errors */
  guint32 kinds;       /* bit i: explore_fault_kinds[i] allowed */
  GPtrArray *nodes;    /* declared target names, or NULL for every node */
  int max_faults;
  SimTime start, stop; /* stop < 0: the scenario's duration */
  int captured_ref;    /* registry ref of the swarm's function table */
  Sim *sim;
  GPtrArray *phase;    /* node id → last emitted type (const char *), or NULL */
  GPtrArray *seen;     /* node id → GPtrArray of the types it emitted */
  GHashTable *cells;   /* "role\tphase\tkind" → NULL (a set) */
  GHashTable *targets; /* node names faults may hit (a set) */
  guint injected;
};

ExploreRun *explore_run_new(gboolean active)
{
  ExploreRun *run = g_new0(ExploreRun, 1);
  run->active = active;
  run->kinds = (1u << (G_N_ELEMENTS(explore_fault_kinds) - 1)) - 1;
  run->max_faults = EXPLORE_MAX_FAULTS_DEFAULT;
  run->stop = -1;
  run->captured_ref = LUA_NOREF;
  run->phase = g_ptr_array_new();
  run->seen = g_ptr_array_new_with_free_func((GDestroyNotify) g_ptr_array_unref);
  run->cells = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  run->targets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  return run;
}

void explore_run_free(ExploreRun *run)
{
  if (!run)
    return;
  g_free(run->where);
  if (run->nodes)
    g_ptr_array_unref(run->nodes);
  g_ptr_array_unref(run->phase);
  g_ptr_array_unref(run->seen);
  g_hash_table_unref(run->cells);
  g_hash_table_unref(run->targets);
  g_free(run);
}

/* ---- explore{ faults=, nodes=, max_faults=, start=, stop= } ---- */

static int kind_index(const char *name)
{
  for (int i = 0; explore_fault_kinds[i]; i++)
    if (strcmp(explore_fault_kinds[i], name) == 0)
      return i;
  return -1;
}

static guint32 read_kinds(lua_State *L, int t)
{
  if (!(lua_istable(L, t)))
    luaL_error(L, "explore{}: faults must be a list of fault kinds");
  guint32 kinds = 0;
  lua_Integer n = luaL_len(L, t);
  if (!(n > 0))
    luaL_error(L, "explore{}: faults is empty");
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, t, i);
    int k = lua_type(L, -1) == LUA_TSTRING ? kind_index(lua_tostring(L, -1)) : -1;
    if (k < 0) {
      /* A Lua string, not a GString: luaL_error does not return. */
      const char *bad = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1);
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      for (int j = 0; explore_fault_kinds[j]; j++) {
        luaL_addstring(&b, j ? ", " : "");
        luaL_addstring(&b, explore_fault_kinds[j]);
      }
      luaL_pushresult(&b);
      return luaL_error(L, "explore{}: faults[%d]: unknown fault kind '%s' (known: %s)", (int) i, bad,
                        lua_tostring(L, -1));
    }
    kinds |= 1u << k;
    lua_pop(L, 1);
  }
  return kinds;
}

static void read_nodes(lua_State *L, int t, ExploreRun *run)
{
  if (!(lua_istable(L, t)))
    luaL_error(L, "explore{}: nodes must be a list of node names");
  lua_Integer n = luaL_len(L, t);
  if (!(n > 0))
    luaL_error(L, "explore{}: nodes is empty");
  /* Owned by the run at once, so an error below leaks nothing. */
  if (run->nodes)
    g_ptr_array_set_size(run->nodes, 0);
  else
    run->nodes = g_ptr_array_new_with_free_func(g_free);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, t, i);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "explore{}: nodes[%d] is not a node name", (int) i);
    g_ptr_array_add(run->nodes, g_strdup(lua_tostring(L, -1)));
    lua_pop(L, 1);
  }
}

static int l_explore(lua_State *L)
{
  Scenario *sc = lua_api_scenario(L);
  ExploreRun *run = sc->explore;
  luaL_checktype(L, 1, LUA_TTABLE);
  if (sc->running)
    return luaL_error(L, "explore{} belongs at the top level of the scenario, not in a callback");
  if (run->declared)
    return luaL_error(L, "explore{} given twice");
  static const char *const keys[] = { "faults", "nodes", "max_faults", "start", "stop", NULL };
  lua_api_check_keys(L, 1, "explore{}", keys);
  if (lua_getfield(L, 1, "faults") != LUA_TNIL)
    run->kinds = read_kinds(L, lua_gettop(L));
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "nodes") != LUA_TNIL)
    read_nodes(L, lua_gettop(L), run);
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "max_faults") != LUA_TNIL) {
    lua_Integer m = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
    if (m < 1 || m > EXPLORE_MAX_FAULTS_LIMIT)
      return luaL_error(L, "explore{}: max_faults must be a whole number from 1 to %d", EXPLORE_MAX_FAULTS_LIMIT);
    run->max_faults = (int) m;
  }
  lua_pop(L, 1);
  run->start = lua_api_field_duration(L, 1, "start", 0);
  run->stop = lua_api_field_duration(L, 1, "stop", -1);
  if (run->stop >= 0 && run->stop <= run->start)
    return luaL_error(L, "explore{}: stop must come after start");
  luaL_where(L, 1);
  g_free(run->where);
  run->where = g_strdup(lua_tostring(L, -1));
  run->declared = TRUE;
  return 0;
}

/* ---- what the swarm calls besides the scenario API ---- */

static ExploreRun *check_run(lua_State *L)
{
  ExploreRun *run = lua_api_scenario(L)->explore;
  if (!run->active)
    luaL_error(L, "explore mode is off");
  return run;
}

static void record_cell(ExploreRun *run, const char *kind, int id)
{
  SimNode *node = sim_node(run->sim, id);
  const char *phase = (guint) id < run->phase->len ? run->phase->pdata[id] : NULL;
  char *key = g_strdup_printf("%s\t%s\t%s", sim_node_model(node)->name, phase ? phase : "-", kind);
  if (g_hash_table_contains(run->cells, key))
    g_free(key);
  else
    g_hash_table_add(run->cells, key);
}

/* note(kind, node, ...): one fault of `kind` about to hit the named nodes. */
static int l_note(lua_State *L)
{
  ExploreRun *run = check_run(L);
  const char *kind = luaL_checkstring(L, 1);
  for (int i = 2; i <= lua_gettop(L); i++)
    record_cell(run, kind, lua_api_check_node(L, i));
  run->injected++;
  return 0;
}

/* rng(name): an "explore:<name>" stream, with the methods of rng(). */
static int l_rng(lua_State *L)
{
  ExploreRun *run = check_run(L);
  const char *name = luaL_checkstring(L, 1);
  SimRng *r = lua_newuserdatauv(L, sizeof(SimRng), 0);
  g_autofree char *stream = g_strdup_printf("explore:%s", name);
  sim_rng_init(r, sim_seed(run->sim), stream);
  luaL_setmetatable(L, "faultsim.rng");
  return 1;
}

/* link_get(a, b) → loss, duplicate of the directed link a → b now. */
static int l_link_get(lua_State *L)
{
  ExploreRun *run = check_run(L);
  const SimLinkConfig *c = sim_net_link(run->sim, lua_api_check_node(L, 1), lua_api_check_node(L, 2));
  lua_pushnumber(L, c->loss);
  lua_pushnumber(L, c->duplicate);
  return 2;
}

void lua_explore_open(Scenario *sc)
{
  lua_State *L = sc->sb->L;
  lua_register(L, "explore", l_explore);
  if (!sc->explore->active)
    return;
  sc->explore->sim = sc->sim;
  lua_newtable(L);
  for (int i = 0; captured_globals[i]; i++) {
    lua_getglobal(L, captured_globals[i]);
    lua_setfield(L, -2, captured_globals[i]);
  }
  lua_getglobal(L, "math");
  for (int i = 0; captured_math[i]; i++) {
    lua_getfield(L, -1, captured_math[i]);
    lua_setfield(L, -3, captured_math[i]);
  }
  lua_pop(L, 1);
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "unpack");
  lua_setfield(L, -3, "unpack");
  lua_pop(L, 1);
  static const luaL_Reg own[] = { { "note", l_note }, { "rng", l_rng }, { "link_get", l_link_get }, { NULL, NULL } };
  luaL_setfuncs(L, own, 0);
  sc->explore->captured_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* ---- phases ---- */

static void watch(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) sim;
  ExploreRun *run = data;
  if (ev->kind != SIM_TR_EVENT || ev->node < 0 || !ev->msg)
    return;
  guint id = (guint) ev->node;
  while (run->phase->len <= id) {
    g_ptr_array_add(run->phase, NULL);
    g_ptr_array_add(run->seen, g_ptr_array_new());
  }
  const char *type = ev->msg->type;
  const char *last = run->phase->pdata[id];
  if (last == type || (last && strcmp(last, type) == 0))
    return;
  run->phase->pdata[id] = (gpointer) type;
  GPtrArray *seen = run->seen->pdata[id];
  for (guint i = 0; i < seen->len; i++)
    if (strcmp(seen->pdata[i], type) == 0)
      return;
  g_ptr_array_add(seen, (gpointer) type);
}

/* ---- start ---- */

static void push_list(lua_State *L, GPtrArray *names)
{
  lua_createtable(L, (int) names->len, 0);
  for (guint i = 0; i < names->len; i++) {
    lua_pushstring(L, names->pdata[i]);
    lua_rawseti(L, -2, (lua_Integer) i + 1);
  }
}

const LuaChunk *lua_explore_chunk(void)
{
  /* Compiled on first use and never changed after (see lua_prelude_chunk). */
  static gsize compiled = 0;
  static LuaChunk *chunk = NULL;
  if (g_once_init_enter(&compiled)) {
    chunk = lua_chunk_compile(explore_swarm_lua, strlen(explore_swarm_lua), "=explore", 16u << 20);
    g_once_init_leave(&compiled, 1);
  }
  return chunk;
}

gboolean lua_explore_start(Scenario *sc, const LuaChunk *swarm, GError **error)
{
  ExploreRun *run = sc->explore;
  if (!run->active)
    return TRUE;
  const char *where = run->where ? run->where : "";
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func(g_free);
  if (run->nodes) {
    for (guint i = 0; i < run->nodes->len; i++) {
      if (sim_node_find(sc->sim, run->nodes->pdata[i]) < 0) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%sexplore{}: nodes: unknown node '%s'", where,
                    (const char *) run->nodes->pdata[i]);
        return FALSE;
      }
      g_ptr_array_add(nodes, g_strdup(run->nodes->pdata[i]));
    }
  } else {
    for (guint i = 0; i < sim_node_count(sc->sim); i++)
      g_ptr_array_add(nodes, g_strdup(sim_node_name(sim_node(sc->sim, (int) i))));
  }
  g_autoptr(GPtrArray) kinds = g_ptr_array_new();
  for (int i = 0; explore_fault_kinds[i]; i++)
    if (run->kinds & (1u << i))
      g_ptr_array_add(kinds, (gpointer) explore_fault_kinds[i]);
  for (guint i = 0; i < nodes->len; i++)
    g_hash_table_add(run->targets, g_strdup(nodes->pdata[i]));
  SimTime stop = run->stop < 0 || run->stop > sc->duration ? sc->duration : run->stop;
  sim_add_observer(sc->sim, watch, run);
  if (nodes->len == 0 || run->start >= stop)
    return TRUE;

  lua_State *L = sc->sb->L;
  if (swarm ? !lua_chunk_load(sc->sb, swarm, error)
            : !lua_sandbox_load(sc->sb, explore_swarm_lua, strlen(explore_swarm_lua), "=explore", error))
    return FALSE;
  lua_createtable(L, 0, 6);
  lua_pushnumber(L, sim_time_to_seconds(sc->duration));
  lua_setfield(L, -2, "duration");
  lua_pushnumber(L, sim_time_to_seconds(run->start));
  lua_setfield(L, -2, "start");
  lua_pushnumber(L, sim_time_to_seconds(stop));
  lua_setfield(L, -2, "stop");
  lua_pushinteger(L, run->max_faults);
  lua_setfield(L, -2, "max_faults");
  push_list(L, kinds);
  lua_setfield(L, -2, "faults");
  push_list(L, nodes);
  lua_setfield(L, -2, "nodes");
  lua_rawgeti(L, LUA_REGISTRYINDEX, run->captured_ref);
  return lua_sandbox_call(sc->sb, 2, 0, error);
}

/* ---- results ---- */

static int cell_cmp(gconstpointer a, gconstpointer b)
{
  const ExploreCell *x = *(ExploreCell *const *) a, *y = *(ExploreCell *const *) b;
  int c = strcmp(x->role, y->role);
  if (!c)
    c = strcmp(x->phase, y->phase);
  if (!c)
    c = (int) x->faulted - (int) y->faulted;
  if (!c && x->faulted)
    c = kind_index(x->kind) - kind_index(y->kind);
  return c;
}

static void cell_free(gpointer p)
{
  ExploreCell *c = p;
  g_free(c->role);
  g_free(c->phase);
  g_free(c);
}

static void add_cell(GPtrArray *cells, GHashTable *done, const char *role, const char *phase, const char *kind)
{
  char *key = g_strdup_printf("%s\t%s\t%s", role, phase, kind ? kind : "");
  if (!g_hash_table_add(done, key))
    return;
  ExploreCell *c = g_new0(ExploreCell, 1);
  c->role = g_strdup(role);
  c->phase = g_strdup(phase);
  c->kind = kind;
  c->faulted = kind != NULL;
  g_ptr_array_add(cells, c);
}

GPtrArray *explore_run_cells(const Scenario *sc)
{
  ExploreRun *run = sc->explore;
  GPtrArray *cells = g_ptr_array_new_with_free_func(cell_free);
  if (!run->active)
    return cells;
  g_autoptr(GHashTable) done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, run->cells);
  while (g_hash_table_iter_next(&it, &key, NULL)) {
    g_auto(GStrv) parts = g_strsplit(key, "\t", 3);
    int k = kind_index(parts[2]);
    if (k >= 0)
      add_cell(cells, done, parts[0], parts[1], explore_fault_kinds[k]);
  }
  for (guint id = 0; id < sim_node_count(sc->sim); id++) {
    if (!g_hash_table_contains(run->targets, sim_node_name(sim_node(sc->sim, (int) id))))
      continue;
    const char *role = sim_node_model(sim_node(sc->sim, (int) id))->name;
    add_cell(cells, done, role, "-", NULL);
    GPtrArray *seen = id < run->seen->len ? run->seen->pdata[id] : NULL;
    for (guint i = 0; seen && i < seen->len; i++)
      add_cell(cells, done, role, seen->pdata[i], NULL);
  }
  g_ptr_array_sort(cells, cell_cmp);
  return cells;
}

guint explore_run_injected(const Scenario *sc)
{
  return sc->explore->injected;
}

guint32 explore_run_kinds(const Scenario *sc)
{
  return sc->explore->kinds;
}
