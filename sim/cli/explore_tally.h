/* What `faultsim explore` keeps of its runs: each run's outcome (taken on
 * its worker thread from the finished scenario), and the tally over runs
 * added in seed order: failures grouped by invariant and the shape of
 * their first message, and the fault coverage table (fault kind × node
 * role × protocol phase → runs). Output never depends on the number of
 * threads: outcomes are added in seed order. */
#pragma once
#include "sim/lua/scenario.h"
#include <stdio.h>

typedef enum { EXPLORE_HELD, EXPLORE_VIOLATED, EXPLORE_ERROR } ExploreStatus;

typedef struct {
  guint64 seed;
  ExploreStatus status;
  char *invariant;   /* the violated invariant whose first violation came
                        first, "error" for a run that could not finish;
                        NULL when it held */
  char *message;     /* that violation's first message ("t=...s: ..."),
                        or the error */
  char *shape;       /* the message with every number made '#' and its
                        time left out: equal shapes are one failure */
  guint64 events;
  guint injected;    /* faults the swarm injected */
  guint32 kinds;     /* fault kinds explore{} allows (explore_fault_kinds bits) */
  GPtrArray *cells;  /* ExploreCell* (explore.h) */
} ExploreOutcome;

/* Fills `out` from a finished run (`sc`), or from the `error` that stopped
 * it (`sc` NULL). */
void explore_outcome_fill(ExploreOutcome *out, guint64 seed, Scenario *sc, const GError *error);
void explore_outcome_clear(ExploreOutcome *out);
/* "atomicity\n<shape>": the key under which identical failures group. */
char *explore_outcome_key(const ExploreOutcome *out);
/* `message` with its leading "t=...s: " left out and every run of digits
 * (with decimal points between them) made '#'. */
char *explore_shape(const char *message);

typedef struct ExploreTally ExploreTally;
ExploreTally *explore_tally_new(void);
void explore_tally_free(ExploreTally *tally);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExploreTally, explore_tally_free)
/* Adds one outcome; call in seed order. */
void explore_tally_add(ExploreTally *tally, const ExploreOutcome *out);
guint explore_tally_runs(const ExploreTally *tally);
guint explore_tally_violated(const ExploreTally *tally);
guint explore_tally_errors(const ExploreTally *tally);
guint explore_tally_unique(const ExploreTally *tally);
/* Events simulated and faults the swarm injected, over every run. */
guint64 explore_tally_events(const ExploreTally *tally);
guint64 explore_tally_injected(const ExploreTally *tally);
/* Runs that injected a fault of `kind` into a node of `role` whose phase
 * was `phase`; 0 for a cell never seen. */
guint explore_tally_coverage(const ExploreTally *tally, const char *role, const char *phase, const char *kind);

/* Prints the failure groups, in order of their first seed, each with its
 * runs, first message and the command that reproduces it:
 * `program` run `rerun_args` --explore --seed N (rerun_args: the scenario
 * and its --set words, already shell-quoted). */
void explore_tally_print_failures(const ExploreTally *tally, const char *program, const char *rerun_args, FILE *out);
/* Prints the coverage table: a row per (role, phase) seen in any run, a
 * column per fault kind allowed, runs in each cell. */
void explore_tally_print_coverage(const ExploreTally *tally, FILE *out);
