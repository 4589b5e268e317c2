/* Running a sweep's runs on threads and handing them on in sweep order.
 *
 * Workers take run indices in order (of the plan's shard, skipping runs
 * already resumed from the --out file), run each scenario in-process and
 * park the record; whichever worker fills the gap at the front writes the
 * records that are now in order to the --out file (one write() per line,
 * so a killed sweep leaves whole lines) and adds them to the summary. So
 * the file and the summary are the same for any number of threads, and a
 * run that fails is a record with its error, not the end of the sweep.
 * Workers stay within SWEEP_WINDOW runs of the front, which bounds the
 * parked records whatever the length of the sweep. */
#pragma once
#include "sim/cli/sweep_params.h"
#include "sim/cli/sweep_summary.h"

#define SWEEP_WINDOW 1024

typedef struct {
  const SweepPlan *plan;
  const char *path;            /* the scenario */
  GHashTable *fixed;           /* --set name → value (may be NULL) */
  const GPtrArray *set_pairs;  /* the same as name/value pairs, in order */
  const ScenarioOptions *options;
  int jobs;
  GHashTable *resumed;         /* run index (gint64*) → SweepRun*, already in
                                  the file: added to the summary, not rerun */
  int out_fd;                  /* the --out file, or -1 */
  const char *out_name;        /* its name, for messages */
  SweepSummary *summary;
  int progress;                /* 0 none, 1 lines every few seconds, 2 a
                                  terminal line redrawn in place */
} SweepRunner;

/* Runs every run of the plan's shard not in `resumed`, writes and sums
 * them in order. FALSE with `error` only when the --out file could not be
 * written or the summary refused a record (the runs' own failures are
 * records). */
gboolean sweep_runner_run(SweepRunner *r, GError **error);
