/* sim/lua/: the Lua front door. Scenario scripts run in a sandbox
 * (lua_sandbox.h) and reach the kernel only through the scenario API
 * (lua_api.h, lua_setup.c, lua_events.c, lua_faults.c); model{} lets a
 * script define a protocol (lua_model.c); workload.h drives client nodes.
 *
 * This header is the runner: a Lua script that builds a topology, a
 * workload and faults on a Sim, runs it for its duration, checks invariants
 * and expectations, and hands the result to sim/report/. */
#pragma once
#include "sim/lua/lua_sandbox.h"
#include "sim/kernel/sim.h"
#include "sim/lua/workload.h"
#include "sim/lua/fault_schedule.h"

typedef struct {
  gboolean set;
  double min, max;
} ExpectRange;

typedef struct {
  gboolean present;
  ExpectRange violations;       /* total over every invariant */
  ExpectRange availability;
  GHashTable *invariants;       /* name → ExpectRange* */
  GHashTable *metrics;          /* name → ExpectRange* */
  gboolean any_seed;            /* check: one passing seed suffices */
} Expectations;

typedef struct {
  char *path;
  char *name;
  char *description;
  uint64_t seed;
  SimTime duration;
  guint64 seeds_first, seeds_last;

  Sim *sim;
  LuaSandbox *sb;
  SimRng script_rng;
  WorkloadSet *workloads;

  GHashTable *overrides;    /* --set key → text */
  GHashTable *params;       /* declared name → final text (for the report) */
  GPtrArray *hooks;         /* LuaHook*, see lua_api.c */
  GPtrArray *end_checks;    /* Lua refs of end-of-run invariants (LuaHook*) */
  guint nemesis_count;
  gboolean running;
  guint observe_depth;      /* nesting of the event observer */
  const char *origin;       /* the script line that scheduled the callback
                               running now (lua_events.c), or NULL */
  Expectations expect;
  SimTime window;           /* availability timeline window (resolved) */
  GError *error;            /* first error raised inside a hook */
  GPtrArray *lua_models;    /* models defined with model{} (lua_model.c);
                               freed after the Sim, whose nodes use them */
  const struct ScenarioCode *code; /* from the options, or own_code, or NULL */
  struct ScenarioCode *own_code;   /* compiled for this run alone, or NULL */
  struct ExploreRun *explore; /* explore mode and its coverage (explore.h) */
  FaultLog *faults;         /* recording or replaying faults, or NULL */
} Scenario;

/* What one run may use; a run past any of them ends with exit 2 and a
 * message naming the budget (and the script line, where there is one).
 * The defaults leave a wide margin over every shipped scenario (README,
 * "Determinism and the sandbox", has the measured figures). */
typedef struct {
  size_t mem_limit;            /* bytes: the Lua heap plus the kernel's
                                  events, messages, history and names */
  long long instr_budget;      /* Lua instructions per call into the script */
  long long instr_run_budget;  /* Lua instructions over the whole run */
  guint64 max_events;          /* events taken from the queue in the run */
  guint64 max_instant_events;  /* events at one simulated instant */
} ScenarioLimits;

#define SCENARIO_LIMITS_DEFAULT                                                     \
  { .mem_limit = 256u << 20, .instr_budget = 100000000, .instr_run_budget = 1000000000LL, \
    .max_events = 10000000, .max_instant_events = 1000000 }

typedef struct {
  char *trace_path;
  char *history_path;
  ScenarioLimits limits;
  char *csv_path;           /* availability timeline as CSV, or NULL */
  SimTime window;           /* timeline window; 0 = scenario_default_window */
  char *service_csv_path;   /* per-node service figures as CSV, or NULL */
  char *client_csv_path;    /* per-client figures as CSV, or NULL */
  const struct ScenarioCode *code; /* the script compiled once (a sweep's
                                      runs share it), or NULL to read it */
  gboolean history_edn;     /* write the history as Jepsen EDN, not JSON lines */
  gboolean explore;         /* start explore{}'s swarm of faults (explore.h) */
  /* Fault schedules (fault_schedule.h), for shrink: every fault applied is
   * appended to `record_faults`; with `replay_faults` the scenario's own
   * faults are off and these apply instead (`replay_exact`: to the same
   * trace digest). `duration`, when above 0, replaces the scenario's. */
  FaultSchedule *record_faults;
  const FaultSchedule *replay_faults;
  gboolean replay_exact;
  SimTime duration;
} ScenarioOptions;

