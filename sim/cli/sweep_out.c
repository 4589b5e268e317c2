#include "sim/cli/sweep_out.h"
#include "sim/kernel/errors.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct SweepOut {
  char *file;
  int fd;
  GHashTable *resumed;
};

void sweep_out_free(SweepOut *out)
{
  if (!out)
    return;
  if (out->fd >= 0)
    close(out->fd);
  if (out->resumed)
    g_hash_table_unref(out->resumed);
  g_free(out->file);
  g_free(out);
}

GHashTable *sweep_out_resumed(SweepOut *out)
{
  return out->resumed;
}

int sweep_out_fd(SweepOut *out)
{
  return out->fd;
}

gboolean sweep_out_close(SweepOut *out, GError **error)
{
  int fd = out->fd;
  out->fd = -1;
  if (close(fd) != 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "--out %s: %s", out->file, g_strerror(errno));
    return FALSE;
  }
  return TRUE;
}

/* TRUE if `a` and `b` name the same file (by name, or by device and inode
 * when both exist). */
static gboolean same_file(const char *a, const char *b)
{
  if (strcmp(a, b) == 0)
    return TRUE;
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The index of `run` in `plan`, checking that it is one of its runs. */
static gboolean run_index(const SweepPlan *plan, const char *path, const GPtrArray *pairs, const SweepRun *run,
                          const char *where, guint64 *index, GError **error)
{
  const char *why = NULL;
  if (strcmp(run->scenario, path) != 0)
    why = "another scenario";
  else if (run->sets->len != pairs->len)
    why = "other --set values";
  for (guint i = 0; !why && i < pairs->len; i++)
    if (strcmp(run->sets->pdata[i], pairs->pdata[i]) != 0)
      why = "other --set values";
  if (!why && (run->point >= plan->npoints || run->params->len != 2 * plan->axes->len))
    why = "other parameters";
  for (guint a = 0; !why && a < plan->axes->len; a++)
    if (strcmp(run->params->pdata[2 * a], ((SweepAxis *) plan->axes->pdata[a])->name) != 0 ||
        strcmp(run->params->pdata[2 * a + 1], sweep_plan_value(plan, run->point, a)) != 0)
      why = "other parameters";
  if (!why && (run->seed < plan->first_seed || run->seed - plan->first_seed >= plan->nseeds))
    why = "a seed outside --seeds";
  guint64 k = run->point * plan->nseeds + (run->seed - plan->first_seed);
  if (!why && !sweep_plan_in_shard(plan, k))
    why = "another --shard";
  if (why) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: a run of another sweep (%s); resume with the same command, or write to another --out file",
                where, why);
    return FALSE;
  }
  *index = k;
  return TRUE;
}

/* Reads the runs in `text`; `*complete` gets the length up to the end of
 * the last whole line. */
static gboolean read_runs(SweepOut *out, const char *text, gsize len, const SweepPlan *plan, const char *path,
                          const GPtrArray *pairs, gsize *complete, GError **error)
{
  const char *end = text + len;
  while (end > text && end[-1] != '\n')
    end--;
  *complete = (gsize) (end - text);
  guint line = 0;
  for (const char *p = text; p < end;) {
    const char *nl = memchr(p, '\n', (gsize) (end - p));
    line++;
    g_autofree char *where = g_strdup_printf("%s:%u", out->file, line);
    if (nl == p) {
      p = nl + 1;
      continue;
    }
    SweepRun *run = sweep_run_from_json(p, (gsize) (nl - p), where, error);
    guint64 k = 0;
    if (!run || !run_index(plan, path, pairs, run, where, &k, error)) {
      sweep_run_free(run);
      return FALSE;
    }
    gint64 key = (gint64) k;
    if (g_hash_table_contains(out->resumed, &key)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: seed %" G_GUINT64_FORMAT " of point %" G_GUINT64_FORMAT
                  " is in the file twice", where, run->seed, run->point);
      sweep_run_free(run);
      return FALSE;
    }
    g_hash_table_insert(out->resumed, g_memdup2(&key, sizeof key), run);
    p = nl + 1;
  }
  return TRUE;
}

SweepOut *sweep_out_open(const char *file, gboolean resume, const SweepPlan *plan, const char *path,
                         const GPtrArray *pairs, const char *csv, GError **error)
{
  const char *others[] = { path, csv };
  for (guint i = 0; i < G_N_ELEMENTS(others); i++)
    if (others[i] && same_file(file, others[i])) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--out %s: the same file as %s", file, others[i]);
      return NULL;
    }
  if (g_file_test(file, G_FILE_TEST_IS_DIR)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--out %s: is a folder", file);
    return NULL;
  }
  g_autoptr(SweepOut) out = g_new0(SweepOut, 1);
  out->file = g_strdup(file);
  out->fd = -1;
  gsize complete = 0, len = 0;
  gboolean existed = resume && g_file_test(file, G_FILE_TEST_EXISTS);
  if (existed) {
    g_autofree char *text = NULL;
    GError *io = NULL;
    if (!g_file_get_contents(file, &text, &len, &io)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "--out %s", io->message);
      g_error_free(io);
      return NULL;
    }
    out->resumed = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) sweep_run_free);
    if (!read_runs(out, text, len, plan, path, pairs, &complete, error))
      return NULL;
  } else if (resume) {
    out->resumed = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) sweep_run_free);
  }
  out->fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC | (resume ? O_APPEND : O_TRUNC), 0666);
  if (out->fd < 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "--out %s: %s", file, g_strerror(errno));
    return NULL;
  }
  if (existed && complete < len) {
    fprintf(stderr, "faultsim sweep: --out %s: cut off an unfinished last line (%" G_GSIZE_FORMAT " bytes)\n", file,
            len - complete);
    if (ftruncate(out->fd, (off_t) complete) != 0) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "--out %s: %s", file, g_strerror(errno));
      return NULL;
    }
  }
  return g_steal_pointer(&out);
}

int sweep_finish(const SweepSummary *summary, char *const *metrics, FILE *csv_file, OutputSet *outputs,
                 const char *command)
{
  gboolean unknown = FALSE;
  for (guint k = 0; metrics && metrics[k]; k++)
    if (!sweep_summary_has_metric(summary, metrics[k])) {
      g_autofree char *reported = sweep_summary_metric_names(summary);
      fprintf(stderr, "faultsim %s: --metric %s: no run reported a metric of that name (the runs report: %s)\n",
              command, metrics[k], *reported ? reported : "none");
      unknown = TRUE;
    }
  if (unknown)
    return SIM_EXIT_USAGE;
  if (csv_file) {
    g_autofree char *text = sweep_summary_csv(summary);
    fwrite(text, 1, strlen(text), csv_file);
  }
  GError *error = NULL;
  if (!output_set_commit(outputs, &error)) {
    fprintf(stderr, "faultsim %s: %s\n", command, error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  g_autofree char *table = sweep_summary_table(summary, metrics);
  fwrite(table, 1, strlen(table), stdout);
  guint64 errors = sweep_summary_errors(summary);
  if (errors) {
    fprintf(stderr, "faultsim %s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " runs could not run; the first: %s\n",
            command, errors, sweep_summary_runs(summary), sweep_summary_first_error(summary));
    return SIM_EXIT_USAGE;
  }
  return SIM_EXIT_OK;
}
