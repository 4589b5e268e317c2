#include "sim/cli/sweep_run.h"
#include "sim/kernel/errors.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Positions count the shard's runs: position q is run index
 * q × nshards + shard − 1. */
typedef struct {
  SweepRunner *r;
  GMutex lock;
  GCond moved;          /* the front advanced, or the sweep stopped */
  guint64 npos;         /* positions in the shard */
  guint64 claim;        /* the next position a worker may take */
  guint64 front;        /* the next position to write and sum */
  SweepRun *parked[SWEEP_WINDOW];
  GError *error;        /* the first fatal error; stops the sweep */
  /* progress */
  guint64 todo, done, violated, errors;
  gint64 started, shown;
} Sweep;

static guint64 index_of(const Sweep *s, guint64 pos)
{
  return pos * s->r->plan->nshards + s->r->plan->shard - 1;
}

static SweepRun *resumed_at(const Sweep *s, guint64 pos)
{
  if (!s->r->resumed)
    return NULL;
  gint64 k = (gint64) index_of(s, pos);
  return g_hash_table_lookup(s->r->resumed, &k);
}

/* Writes all of `text` to `fd`. */
static gboolean write_all(int fd, const char *text, gsize len)
{
  while (len > 0) {
    ssize_t n = write(fd, text, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    text += n;
    len -= (gsize) n;
  }
  return TRUE;
}

static void format_duration(char *buf, gsize size, double s)
{
  guint64 t = (guint64) (s + 0.5);
  if (t >= 3600)
    g_snprintf(buf, size, "%" G_GUINT64_FORMAT ":%02u:%02u", t / 3600, (guint) (t / 60 % 60), (guint) (t % 60));
  else
    g_snprintf(buf, size, "%u:%02u", (guint) (t / 60), (guint) (t % 60));
}

/* The progress line on stderr: at most every 0.2 s on a terminal (redrawn
 * in place), every 5 s otherwise; `last` forces it. Wall-clock time is
 * used only here, and stderr is not an output of the sweep. */
static void show_progress(Sweep *s, gboolean last)
{
  if (!s->r->progress)
    return;
  gint64 now = g_get_monotonic_time(); /* wallclock-ok: progress on stderr only */
  gint64 every = s->r->progress == 2 ? 200000 : 5000000;
  if (!last && now - s->shown < every)
    return;
  if (last && s->r->progress == 1)
    return;
  s->shown = now;
  double elapsed = (double) (now - s->started) / 1e6;
  double rate = elapsed > 0 ? (double) s->done / elapsed : 0;
  char el[32], eta[32] = "?";
  format_duration(el, sizeof el, elapsed);
  if (rate > 0)
    format_duration(eta, sizeof eta, (double) (s->todo - s->done) / rate);
  if (s->r->progress == 2 && last) {
    fprintf(stderr, "\r\033[K");
    return;
  }
  fprintf(stderr, "%s  %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " runs, %" G_GUINT64_FORMAT " violated, %"
          G_GUINT64_FORMAT " errors, %.0f runs/s, %s elapsed, ETA %s%s", s->r->progress == 2 ? "\r\033[K" : "",
          s->done, s->todo, s->violated, s->errors, rate, el, eta, s->r->progress == 2 ? "" : "\n");
  fflush(stderr);
}

/* Writes and sums every record now at the front. Called with the lock. */
static void drain(Sweep *s)
{
  SweepRunner *r = s->r;
  while (s->front < s->npos && !s->error) {
    SweepRun *old = resumed_at(s, s->front);
    SweepRun *run = old ? old : s->parked[s->front % SWEEP_WINDOW];
    if (!run)
      break;
    if (!old) {
      s->parked[s->front % SWEEP_WINDOW] = NULL;
      if (r->out_fd >= 0) {
        g_autofree char *line = sweep_run_to_json(run);
        if (!write_all(r->out_fd, line, strlen(line)))
          g_set_error(&s->error, SIM_ERROR, SIM_ERROR_IO, "--out %s: writing failed: %s", r->out_name,
                      g_strerror(errno));
      }
      s->done++;
      s->violated += run->status == SWEEP_VIOLATED;
      s->errors += run->status == SWEEP_ERROR;
    }
    g_autofree char *where = g_strdup_printf("run %" G_GUINT64_FORMAT, index_of(s, s->front));
    if (!s->error)
      sweep_summary_add(r->summary, run, where, &s->error);
    if (!old)
      sweep_run_free(run);
    s->front++;
  }
  show_progress(s, FALSE);
  g_cond_broadcast(&s->moved);
}

/* One run: the scenario with the point's parameters and the seed. */
static SweepRun *run_one(SweepRunner *r, guint64 index)
{
  const SweepPlan *plan = r->plan;
  guint64 point = index / plan->nseeds, seed = plan->first_seed + index % plan->nseeds;
  g_autoptr(GPtrArray) params = g_ptr_array_new();
  g_autoptr(GHashTable) overrides = g_hash_table_new(g_str_hash, g_str_equal);
  if (r->fixed) {
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, r->fixed);
    while (g_hash_table_iter_next(&it, &k, &v))
      g_hash_table_insert(overrides, k, v); /* a lookup table: its order never shows */
  }
  for (guint a = 0; a < plan->axes->len; a++) {
    const SweepAxis *axis = plan->axes->pdata[a];
    const char *value = sweep_plan_value(plan, point, a);
    g_ptr_array_add(params, axis->name);
    g_ptr_array_add(params, (gpointer) value);
    g_hash_table_insert(overrides, axis->name, (gpointer) value);
  }
  SweepRun *run = sweep_run_new(r->path, params, r->set_pairs, point, seed);
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run(r->path, seed, overrides, r->options, &error);
  if (sc)
    sweep_run_fill(run, sc);
  else {
    sweep_run_fail(run, error->message);
    g_error_free(error);
  }
  return run;
}

