/* `faultsim explore SCENARIO.lua [--runs N | --time 60s] [-j N]
 * [--until-first]`: runs the scenario in explore mode (explore.h) with
 * seeds 1, 2, 3, ... — run N is `faultsim run SCENARIO --explore --seed N`
 * — and reports every failure (grouped when identical) with the command
 * that reproduces it, then the fault coverage table. A run fails when one
 * of its invariants is violated; expect{} is not consulted (it speaks of
 * the scenario's scripted runs). */
#include "sim/cli/cli.h"
#include "sim/cli/explore_run.h"
#include "sim/kernel/errors.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The scenario and --set words as a rerun command gives them. */
static char *rerun_args(const char *path, char **sets)
{
  g_autofree char *word = cli_shell_word(path);
  GString *s = g_string_new(word);
  for (int i = 0; sets && sets[i]; i++) {
    g_autofree char *w = cli_shell_word(sets[i]);
    g_string_append_printf(s, " --set %s", w);
  }
  return g_string_free(s, FALSE);
}

int handle_explore(int argc, char **argv)
{
  g_autofree char *time_text = NULL;
  g_auto(GStrv) sets = NULL;
  gint runs = -1, jobs = 1;
  gboolean until_first = FALSE, no_coverage = FALSE;
  ScenarioLimits limits = SCENARIO_LIMITS_DEFAULT;
  GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Explore seeds 1..N (default 1000)", "N" },
    { "time", 0, 0, G_OPTION_ARG_STRING, &time_text, "Explore for this much wall-clock time instead (\"60s\", \"5m\"): as many runs as fit, from seed 1", "DURATION" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Run N at once (default 1); the same results for any N", "N" },
    { "until-first", 0, 0, G_OPTION_ARG_NONE, &until_first, "Stop at the first failing run (the lowest failing seed, for any -j)", NULL },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a parameter the scenario declares with params{} (repeatable)", "KEY=VALUE" },
    { "no-coverage", 0, 0, G_OPTION_ARG_NONE, &no_coverage, "Leave out the fault coverage table", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO.lua - search for failures under random faults");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_add_group(ctx, cli_limits_group(&limits));
  g_option_context_set_summary(ctx,
      "Runs the scenario with seeds 1, 2, 3, ... in explore mode: each run adds a swarm\n"
      "of random faults drawn from its seed (which kinds, how often, on which nodes,\n"
      "what the scenario's explore{} allows), so some runs are calm and some are\n"
      "storms. Every failure (an invariant violated) is reported with its seeds, its\n"
      "first message and the `faultsim run ... --explore --seed N` command that\n"
      "reproduces it; failures with the same invariant and the same message shape\n"
      "(numbers aside) are one group. Then a fault coverage table: for each fault\n"
      "kind, node role (model) and protocol phase (the node's last emitted event),\n"
      "how many runs injected that fault there.");
  g_option_context_set_description(ctx,
      "Exit status: 0 no run failed; 1 some run violated an invariant; 2 bad usage, or\n"
      "some run could not finish (a script error or a budget; listed as errors).\n\n"
      "Example: faultsim explore scenarios/explore_3pc.lua --runs 1000 -j 2\n"
      "         faultsim run scenarios/explore_3pc.lua --explore --seed 57");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim explore: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  if (argc != 2 || jobs < 1 || jobs > 256 || runs == 0 || runs < -1 || (runs > 0 && time_text)) {
    fprintf(stderr, "faultsim explore: give one scenario, at most one of --runs N (N >= 1) and --time, and --jobs 1..256 (see --help)\n");
    return SIM_EXIT_USAGE;
  }
  SimTime budget = 0;
  if (time_text && (!sim_time_parse(time_text, &budget, &error) || budget <= 0)) {
    fprintf(stderr, "faultsim explore: --time: %s\n", error ? error->message : "must be longer than 0");
    g_clear_error(&error);
    return SIM_EXIT_USAGE;
  }
  g_autoptr(GHashTable) overrides = cli_parse_sets(sets, &error);
  if (!overrides) {
    fprintf(stderr, "faultsim explore: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  const char *path = argv[1];
  if (g_file_test(path, G_FILE_TEST_IS_DIR) || !g_file_test(path, G_FILE_TEST_EXISTS)) {
    fprintf(stderr, "faultsim explore: %s: %s\n", path,
            g_file_test(path, G_FILE_TEST_IS_DIR) ? "a folder; explore takes one scenario file" : "no such file");
    return SIM_EXIT_USAGE;
  }
  /* A script that does not load is one message, not a failure per run. */
  g_autoptr(Scenario) probe = scenario_load(path, overrides, &error);
  if (!probe) {
    fprintf(stderr, "faultsim explore: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  g_clear_pointer(&probe, scenario_free);

  ExploreRunner runner = {
    .path = path, .overrides = overrides, .options = &(ScenarioOptions) { .limits = limits },
    .runs = runs > 0 ? (guint) runs : budget ? G_MAXUINT : 1000, .wall_budget = budget, .jobs = jobs,
    .until_first = until_first, .progress = isatty(fileno(stderr)),
  };
  g_autoptr(ExploreTally) tally = explore_runner_run(&runner);
  guint n = explore_tally_runs(tally);
  printf("explore %s: %u run%s (seeds 1-%u), %" G_GUINT64_FORMAT " faults injected, %" G_GUINT64_FORMAT " events\n",
         path, n, n == 1 ? "" : "s", n, explore_tally_injected(tally), explore_tally_events(tally));
  printf("%u failed (%u violated an invariant, %u could not finish), %u unique failure%s\n",
         explore_tally_violated(tally) + explore_tally_errors(tally), explore_tally_violated(tally),
         explore_tally_errors(tally), explore_tally_unique(tally), explore_tally_unique(tally) == 1 ? "" : "s");
  g_autofree char *args = rerun_args(path, sets);
  explore_tally_print_failures(tally, cli_program(), args, stdout);
  if (!no_coverage)
    explore_tally_print_coverage(tally, stdout);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "faultsim explore: cannot write the report to standard output\n");
    return SIM_EXIT_USAGE;
  }
  if (explore_tally_errors(tally))
    return SIM_EXIT_USAGE;
  return explore_tally_violated(tally) ? SIM_EXIT_VIOLATION : SIM_EXIT_OK;
}