/* The script at `path` compiled once (the prelude is compiled once per
 * process), with a cache of Lua heaps, for many runs of it: a run given
 * none (options->code NULL or compiled from another path) compiles its
 * own. NULL when the file cannot be read or does not compile: each run
 * then reads the text and reports that itself. */
typedef struct ScenarioCode ScenarioCode;
ScenarioCode *scenario_code_new(const char *path, size_t mem_limit);
void scenario_code_free(ScenarioCode *code);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScenarioCode, scenario_code_free)

/* No output files and the default limits. */
#define SCENARIO_OPTIONS_DEFAULT { .limits = SCENARIO_LIMITS_DEFAULT }

/* Loads and runs the script at `path` with `seed` and the --set overrides
 * (key → text; may be NULL). Writes trace, history, the timeline CSV and
 * the service and client CSVs to the paths in `options` only if the run completes and all of them could be
 * written (nothing, not even a temporary file, is left otherwise; see
 * scenario_output.h). Two outputs naming the same file, or one naming the
 * script, are refused before the script loads. A window giving more than
 * SIM_TIMELINE_MAX_WINDOWS windows over the duration is an error. Returns NULL and sets `error`
 * (message "file:line: ...") for a bad script or bad parameters. */
Scenario *scenario_run(const char *path, uint64_t seed, GHashTable *overrides,
                       const ScenarioOptions *options, GError **error);
void scenario_free(Scenario *sc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Scenario, scenario_free)

/* Reads only the declarations (seeds, name) without running: for `check`. */
gboolean scenario_peek_seeds(const char *path, guint64 *first, guint64 *last, GError **error);
/* Loads the script with the --set `overrides` (may be NULL) without running
 * it and returns the parameters it declares (name → text after the
 * overrides, as the report shows them; unref when done), or NULL with
 * `error` for a bad script or an override it does not declare: for
 * `capacity`, which searches over one of them. */
GHashTable *scenario_peek_params(const char *path, GHashTable *overrides, GError **error);
/* Loads the script with the --set `overrides` (may be NULL) without running
 * it: its top level has run, the simulation has not started. NULL with
 * `error` as scenario_peek_params. Free with scenario_free. */
Scenario *scenario_load(const char *path, GHashTable *overrides, GError **error);

/* Evaluates the expectations (or, without any, "no violations"); appends a
 * line per failed one to `failures`. TRUE if everything held. */
gboolean scenario_verdict(Scenario *sc, GPtrArray *failures);
double scenario_availability(Scenario *sc);
/* What expect{} asks for, in one line ("invariant resource_safety >= 1,
 * metric unsafe_writes >= 1"); NULL when the scenario declares none. */
char *scenario_expectations_text(Scenario *sc);

/* The default timeline window: a twentieth of the duration (at least 1 ns). */
SimTime scenario_default_window(SimTime duration);

/* lua_model.c: model{} and include(). */
/* Registers model() and include() and the tables they use; called by
 * lua_api_open. */
void lua_model_open(Scenario *sc);
/* Ends model{}'s part of the API with lua_api_close: self methods raise
 * from then on. */
void lua_model_close(Scenario *sc);
/* The model behind the model object at `idx`, or NULL if it is not one. */
const SimModel *lua_model_test(lua_State *L, int idx);
/* Frees one LuaModel (not its Lua references: the state goes after). */
void lua_model_free(gpointer model);

/* lua_api.c */
/* The scenario whose sandbox `L` is. */
Scenario *lua_api_scenario(lua_State *L);
/* Records the first error of the run (taking `error`) and stops the Sim. */
void lua_api_fail(Scenario *sc, GError *error);
/* A duration argument ("150ms", "2s" or seconds); raises naming arg `idx`. */
SimTime lua_api_check_duration(lua_State *L, int idx);
/* Pushes an operation value: nil, integer, {a, b} pair or list; NULL is nil. */
void lua_api_push_value(lua_State *L, const SimValue *v);
void lua_api_open(Scenario *sc);
/* Frees every hook (not their Lua references: the state goes next). */
void lua_api_hooks_free(Scenario *sc);
/* Runs end-of-run invariants; returns FALSE and sets sc->error on a script
 * error. */
gboolean lua_api_run_end_checks(Scenario *sc);
/* lua_events.c: raises the kernel's message if a budget (memory) has
 * ended the run, e.g. in the API call that just queued a message, so the
 * error names the script line. Returns otherwise. */
void lua_api_check_budget(lua_State *L);
