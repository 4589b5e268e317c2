/* `faultsim check [PATH...]`: the regression runner. Runs every scenario
 * under the given files or folders for the seeds it declares, checks its
 * expectations, prints a line per scenario and a last line
 * "N passed, N failed, N errors". A scenario that could not run (an error)
 * is told apart from one that ran and failed, in the count and in the exit
 * status, so CI can tell a broken file from a broken protocol. */
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/cli/batch.h"
#include "sim/cli/sweep_record.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int cmp_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Collects *.lua files under `path` (recursively, sorted). Files and folders
 * whose names start with '_' are helpers, not scenarios, and are skipped;
 * so is a lab's test list, tests.lua (data for `faultsim grade`). */
static gboolean collect(const char *path, GPtrArray *files, GError **error)
{
  if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    g_ptr_array_add(files, g_strdup(path));
    return TRUE;
  }
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: no such file or folder", path);
    return FALSE;
  }
  GDir *dir = g_dir_open(path, 0, error);
  if (!dir)
    return FALSE;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  for (const char *name; (name = g_dir_read_name(dir));)
    if (name[0] != '_' && name[0] != '.')
      g_ptr_array_add(names, g_strdup(name));
  g_dir_close(dir);
  g_ptr_array_sort(names, cmp_names);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *child = g_build_filename(path, names->pdata[i], NULL);
    if (g_file_test(child, G_FILE_TEST_IS_DIR)) {
      if (!collect(child, files, error))
        return FALSE;
    } else if (g_str_has_suffix(child, ".lua") && strcmp(names->pdata[i], "tests.lua") != 0) {
      g_ptr_array_add(files, g_steal_pointer(&child));
    }
  }
  return TRUE;
}

/* The outcome of one seed. */
typedef struct {
  guint64 seed;
  gboolean ran;       /* FALSE: the script failed (error set) */
  gboolean held;
  gboolean any_seed;
  char *failure;      /* first failed expectation, or the error */
} SeedResult;

typedef struct {
  const char *path;
  SeedResult *results;
  GMutex lock;
  guint done, total;
  gboolean progress;
} CheckJob;

static void judge_seed(guint index, guint64 seed, Scenario *sc, const GError *error, void *data)
{
  CheckJob *job = data;
  SeedResult *r = &job->results[index];
  r->seed = seed;
  if (!sc) {
    r->failure = g_strdup(error->message);
  } else {
    g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
    r->ran = TRUE;
    r->any_seed = sc->expect.any_seed;
    r->held = scenario_verdict(sc, failures);
    if (!r->held) {
      g_autofree char *example = sweep_first_example(sc);
      r->failure = example ? g_strdup_printf("%s; first: %s", (char *) failures->pdata[0], example)
                           : g_strdup(failures->pdata[0]);
    }
  }
  g_mutex_lock(&job->lock);
  job->done++;
  if (job->progress)
    fprintf(stderr, "\r  %s: %u of %u seeds...", job->path, job->done, job->total);
  g_mutex_unlock(&job->lock);
}

typedef enum { CHECK_PASS, CHECK_FAIL, CHECK_ERROR } CheckOutcome;

/* Runs one scenario over its seeds on `jobs` threads (each run owns all its
 * state) with the --set `overrides` (may be NULL; `sets_text` is how they
 * are written in a rerun command, "" if none) and reports in seed order, so
 * the output does not depend on `jobs`. CHECK_ERROR when the file or one of
 * its seeds could not run. */
static CheckOutcome check_one(const char *path, const ScenarioOptions *options, GHashTable *overrides,
                          const char *sets_text, const char *seeds, int jobs, FILE *out)
{
  guint64 first = 1, last = 1;
  GError *error = NULL;
  if (!scenario_peek_seeds(path, &first, &last, &error) || !cli_parse_seeds(seeds, &first, &last, &error)) {
    fprintf(out, "ERROR %s: %s\n", path, error->message);
    g_error_free(error);
    return CHECK_ERROR;
  }
  guint n = (guint) (last - first + 1);
  SeedResult *results = g_new0(SeedResult, n);
  CheckJob job = { path, results, { 0 }, 0, n, isatty(fileno(stderr)) && n > 1 };
  g_mutex_init(&job.lock);
  batch_run(path, overrides, options, first, n, jobs, judge_seed, &job);
  g_mutex_clear(&job.lock);
  if (job.progress)
    fprintf(stderr, "\r\033[K");

  guint held = 0;
  const SeedResult *bad = NULL;
  gboolean any_seed = FALSE;
  CheckOutcome outcome;
  g_autofree char *rerun_path = cli_shell_word(path);
  for (guint i = 0; i < n; i++) {
    if (!results[i].ran) {
      bad = &results[i];
      break;
    }
    any_seed = results[i].any_seed;
    held += results[i].held;
    if (!results[i].held && !bad)
      bad = &results[i];
  }
  if (bad && !bad->ran) {
    fprintf(out, "ERROR %s seed %" G_GUINT64_FORMAT ": %s (rerun: %s run %s --seed %" G_GUINT64_FORMAT "%s)\n", path,
            bad->seed, bad->failure, cli_program(), rerun_path, bad->seed, sets_text);
    outcome = CHECK_ERROR;
  } else {
    outcome = (any_seed ? held > 0 : held == n) ? CHECK_PASS : CHECK_FAIL;
    if (outcome == CHECK_PASS)
      fprintf(out, "PASS  %-40s seeds %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ", held in %u/%u%s\n", path, first,
              last, held, n, any_seed ? " (needs any)" : "");
    else if (any_seed)
      fprintf(out, "FAIL  %-40s held in no seed of %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "; seed %" G_GUINT64_FORMAT
              ": %s\n", path, first, last, bad->seed, bad->failure);
    else
      fprintf(out, "FAIL  %-40s seed %" G_GUINT64_FORMAT ": %s (held in %u/%u; rerun: %s run %s --seed %"
              G_GUINT64_FORMAT "%s)\n", path, bad->seed, bad->failure, held, n, cli_program(), rerun_path, bad->seed,
              sets_text);
  }
  fflush(out);
  for (guint i = 0; i < n; i++)
    g_free(results[i].failure);
  g_free(results);
  return outcome;
}

