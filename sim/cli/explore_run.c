#include "sim/cli/explore_run.h"
#include "sim/cli/batch.h"
#include <stdio.h>

/* Runs per batch: outcomes are tallied and freed between batches, and the
 * wall-clock budget is looked at between them. */
#define EXPLORE_CHUNK 4096
#define EXPLORE_TIMED_CHUNK 256

typedef struct {
  ExploreOutcome *slots;
  /* --until-first: the lowest failing index of the batch so far (G_MAXINT:
   * none); runs above it are skipped, so the first failure does not depend
   * on the number of threads. */
  gint stop_at;
  gboolean until_first;
  /* progress (stderr only) */
  GMutex lock;
  gboolean progress;
  guint done, failed;       /* over every batch */
  GHashTable *keys;         /* failure keys seen, for the unique count */
  gint64 started, shown;
} Explore;

static void show_progress(Explore *x, gboolean last)
{
  gint64 now = g_get_monotonic_time(); /* wallclock-ok: progress on stderr only */
  if (!last && now - x->shown < 200000)
    return;
  x->shown = now;
  double elapsed = (double) (now - x->started) / 1e6;
  fprintf(stderr, "\r  explore: %u runs, %u failed, %u unique, %.0f runs/s   ", x->done, x->failed,
          g_hash_table_size(x->keys), elapsed > 0 ? x->done / elapsed : 0.0);
  if (last)
    fputc('\n', stderr);
}

static gboolean skip_run(guint index, void *data)
{
  Explore *x = data;
  return x->until_first && (gint) index > g_atomic_int_get(&x->stop_at);
}

static void take_run(guint index, guint64 seed, Scenario *sc, const GError *error, void *data)
{
  Explore *x = data;
  ExploreOutcome *out = &x->slots[index];
  explore_outcome_fill(out, seed, sc, error);
  if (out->status != EXPLORE_HELD && x->until_first) {
    gint old;
    do
      old = g_atomic_int_get(&x->stop_at);
    while ((gint) index < old && !g_atomic_int_compare_and_exchange(&x->stop_at, old, (gint) index));
  }
  if (!x->progress)
    return;
  g_mutex_lock(&x->lock);
  x->done++;
  if (out->status != EXPLORE_HELD) {
    x->failed++;
    g_hash_table_add(x->keys, explore_outcome_key(out));
  }
  show_progress(x, FALSE);
  g_mutex_unlock(&x->lock);
}

ExploreTally *explore_runner_run(const ExploreRunner *r)
{
  ScenarioOptions options = *r->options;
  options.explore = TRUE;
  Explore x = { .until_first = r->until_first, .progress = r->progress };
  g_mutex_init(&x.lock);
  x.keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  x.started = x.shown = g_get_monotonic_time(); /* wallclock-ok: the wall budget and progress, never a result */
  ExploreTally *tally = explore_tally_new();
  gboolean stopped = FALSE;
  for (guint done = 0; done < r->runs && !stopped;) {
    guint n = MIN(r->runs - done, r->wall_budget ? (guint) (EXPLORE_TIMED_CHUNK * r->jobs) : EXPLORE_CHUNK);
    x.slots = g_new0(ExploreOutcome, n);
    x.stop_at = G_MAXINT;
    batch_run_until(r->path, r->overrides, &options, (guint64) done + 1, n, r->jobs, skip_run, take_run, &x);
    for (guint i = 0; i < n; i++) {
      ExploreOutcome *out = &x.slots[i];
      if (!stopped && out->cells) {
        explore_tally_add(tally, out);
        stopped = r->until_first && out->status != EXPLORE_HELD;
      }
      explore_outcome_clear(out);
    }
    g_free(x.slots);
    done += n;
    gint64 now = g_get_monotonic_time(); /* wallclock-ok: the wall budget decides when to stop, never a result */
    if (r->wall_budget && (now - x.started) * 1000 >= r->wall_budget)
      break;
  }
  if (x.progress)
    show_progress(&x, TRUE);
  g_mutex_clear(&x.lock);
  g_hash_table_unref(x.keys);
  return tally;
}
