/* `faultsim shrink SCENARIO.lua --seed N`: the smallest story that still
 * violates the same invariant, written as a scenario (shrink.h). */
#include "sim/cli/cli.h"
#include "sim/cli/shrink.h"
#include "sim/kernel/errors.h"
#include <stdio.h>
#include <string.h>

static void print_size(const char *label, const ShrinkSize *z)
{
  g_autofree char *d = fault_duration_text(z->duration);
  printf("  %-7s %u fault%s, %" G_GUINT64_FORMAT " operations, %s simulated, %" G_GUINT64_FORMAT " events\n", label,
         z->faults, z->faults == 1 ? "" : "s", z->ops, d, z->events);
}

/* The command line as the user could type it again. */
static char *command_text(int argc, char **argv)
{
  GString *s = g_string_new(cli_program());
  g_string_append(s, " shrink");
  for (int i = 1; i < argc; i++) {
    g_autofree char *w = cli_shell_word(argv[i]);
    g_string_append_printf(s, " %s", w);
  }
  return g_string_free(s, FALSE);
}

int handle_shrink(int argc, char **argv)
{
  g_autofree char *seed_text = NULL, *out = NULL, *invariant = NULL, *max_runs_text = NULL;
  g_auto(GStrv) sets = NULL;
  gboolean explore = FALSE;
  ScenarioLimits limits = SCENARIO_LIMITS_DEFAULT;
  g_autofree char *command = command_text(argc, argv);
  GOptionEntry entries[] = {
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_text, "The seed of the failing run (default 1)", "N" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a parameter the scenario declares with params{} (repeatable)", "KEY=VALUE" },
    { "explore", 0, 0, G_OPTION_ARG_NONE, &explore, "Shrink the run `faultsim run --explore --seed N` makes (explore's run N)", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the shrunk scenario to FILE (default: NAME_seedN_min.lua here)", "FILE" },
    { "invariant", 0, 0, G_OPTION_ARG_STRING, &invariant, "The invariant to keep violated (default: the first violated one by name)", "NAME" },
    { "max-runs", 0, 0, G_OPTION_ARG_STRING, &max_runs_text, "Stop shrinking after this many runs of the scenario (default 2000)", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO.lua - shrink a failing run to a small scenario");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_add_group(ctx, cli_limits_group(&limits));
  g_option_context_set_summary(ctx,
      "Records every fault of the run at --seed (timed, random and event-triggered\n"
      "alike), then keeps the same invariant violated while it drops faults (ddmin),\n"
      "moves the rest to rounder times and shortens them, and cuts the run's duration.\n"
      "Writes a scenario that includes the original with its own faults off and the\n"
      "remaining faults as at() calls; `faultsim run FILE --seed N` reproduces the\n"
      "violation. Deterministic: the same input gives the same scenario.");
  g_option_context_set_description(ctx,
      "Exit status: 0 the written scenario violates the invariant; 2 bad usage, a bad\n"
      "scenario, or no violation at that seed; 3 the failure needs more than its\n"
      "faults (it does not replay), or the written scenario did not reproduce it.\n\n"
      "Example: faultsim shrink scenarios/shrink_3pc_nemesis.lua --seed 3 -o minimal.lua");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim shrink: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  if (argc != 2) {
    fprintf(stderr, "faultsim shrink: give exactly one scenario file (see faultsim shrink --help)\n");
    return SIM_EXIT_USAGE;
  }
  guint64 seed = 1, max_runs = 2000;
  g_autoptr(GHashTable) overrides = NULL;
  if (!cli_parse_seed(seed_text, &seed, &error) || !(overrides = cli_parse_sets(sets, &error))) {
    fprintf(stderr, "faultsim shrink: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  if (max_runs_text && !g_ascii_string_to_unsigned(max_runs_text, 10, 1, 1000000, &max_runs, NULL)) {
    fprintf(stderr, "faultsim shrink: --max-runs %s: expected a whole number from 1 to 1000000\n", max_runs_text);
    return SIM_EXIT_USAGE;
  }
  if (!g_file_test(argv[1], G_FILE_TEST_IS_REGULAR)) {
    fprintf(stderr, "faultsim shrink: %s: no such file\n", argv[1]);
    return SIM_EXIT_USAGE;
  }
  if (!out) {
    g_autofree char *base = g_path_get_basename(argv[1]);
    if (g_str_has_suffix(base, ".lua"))
      base[strlen(base) - 4] = '\0';
    out = g_strdup_printf("%s_seed%" G_GUINT64_FORMAT "_min.lua", base, seed);
  }
  g_autofree char *out_abs = g_canonicalize_filename(out, NULL);
  g_autofree char *in_abs = g_canonicalize_filename(argv[1], NULL);
  if (strcmp(out_abs, in_abs) == 0) {
    fprintf(stderr, "faultsim shrink: -o %s would overwrite the scenario\n", out);
    return SIM_EXIT_USAGE;
  }
  g_autofree char *out_dir = g_path_get_dirname(out_abs);
  if (!g_file_test(out_dir, G_FILE_TEST_IS_DIR) || g_file_test(out_abs, G_FILE_TEST_IS_DIR)) {
    /* Said before the runs, not after them. */
    fprintf(stderr, "faultsim shrink: -o %s: %s\n", out,
            g_file_test(out_abs, G_FILE_TEST_IS_DIR) ? "is a folder" : "no such folder");
    return SIM_EXIT_USAGE;
  }

  Shrink s = { .path = argv[1], .seed = seed, .overrides = overrides, .limits = limits, .max_runs = (guint) max_runs };
  ShrinkSize before, after;
  if (!shrink_start(&s, invariant, explore, &before, &error)) {
    fprintf(stderr, "faultsim shrink: %s\n", error->message);
    g_error_free(error);
    shrink_clear(&s);
    return SIM_EXIT_USAGE;
  }
  printf("shrinking %s at seed %" G_GUINT64_FORMAT ": invariant '%s' is violated\n", argv[1], seed, s.invariant);
  if (!shrink_replays(&s)) {
    fprintf(stderr, "faultsim shrink: its %u recorded faults replayed at their times do not violate '%s' again: "
            "the failure depends on more than the faults\n", fault_schedule_len(s.faults), s.invariant);
    shrink_clear(&s);
    return SIM_EXIT_UNKNOWN;
  }
  shrink_all(&s);
  shrink_measure(&s, &after);
  print_size("before:", &before);
  print_size("after:", &after);
  printf("  runs:   %u%s\n", s.runs, s.max_runs && s.runs >= s.max_runs ? " (the --max-runs limit)" : "");
  g_autofree char *text = shrink_scenario_text(&s, out, command, &before);
  if (!g_file_set_contents(out, text, -1, &error)) {
    fprintf(stderr, "faultsim shrink: %s\n", error->message);
    g_error_free(error);
    shrink_clear(&s);
    return SIM_EXIT_USAGE;
  }
  gboolean ok = shrink_verify(&s, out, &error);
  g_autoptr(GString) again = g_string_new(NULL);
  g_autofree char *out_word = cli_shell_word(out);
  g_string_append_printf(again, "%s run %s --seed %" G_GUINT64_FORMAT, cli_program(), out_word, seed);
  for (int i = 0; sets && sets[i]; i++) {
    g_autofree char *w = cli_shell_word(sets[i]);
    g_string_append_printf(again, " --set %s", w);
  }
  if (!ok) {
    fprintf(stderr, "faultsim shrink: wrote %s, but it does not violate '%s'%s%s\n", out, s.invariant,
            error ? ": " : "", error ? error->message : "");
    g_clear_error(&error);
    shrink_clear(&s);
    return SIM_EXIT_UNKNOWN;
  }
  printf("wrote %s; it violates '%s' on its own: %s\n", out, s.invariant, again->str);
  for (guint i = 0; i < fault_schedule_len(s.faults); i++) {
    g_autoptr(GString) line = g_string_new(NULL);
    const Fault *f = fault_schedule_get(s.faults, i);
    g_autofree char *at = fault_duration_text(f->at);
    if (f->triggered) {
      g_string_append(line, "once(");
      fault_trigger_to_lua(line, s.base->sim, f);
      g_string_append(line, "): ");
    }
    fault_to_lua(line, s.base->sim, f, "");
    printf("  at %s: %s\n", at, line->str);
  }
  shrink_clear(&s);
  return SIM_EXIT_OK;
}
