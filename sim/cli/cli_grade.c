/* `faultsim grade LAB_DIR SOLUTION.lua`: grades a solution against a lab's
 * test list (grade_lab.h). Each test runs the lab's grader scenario with
 * solution=SOLUTION and the test's --set values over its seeds; it earns
 * its points when every seed holds (the scenario's expect{} verdict). A
 * failed test shows its first failing seed, the invariant and its first
 * violation, the trace around it (grade_excerpt.h) and the commands that
 * reproduce and draw it. A solution that errors or overruns a budget fails
 * the test with the script's file:line; the grader itself goes on. Output
 * is text, or with --json the shape of Gradescope's results.json. The
 * first failing seed is the lowest one, whatever -j: seeds above a known
 * failure are skipped, seeds below it always run. */
#include "sim/kernel/json_text.h"
#include "sim/cli/cli.h"
#include "sim/cli/batch.h"
#include "sim/cli/grade_excerpt.h"
#include "sim/cli/grade_lab.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* One seed's result. */
typedef struct {
  gboolean done;        /* ran or failed to run (FALSE: skipped) */
  gboolean held;
  char *failure;        /* the failed expectation, or the error */
  gboolean error;       /* the run could not finish */
  char *example;        /* "invariant: t=...s: message", or NULL */
} GradeSeed;

typedef struct {
  GradeSeed *seeds;
  gint first_bad;       /* lowest failing index so far; G_MAXINT: none */
  GMutex lock;
} GradeRun;

static gboolean skip_seed(guint index, void *data)
{
  GradeRun *run = data;
  return (gint) index > g_atomic_int_get(&run->first_bad);
}

/* The invariant a failed verdict is about: the first failure naming one
 * ("invariant NAME = ..."), else the first violated invariant by name. Its
 * first example, "NAME: t=...s: message", or NULL. */
static char *explaining_example(Scenario *sc, GPtrArray *failures)
{
  g_autofree char *named = NULL;
  for (guint i = 0; i < failures->len && !named; i++) {
    const char *f = failures->pdata[i];
    if (g_str_has_prefix(f, "invariant ")) {
      const char *end = strchr(f + 10, ' ');
      named = end ? g_strndup(f + 10, (gsize) (end - f - 10)) : g_strdup(f + 10);
    }
  }
  g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(sc->sim->invariants), (GCompareFunc) strcmp);
  for (GList *k = keys; k; k = k->next) {
    SimInvariant *inv = g_hash_table_lookup(sc->sim->invariants, k->data);
    if (named && strcmp(named, k->data) != 0)
      continue;
    if (inv->count > 0 && inv->examples->len > 0)
      return g_strdup_printf("%s: %s", (char *) k->data, (char *) inv->examples->pdata[0]);
  }
  return NULL;
}

static void judge_seed(guint index, guint64 seed, Scenario *sc, const GError *error, void *data)
{
  (void) seed;
  GradeRun *run = data;
  GradeSeed *r = &run->seeds[index];
  r->done = TRUE;
  if (!sc) {
    r->error = TRUE;
    r->failure = g_strdup(error->message);
  } else {
    g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
    r->held = scenario_verdict(sc, failures);
    if (!r->held) {
      /* An invariant explains a bug better than the availability it cost. */
      const char *headline = failures->len ? failures->pdata[0] : "the expectations did not hold";
      for (guint i = failures->len; i-- > 0;)
        if (g_str_has_prefix(failures->pdata[i], "invariant "))
          headline = failures->pdata[i];
      r->failure = g_strdup(headline);
      r->example = explaining_example(sc, failures);
    }
  }
  if (!r->held) {
    g_mutex_lock(&run->lock);
    if ((gint) index < run->first_bad)
      g_atomic_int_set(&run->first_bad, (gint) index);
    g_mutex_unlock(&run->lock);
  }
}

/* What the grader was asked: the lab, the solution as the grader's
 * `solution` parameter, and the budgets. */
typedef struct {
  GradeLab *lab;
  char *solution;
  ScenarioLimits limits;
  int jobs;
} Grading;

/* The overrides of one test: solution, then the test's set values. */
static GHashTable *test_overrides(const Grading *g, const GradeTest *t)
{
  GHashTable *o = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace(o, g_strdup("solution"), g_strdup(g->solution));
  for (guint i = 0; i < t->keys->len; i++)
    g_hash_table_replace(o, g_strdup(t->keys->pdata[i]), g_strdup(t->values->pdata[i]));
  return o;
}

/* " --seed N --set solution=... --set k=v ...", shell-quoted. */
static char *run_args(const Grading *g, const GradeTest *t, guint64 seed)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, " --seed %" G_GUINT64_FORMAT, seed);
  g_autofree char *sol = g_strconcat("solution=", g->solution, NULL);
  g_autofree char *sol_q = cli_shell_word(sol);
  g_string_append_printf(s, " --set %s", sol_q);
  for (guint i = 0; i < t->keys->len; i++) {
    g_autofree char *kv = g_strdup_printf("%s=%s", (char *) t->keys->pdata[i], (char *) t->values->pdata[i]);
    g_autofree char *q = cli_shell_word(kv);
    g_string_append_printf(s, " --set %s", q);
  }
  return g_string_free(s, FALSE);
}

