#include "sim/cli/batch.h"

typedef struct {
  const char *path;
  GHashTable *overrides;
  const ScenarioOptions *options;
  guint64 first;
  BatchSkip skip;
  BatchEach each;
  void *data;
} Batch;

static void run_one(gpointer item, gpointer user_data)
{
  Batch *b = user_data;
  guint index = GPOINTER_TO_UINT(item) - 1;
  guint64 seed = b->first + index;
  if (b->skip && b->skip(index, b->data))
    return;
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run(b->path, seed, b->overrides, b->options, &error);
  b->each(index, seed, sc, error, b->data);
  g_clear_error(&error);
}

void batch_run(const char *path, GHashTable *overrides, const ScenarioOptions *options,
               guint64 first, guint n, int jobs, BatchEach each, void *data)
{
  batch_run_until(path, overrides, options, first, n, jobs, NULL, each, data);
}

void batch_run_until(const char *path, GHashTable *overrides, const ScenarioOptions *options, guint64 first, guint n,
                     int jobs, BatchSkip skip, BatchEach each, void *data)
{
  /* The script is parsed once for all the seeds. */
  g_autoptr(ScenarioCode) code = scenario_code_new(path, options->limits.mem_limit);
  ScenarioOptions shared = *options;
  shared.code = code;
  Batch b = { path, overrides, &shared, first, skip, each, data };
  /* One worker is this thread: starting a thread cost more than a short
   * run (check starts one batch per scenario file). */
  if (MIN((guint) MAX(jobs, 1), n) == 1) {
    for (guint i = 0; i < n; i++)
      run_one(GUINT_TO_POINTER(i + 1), &b);
    return;
  }
  GThreadPool *pool = g_thread_pool_new(run_one, &b, (gint) MIN((guint) jobs, n), TRUE, NULL);
  for (guint i = 0; i < n; i++)
    g_thread_pool_push(pool, GUINT_TO_POINTER(i + 1), NULL);
  g_thread_pool_free(pool, FALSE, TRUE);
}
