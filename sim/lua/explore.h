/* Explore mode of one run: the scenario's explore{} declaration, the swarm
 * of random faults it starts when a run is made with --explore (`faultsim
 * explore`, `faultsim run --explore`), and the fault coverage it records.
 *
 * The swarm (explore_swarm.c, Lua) draws everything from the run's seed on
 * streams of its own ("explore:swarm", "explore:<kind>"), so run N of
 * `faultsim explore` and `faultsim run --explore --seed N` are the same
 * run. It injects faults only through the scenario API's ordinary fault
 * functions (crash, pause, partition, cut, link, clock_jump, ...), captured
 * before the script runs, so a script that redefines them changes nothing
 * and whatever records the API's faults records the swarm's too. Without
 * --explore, explore{} only checks its arguments: a run is unchanged. */
#pragma once
#include "sim/lua/scenario.h"

/* The fault kinds the swarm knows, in the order the coverage table shows
 * them. "restart" brings a crashed node back after a random downtime; a
 * run without it keeps crashed nodes down until the fault window ends. */
extern const char *const explore_fault_kinds[];

typedef struct ExploreRun ExploreRun;

/* A run's explore state; `active` is --explore. */
ExploreRun *explore_run_new(gboolean active);
void explore_run_free(ExploreRun *run);

/* Registers explore{} in the sandbox of `sc` (whose sc->explore is set)
 * and, in explore mode, captures the fault functions the swarm uses.
 * Called by lua_api_open before the script runs. */
void lua_explore_open(Scenario *sc);

/* The swarm compiled once per process, as the prelude is; NULL if that
 * failed: each run then loads the text. */
const struct LuaChunk *lua_explore_chunk(void);

/* In explore mode, after the script's top level: resolves explore{}'s
 * defaults from the topology (every node; every fault kind; max_faults 4;
 * the whole duration), checks its node names, starts watching the nodes'
 * protocol events and schedules the swarm (from `swarm`, the compiled
 * chunk, or its text when NULL). Does nothing otherwise. FALSE
 * with `error` ("file:line: explore{}: ...") for a bad declaration. */
gboolean lua_explore_start(Scenario *sc, const struct LuaChunk *swarm, GError **error);

/* One cell of the coverage table: a fault of `kind` hit a node of model
 * `role` whose last protocol event (sim_emit) was `phase` ("-" before its
 * first). `faulted` is FALSE for a (role, phase) the run saw at a node
 * faults may hit, faulted or not, so the table can show what was never
 * tried. */
typedef struct {
  const char *kind; /* NULL when !faulted */
  char *role;
  char *phase;
  gboolean faulted;
} ExploreCell;

/* The distinct cells of a finished run, sorted by (role, phase, kind);
 * free with g_ptr_array_unref. Empty outside explore mode. */
GPtrArray *explore_run_cells(const Scenario *sc);
/* Faults the swarm injected in the run. */
guint explore_run_injected(const Scenario *sc);
/* The fault kinds explore{} allows in this run (bit i: explore_fault_kinds[i]). */
guint32 explore_run_kinds(const Scenario *sc);
