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
