/* Shrinking a failing run (`faultsim shrink`): record the run's fault
 * schedule, then, keeping "the same invariant is violated" as the test of
 * every candidate, drop faults (ddmin), move the rest to rounder times and
 * shorten their durations, and cut the run's duration. Every candidate is
 * a full run of the scenario with its own faults off and the candidate
 * schedule replayed (fault_schedule.h), so the result is a pure function of
 * the scenario, its parameters and the seed. shrink_scenario_text writes
 * the result as a Lua scenario that reproduces it with `faultsim run`. */
#pragma once
#include "sim/lua/scenario.h"

/* What a run amounts to, for the before/after line. */
typedef struct {
  guint faults;
  guint64 ops, events;
  SimTime duration;
} ShrinkSize;

typedef struct {
  const char *path;
  guint64 seed;
  GHashTable *overrides;    /* --set values, or NULL */
  ScenarioLimits limits;
  guint max_runs;           /* candidate runs allowed; 0 = no limit */

  char *invariant;          /* the one that must stay violated */
  FaultSchedule *faults;    /* the schedule so far */
  SimTime duration;         /* the run's duration so far */
  guint runs;               /* scenario runs made, the first included */
  Scenario *base;           /* the recorded run (node names) */
} Shrink;

/* Runs the scenario once, recording its faults (`explore`: as `faultsim
 * run --explore` would run it), and picks the invariant to keep violated:
 * `invariant` if given, else the first violated one by name. Fills
 * `before`. FALSE with `error` when the run fails, or when no invariant
 * (or not the one named) is violated. */
gboolean shrink_start(Shrink *s, const char *invariant, gboolean explore, ShrinkSize *before, GError **error);

/* Whether the recorded schedule replayed (without the scenario's own
 * faults) still violates the invariant: when it does not, the failure
 * depends on more than the faults and there is nothing to shrink. */
gboolean shrink_replays(Shrink *s);

/* The three passes, in this order; each keeps the invariant violated. */
void shrink_drop_faults(Shrink *s);
void shrink_simplify_faults(Shrink *s);
void shrink_cut_duration(Shrink *s);

/* All of it: drop and simplify while faults go, then cut the duration. */
void shrink_all(Shrink *s);

/* Runs the current result once more for its sizes. */
void shrink_measure(Shrink *s, ShrinkSize *after);

/* The scenario for the result, to be written at `out_path`: it includes
 * the original by a path relative to `out_path`'s folder, switches its
 * faults off once the run is going, sets the duration and makes each
 * remaining fault an explicit at() call. `command` is the shrink command
 * line for the header. */
char *shrink_scenario_text(Shrink *s, const char *out_path, const char *command, const ShrinkSize *before);

/* Runs the scenario at `file` (the written result) with the seed and
 * overrides: TRUE if it violates the invariant. */
gboolean shrink_verify(Shrink *s, const char *file, GError **error);

void shrink_clear(Shrink *s);