/* Grades one test; returns TRUE if it passed and appends what a student
 * reads about it (nothing for a pass) to `out`. */
static gboolean grade_test(const Grading *g, const GradeTest *t, GString *out)
{
  guint n = (guint) (t->last - t->first + 1);
  GradeRun run = { g_new0(GradeSeed, n), G_MAXINT, { 0 } };
  g_mutex_init(&run.lock);
  g_autoptr(GHashTable) overrides = test_overrides(g, t);
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  options.limits = g->limits;
  batch_run_until(g->lab->scenario, overrides, &options, t->first, n, g->jobs, skip_seed, judge_seed, &run);
  g_mutex_clear(&run.lock);

  gboolean passed = run.first_bad == G_MAXINT;
  if (!passed) {
    const GradeSeed *bad = &run.seeds[run.first_bad];
    guint64 seed = t->first + (guint64) run.first_bad;
    g_autofree char *args = run_args(g, t, seed);
    g_autofree char *scen = cli_shell_word(g->lab->scenario);
    if (bad->error) {
      g_string_append_printf(out, "seed %" G_GUINT64_FORMAT ": the run stopped with an error:\n  %s\n", seed,
                             bad->failure);
    } else {
      g_string_append_printf(out, "seed %" G_GUINT64_FORMAT ": %s\n", seed, bad->failure);
      if (bad->example)
        g_string_append_printf(out, "  %s\n", bad->example);
    }
    SimTime at = 0;
    if (!bad->error && bad->example && grade_violation_time(bad->example, &at)) {
      GError *error = NULL;
      g_autofree char *nodes = NULL;
      g_autoptr(GPtrArray) lines = grade_excerpt(g->lab->scenario, seed, overrides, &g->limits, at, bad->example,
                                                 &nodes, &error);
      if (lines) {
        g_string_append_printf(out, "trace around t=%.6fs (%s):\n", (double) at / 1e9, nodes);
        for (guint i = 0; i < lines->len; i++)
          g_string_append_printf(out, "  %s\n", (char *) lines->pdata[i]);
        if (lines->len == 0)
          g_string_append(out, "  (no message, fault or event of these nodes)\n");
      } else {
        g_string_append_printf(out, "(no trace: %s)\n", error->message);
        g_error_free(error);
      }
    }
    g_string_append_printf(out, "reproduce: %s run %s%s\n", cli_program(), scen, args);
    if (!bad->error && bad->example && grade_violation_time(bad->example, &at)) {
      double to = (double) at / 1e9 + 0.02, from = MAX(0.0, (double) at / 1e9 - 0.1);
      g_autofree char *png = g_strdup_printf("build/plots/grade-seed%" G_GUINT64_FORMAT ".png", seed);
      g_string_append_printf(out, "draw it:   tools/spacetime.sh %s %.3f %.3f %s%s\n", scen, from, to, png, args);
    }
  }
  for (guint i = 0; i < n; i++) {
    g_free(run.seeds[i].failure);
    g_free(run.seeds[i].example);
  }
  g_free(run.seeds);
  return passed;
}

/* The solution as the grader's `solution` parameter: its name when it is in
 * the lab's folder (include() resolves it there), else its absolute path. */
static char *solution_param(const char *lab_dir, const char *solution)
{
  g_autofree char *abs = g_canonicalize_filename(solution, NULL);
  g_autofree char *dir = g_path_get_dirname(abs);
  g_autofree char *lab = g_canonicalize_filename(lab_dir, NULL);
  if (strcmp(dir, lab) == 0)
    return g_path_get_basename(abs);
  return g_steal_pointer(&abs);
}

static void indent(GString *to, const char *text, const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (int i = 0; lines[i]; i++)
    if (lines[i][0])
      g_string_append_printf(to, "%s%s\n", prefix, lines[i]);
}

/* Gradescope's results.json: the total `score`, a summary `output`, and per
 * test `name`, `score`, `max_score`, `status` and `output` (what the text
 * output shows under the test). */
static void print_json(const Grading *g, GPtrArray *outputs, const gboolean *passed, guint score, const char *summary)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "score");
  json_builder_add_int_value(b, score);
  json_builder_set_member_name(b, "output");
  json_builder_add_string_value(b, summary);
  json_builder_set_member_name(b, "tests");
  json_builder_begin_array(b);
  for (guint i = 0; i < g->lab->tests->len; i++) {
    const GradeTest *t = g->lab->tests->pdata[i];
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, t->name);
    json_builder_set_member_name(b, "score");
    json_builder_add_int_value(b, passed[i] ? t->points : 0);
    json_builder_set_member_name(b, "max_score");
    json_builder_add_int_value(b, t->points);
    json_builder_set_member_name(b, "status");
    json_builder_add_string_value(b, passed[i] ? "passed" : "failed");
    json_builder_set_member_name(b, "output");
    g_autofree char *seeds = g_strdup_printf("seeds %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "\n%s", t->first,
                                             t->last, (char *) outputs->pdata[i]);
    json_builder_add_string_value(b, seeds);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  gsize len = 0;
  g_autofree char *text = sim_json_text(root, TRUE, &len);
  fwrite(text, 1, len, stdout);
  fputc('\n', stdout);
}

