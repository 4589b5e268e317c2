/* A sweep's outputs: the --out JSON-lines stream (opened fresh, or read
 * back for --resume), and the end of `sweep` and `merge` (the unknown
 * --metric check, the CSV, the table, the exit status). */
#pragma once
#include "sim/cli/sweep_params.h"
#include "sim/cli/sweep_summary.h"
#include "sim/lua/scenario_output.h"
#include <stdio.h>

typedef struct SweepOut SweepOut;

/* Opens `file` for the runs of `plan` over scenario `path` with the --set
 * `pairs`. Fresh: the file is created or emptied. With `resume` an
 * existing file is read first: each line must be a run of this sweep and
 * of this shard, each run at most once (else FALSE, "FILE:LINE: ...", and
 * the file is left alone); an unfinished last line (a sweep killed while
  * writing it) is cut off; new runs are appended. It may be neither the
 * scenario nor `csv` (the --csv file, or NULL). */
SweepOut *sweep_out_open(const char *file, gboolean resume, const SweepPlan *plan, const char *path,
                         const GPtrArray *pairs, const char *csv, GError **error);
/* The runs read back: run index (gint64*) → SweepRun*; NULL when fresh. */
GHashTable *sweep_out_resumed(SweepOut *out);
int sweep_out_fd(SweepOut *out);
/* Closes the file; FALSE with `error` if that failed. */
gboolean sweep_out_close(SweepOut *out, GError **error);
void sweep_out_free(SweepOut *out);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepOut, sweep_out_free)

/* The end of `sweep` and `merge` (`command` names it in messages): a
 * --metric in `metrics` that no run reported is exit 2 with nothing
 * written; otherwise the CSV goes to `csv_file` (may be NULL) and
 * `outputs` is committed, the table goes to stdout, and a run that could
 * not run makes the exit status 2 with a count and the first on stderr. */
int sweep_finish(const SweepSummary *summary, char *const *metrics, FILE *csv_file, OutputSet *outputs,
                 const char *command);
