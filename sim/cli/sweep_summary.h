/* The summary of a sweep: per parameter point, the mean, standard error
 * and 95% confidence interval of availability and of every numeric metric,
 * the violated and failed runs, and the first failing seeds with the
 * command that reruns each. `sweep` and `merge` build it the same way, from
 * run records added in sweep order, so a merged sharded sweep prints
 * exactly what the unsharded one prints.
 *
 * The CSV (the contract with `faultsim plot`): a header row, then one row
 * per point in sweep order with the columns param_NAME for each swept
 * parameter, then for availability and each metric (in name order) M_mean,
 * M_se, M_ci95_lo, M_ci95_hi, M_n, then violated and errors. Numbers have
 * 6 significant digits; a cell with no value (no run reported the metric,
 * or fewer than 2 runs for a standard error) is empty. */
#pragma once
#include "sim/cli/sweep_record.h"

typedef struct SweepSummary SweepSummary;

/* Failing seeds listed per point in the table. */
#define SWEEP_FAILING_SHOWN 3

SweepSummary *sweep_summary_new(void);
void sweep_summary_free(SweepSummary *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepSummary, sweep_summary_free)

/* Adds one run; runs must come in sweep order (point, then seed). FALSE
 * with `error` when the run belongs to another sweep (another scenario,
 * other parameter names or --set values) or comes out of order; `where`
 * names it in the message. */
gboolean sweep_summary_add(SweepSummary *s, const SweepRun *run, const char *where, GError **error);

guint64 sweep_summary_runs(const SweepSummary *s);
guint64 sweep_summary_errors(const SweepSummary *s);
guint64 sweep_summary_violated(const SweepSummary *s);
/* The first run that could not run, as "a=1 b=2, seed 3: message", or NULL. */
const char *sweep_summary_first_error(const SweepSummary *s);
/* TRUE if some run reported metric `name`. */
gboolean sweep_summary_has_metric(const SweepSummary *s, const char *name);
/* Every metric name some run reported, in name order, joined by ", ". */
char *sweep_summary_metric_names(const SweepSummary *s);

/* What a scenario's analytic{} predicts for `measure` ("availability" or
 * a metric's name) at the point whose swept parameters are `params`
 * (name/value pairs, in --param order): TRUE with `*value`, FALSE when it
 * predicts nothing for that measure. */
typedef gboolean (*SweepAnalyticFn)(void *data, const GPtrArray *params, const char *measure, double *value);
/* With a prediction, the table adds after each predicted measure a column
 * "(measured − analytic) / se", flagged "!" beyond 3 standard errors. */
void sweep_summary_set_analytic(SweepSummary *s, SweepAnalyticFn fn, void *data);

/* The table for a reader: a header naming the scenario, parameters and
 * seeds; a row per point with availability and each of `metrics` (may be
 * NULL) as "mean ± se [ci95 lo, hi]", and the violated and error counts;
 * then the first failing seeds of each point with their rerun commands. */
char *sweep_summary_table(const SweepSummary *s, char *const *metrics);
/* The CSV described above. */
char *sweep_summary_csv(const SweepSummary *s);
