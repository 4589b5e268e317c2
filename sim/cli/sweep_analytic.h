/* A sweep's predictions from its scenario's analytic{} formulas (see
 * sim/lua/scenario_analytic.h), for the summary's "measured − analytic"
 * columns (sweep_summary_set_analytic). */
#pragma once
#include <glib.h>

typedef struct SweepAnalytic SweepAnalytic;

/* The formulas of the script at `path` evaluated with its --set values
 * `fixed` (name → text; borrowed, must outlive the result) overlaid by each
 * point's swept values. */
SweepAnalytic *sweep_analytic_new(const char *path, GHashTable *fixed);
void sweep_analytic_free(SweepAnalytic *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepAnalytic, sweep_analytic_free)

/* A SweepAnalyticFn: the prediction for `measure` at the point `pairs`
 * (name, value, name, value ...). Each point's formulas run once; a
 * formula that fails is reported on stderr once and predicts nothing. */
gboolean sweep_analytic_predict(void *data, const GPtrArray *pairs, const char *measure, double *value);