static gpointer worker(gpointer data)
{
  Sweep *s = data;
  g_mutex_lock(&s->lock);
  for (;;) {
    while (!s->error && s->claim < s->npos && resumed_at(s, s->claim))
      s->claim++;
    if (s->error || s->claim >= s->npos)
      break;
    if (s->claim >= s->front + SWEEP_WINDOW) {
      g_cond_wait(&s->moved, &s->lock);
      continue;
    }
    guint64 pos = s->claim++;
    g_mutex_unlock(&s->lock);
    SweepRun *run = run_one(s->r, index_of(s, pos));
    g_mutex_lock(&s->lock);
    s->parked[pos % SWEEP_WINDOW] = run;
    drain(s);
  }
  g_mutex_unlock(&s->lock);
  return NULL;
}

gboolean sweep_runner_run(SweepRunner *r, GError **error)
{
  Sweep *s = g_new0(Sweep, 1);
  s->r = r;
  g_mutex_init(&s->lock);
  g_cond_init(&s->moved);
  s->npos = sweep_plan_shard_runs(r->plan);
  s->todo = s->npos - (r->resumed ? g_hash_table_size(r->resumed) : 0);
  s->started = s->shown = g_get_monotonic_time(); /* wallclock-ok: progress on stderr only */
  g_mutex_lock(&s->lock);
  drain(s); /* resumed runs at the front */
  g_mutex_unlock(&s->lock);
  GThread **threads = g_new0(GThread *, (gsize) r->jobs);
  for (int i = 0; i < r->jobs; i++)
    threads[i] = g_thread_new("sweep", worker, s);
  for (int i = 0; i < r->jobs; i++)
    g_thread_join(threads[i]);
  g_free(threads);
  g_mutex_lock(&s->lock);
  drain(s); /* resumed runs after the last new one */
  show_progress(s, TRUE);
  g_mutex_unlock(&s->lock);
  for (guint i = 0; i < SWEEP_WINDOW; i++)
    if (s->parked[i])
      sweep_run_free(s->parked[i]);
  gboolean ok = !s->error;
  if (s->error)
    g_propagate_error(error, s->error);
  g_mutex_clear(&s->lock);
  g_cond_clear(&s->moved);
  g_free(s);
  return ok;
}