int handle_grade(int argc, char **argv)
{
  gint jobs = 1;
  gboolean json = FALSE;
  g_autofree char *seeds = NULL;
  Grading g = { .limits = SCENARIO_LIMITS_DEFAULT };
  GOptionEntry entries[] = {
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Run N seeds at once (default 1); the grade is the same for any N", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print Gradescope's results.json shape instead of text", NULL },
    { "seeds", 0, 0, G_OPTION_ARG_STRING, &seeds, "Run every test over these seeds instead of its own (make soak: 1-1000)", "N|A-B" },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("LAB_DIR SOLUTION.lua - grade a solution to a lab");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_add_group(ctx, cli_limits_group(&g.limits));
  g_option_context_set_summary(ctx,
      "Runs the lab's tests (LAB_DIR/tests.lua) with SOLUTION.lua as the grader's\n"
      "solution parameter. A test earns its points when every one of its seeds\n"
      "holds; for a failed test it prints the first failing seed, the invariant and\n"
      "its first violation, the trace around it and the commands that reproduce\n"
      "and draw it. A solution that errors or runs out of a budget fails the test.");
  g_option_context_set_description(ctx,
      "Exit status: 0 every test passed; 1 some test failed; 2 bad usage or a bad\n"
      "lab (LAB_DIR/tests.lua missing or malformed).\n\n"
      "Example: faultsim grade scenarios/labs/2pc scenarios/labs/2pc/_my_2pc.lua -j 2");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim grade: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  if (argc != 3) {
    fprintf(stderr, "faultsim grade: expected LAB_DIR SOLUTION.lua (see --help)\n");
    return SIM_EXIT_USAGE;
  }
  if (jobs < 1 || jobs > 256) {
    fprintf(stderr, "faultsim grade: --jobs must be 1..256\n");
    return SIM_EXIT_USAGE;
  }
  if (!g_str_has_suffix(argv[2], ".lua") || !g_file_test(argv[2], G_FILE_TEST_IS_REGULAR)) {
    fprintf(stderr, "faultsim grade: %s: expected a solution file ending in .lua\n", argv[2]);
    return SIM_EXIT_USAGE;
  }
  guint64 seed_a = 0, seed_b = 0;
  g_autoptr(GradeLab) lab = NULL;
  if (!cli_parse_seeds(seeds, &seed_a, &seed_b, &error) || !(lab = grade_lab_load(argv[1], &error))) {
    fprintf(stderr, "faultsim grade: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  for (guint i = 0; seeds && i < lab->tests->len; i++) {
    GradeTest *t = lab->tests->pdata[i];
    t->first = seed_a;
    t->last = seed_b;
  }
  g.lab = lab;
  g.jobs = jobs;
  g_autofree char *solution = solution_param(argv[1], argv[2]);
  g.solution = solution;

  guint n = lab->tests->len, score = 0, max = 0;
  g_autofree gboolean *passed = g_new0(gboolean, n);
  g_autoptr(GPtrArray) outputs = g_ptr_array_new_with_free_func(g_free);
  gboolean progress = !json && isatty(fileno(stderr));
  if (!json)
    printf("grading %s with %s (%u tests)\n", argv[2], lab->scenario, n);
  for (guint i = 0; i < n; i++) {
    const GradeTest *t = lab->tests->pdata[i];
    if (progress)
      fprintf(stderr, "\r  test %u of %u: %s...", i + 1, n, t->name);
    GString *out = g_string_new(NULL);
    passed[i] = grade_test(&g, t, out);
    if (progress)
      fprintf(stderr, "\r\033[K");
    max += t->points;
    score += passed[i] ? t->points : 0;
    if (!json) {
      printf("%s %4u/%-4u %s (seeds %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ")\n", passed[i] ? "PASS" : "FAIL",
             passed[i] ? t->points : 0, t->points, t->name, t->first, t->last);
      g_autoptr(GString) block = g_string_new(NULL);
      indent(block, out->str, "      ");
      fputs(block->str, stdout);
      fflush(stdout);
    }
    g_ptr_array_add(outputs, g_string_free(out, FALSE));
  }
  guint npassed = 0;
  for (guint i = 0; i < n; i++)
    npassed += passed[i];
  g_autofree char *summary = g_strdup_printf("total %u/%u (%u of %u tests passed)", score, max, npassed, n);
  if (json)
    print_json(&g, outputs, passed, score, summary);
  else
    printf("%s\n", summary);
  return npassed == n ? SIM_EXIT_OK : SIM_EXIT_VIOLATION;
}
