/* Running one scenario for many seeds on several threads. Each run owns
 * all its state, so runs on threads give exactly what they give alone;
 * callers collect results per index and report in seed order, so output
 * never depends on the number of threads. Used by `check` and `sweep`. */
#pragma once
#include "sim/lua/scenario.h"

/* Called once per run, on a worker thread, with the finished scenario (or
 * NULL and the error that stopped it). It may write only to the slot of its
 * own `index`; the scenario is freed when it returns. */
typedef void (*BatchEach)(guint index, guint64 seed, Scenario *sc, const GError *error, void *data);

/* Runs `path` with `overrides` (may be NULL) for seeds first..first+n-1 on
 * `jobs` threads and waits for all of them. */
void batch_run(const char *path, GHashTable *overrides, const ScenarioOptions *options,
               guint64 first, guint n, int jobs, BatchEach each, void *data);

/* Asked on a worker thread before the run of `index`: TRUE skips it (its
 * BatchEach is not called). For `grade`, which needs only the first
 * failing seed: runs below a failure are never skipped, so the first
 * failure found is the same for any number of threads. */
typedef gboolean (*BatchSkip)(guint index, void *data);

/* batch_run, asking `skip` (may be NULL) before each run. */
void batch_run_until(const char *path, GHashTable *overrides, const ScenarioOptions *options,
                     guint64 first, guint n, int jobs, BatchSkip skip, BatchEach each, void *data);