int handle_check(int argc, char **argv)
{
  gint jobs = 1;
  g_auto(GStrv) sets = NULL;
  g_autofree char *seeds = NULL;
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  GOptionEntry entries[] = {
    { "seeds", 0, 0, G_OPTION_ARG_STRING, &seeds, "Run these seeds instead of each scenario's own: N (1..N) or FIRST-LAST", "N|A-B" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Run N seeds at once (default 1); the output is the same for any N", "N" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a parameter in every scenario checked (repeatable)", "KEY=VALUE" },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("[PATH...] - run scenarios as regression tests");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_add_group(ctx, cli_limits_group(&options.limits));
  g_option_context_set_summary(ctx,
      "Runs every scenario file under the given files or folders (default: scenarios)\n"
      "for each seed it declares (scenario{ seeds = N }), checks its expect{},\n"
      "prints one line per scenario (PASS, FAIL with the first failing seed and the\n"
      "command to rerun it, or ERROR when it could not run) and a last line\n"
      "\"N passed, N failed, N errors\". Files and folders starting with '_' are\n"
      "skipped. --set overrides a parameter in every scenario checked (a lab's\n"
      "grader: --set solution=FILE).");
  g_option_context_set_description(ctx,
      "Exit status: 0 all passed; 1 some failed and every one ran; 2 bad usage, or\n"
      "some scenario could not run (a load error, a script error in some seed),\n"
      "whatever the others did.\n\n"
      "Example: faultsim check --jobs 2 scenarios\n"
      "         faultsim check scenarios/labs/2pc/grade.lua --set solution=_my_2pc.lua");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim check: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  if (jobs < 1 || jobs > 256) {
    fprintf(stderr, "faultsim check: --jobs must be 1..256\n");
    return SIM_EXIT_USAGE;
  }
  guint64 seed_a = 1, seed_b = 1;
  if (!cli_parse_seeds(seeds, &seed_a, &seed_b, &error)) {
    fprintf(stderr, "faultsim check: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  g_autoptr(GHashTable) overrides = NULL;
  g_autoptr(GString) sets_text = g_string_new(NULL);
  if (sets) {
    overrides = cli_parse_sets(sets, &error);
    if (!overrides) {
      fprintf(stderr, "faultsim check: %s\n", error->message);
      g_error_free(error);
      return SIM_EXIT_USAGE;
    }
    for (int i = 0; sets[i]; i++) {
      g_autofree char *quoted = g_shell_quote(sets[i]);
      g_string_append_printf(sets_text, " --set %s", quoted);
    }
  }
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  const char *fallback[] = { "scenarios" };
  int npaths = argc > 1 ? argc - 1 : 1;
  for (int i = 0; i < npaths; i++) {
    const char *path = argc > 1 ? argv[i + 1] : fallback[0];
    if (!collect(path, files, &error)) {
      fprintf(stderr, "faultsim check: %s\n", error->message);
      g_error_free(error);
      return SIM_EXIT_USAGE;
    }
  }
  if (files->len == 0) {
    fprintf(stderr, "faultsim check: no scenario files found\n");
    return SIM_EXIT_USAGE;
  }
  guint count[3] = { 0, 0, 0 }; /* by CheckOutcome */
  for (guint i = 0; i < files->len; i++)
    count[check_one(files->pdata[i], &options, overrides, sets_text->str, seeds, jobs, stdout)]++;
  printf("%u passed, %u failed, %u errors\n", count[CHECK_PASS], count[CHECK_FAIL], count[CHECK_ERROR]);
  return count[CHECK_ERROR] ? SIM_EXIT_USAGE : count[CHECK_FAIL] ? SIM_EXIT_VIOLATION : SIM_EXIT_OK;
}
