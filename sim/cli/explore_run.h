/* The run loop of `faultsim explore`: seeds 1, 2, ... of a scenario in
 * explore mode on threads, batch by batch, each run's outcome tallied in
 * seed order (explore_tally.h), so the report is the same for any number
 * of threads. Used by cli_explore.c and bench/bench_explore.c. */
#pragma once
#include "sim/cli/explore_tally.h"

typedef struct {
  const char *path;
  GHashTable *overrides;          /* --set, or NULL */
  const ScenarioOptions *options; /* limits; explore mode is turned on */
  guint runs;                     /* at most this many runs (seeds 1..runs) */
  SimTime wall_budget;            /* stop after the batch that passes this
                                     much wall-clock time; 0 = none */
  int jobs;                       /* threads, >= 1 */
  gboolean until_first;           /* stop at the lowest failing seed */
  gboolean progress;              /* a progress line on stderr */
} ExploreRunner;

/* Runs and tallies; never fails (a run that cannot finish is an error
 * outcome in the tally). */
ExploreTally *explore_runner_run(const ExploreRunner *r);
