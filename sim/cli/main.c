/* faultsim: dispatches `faultsim COMMAND ...` to its handler. */
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  const char *name;
  int (*handler)(int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "run", handle_run, "run a scenario once and print its report" },
  { "check", handle_check, "run scenarios over their seeds as regression tests" },
  { "grade", handle_grade, "grade a solution to a lab: its tests, points, the first failing seed and why" },
  { "sweep", handle_sweep, "vary parameters over seeds; availability and metrics per point (JSONL, CSV)" },
  { "explore", handle_explore, "search for failures under random faults (swarm testing); fault coverage" },
  { "merge", handle_merge, "the summary of a sweep run in shards, from their --out files" },
  { "capacity", handle_capacity, "the highest rate at which every SLO holds, over seeds (bracket, bisect)" },
  { "plot", handle_plot, "pictures: curve, timeline, latency, load, spacetime (gnuplot)" },
  { "spacetime", handle_spacetime, "message sequence diagram data from a --trace file" },
  { "shrink", handle_shrink, "shrink a failing run to a small scenario that still fails (ddmin over its faults)" },
  { "diff", handle_diff, "the first event where two --trace files differ, with context" },
  { "models", handle_models, "list the protocol models and their parameters" },
  { "lincheck", handle_lincheck, "check a history for linearizability (faultsim, Jepsen EDN or log)" },
  { "ring", handle_ring, "place keys on a consistent-hash ring (reads keys on stdin)" },
};

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: faultsim COMMAND [OPTION...]\n\n"
          "A deterministic simulator of distributed fault tolerance.\n\n"
          "Commands:\n");
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out,
          "\n`faultsim COMMAND --help` shows a command's options.\n"
          "Exit codes: 0 all held, 1 a violation, 2 bad usage or input (or output that\n"
          "could not be written, standard output included), 3 undecided.\n");
}

/* Runs at exit, however the program ends (a handler returning, or
 * GOptionContext's --help calling exit()): output that never reached
 * standard output (a full disk, /dev/full, an I/O error) must not
 * pass for success, so the exit status becomes 2. */
static void close_stdout(void)
{
  int e = 0;
  if (fflush(stdout) != 0)
    e = errno;
  else if (ferror(stdout))
    e = -1; /* an earlier write failed; its errno is long gone */
  if (fclose(stdout) != 0 && !e && errno != EBADF)
    e = errno; /* EBADF: started with stdout closed and wrote nothing */
  if (!e)
    return;
  fprintf(stderr, "faultsim: writing to standard output failed%s%s\n", e > 0 ? ": " : "", e > 0 ? g_strerror(e) : "");
  _exit(SIM_EXIT_USAGE);
}

/* Levenshtein distance, for suggesting a command; both strings are short. */
static guint edit_distance(const char *a, const char *b)
{
  size_t n = strlen(b);
  g_autofree guint *row = g_new(guint, n + 1);
  for (size_t j = 0; j <= n; j++)
    row[j] = (guint) j;
  for (size_t i = 1; a[i - 1]; i++) {
    guint diag = row[0];
    row[0] = (guint) i;
    for (size_t j = 1; j <= n; j++) {
      guint up = row[j];
      guint best = MIN(row[j] + 1, row[j - 1] + 1);
      row[j] = MIN(best, diag + (a[i - 1] != b[j - 1]));
      diag = up;
    }
  }
  return row[n];
}

/* What the user probably meant by the unknown command `cmd`: the command it
 * starts (a unique prefix) or the nearest within two edits; NULL if none. */
static const char *closest_command(const char *cmd)
{
  const char *best = NULL, *prefixed = NULL;
  guint best_d = 3, prefixes = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
    if (*cmd && g_str_has_prefix(commands[i].name, cmd)) {
      prefixed = commands[i].name;
      prefixes++;
    }
    guint d = edit_distance(cmd, commands[i].name);
    if (d < best_d && d < strlen(cmd)) {
      best_d = d;
      best = commands[i].name;
    }
  }
  return prefixes == 1 ? prefixed : best;
}

static void unknown_command(const char *cmd)
{
  const char *near = closest_command(cmd);
  if (near)
    fprintf(stderr, "faultsim: unknown command '%s'; did you mean '%s'?\n", cmd, near);
  else
    fprintf(stderr, "faultsim: unknown command '%s'\n", cmd);
  if (!near && (g_str_has_suffix(cmd, ".lua") || g_file_test(cmd, G_FILE_TEST_IS_DIR))) {
    g_autofree char *word = cli_shell_word(cmd);
    fprintf(stderr, "to run it: %s %s %s\n", cli_program(), g_str_has_suffix(cmd, ".lua") ? "run" : "check", word);
  }
  fprintf(stderr, "\n");
  usage(stderr);
}

int main(int argc, char **argv)
{
  cli_set_program(argv[0]);
  atexit(close_stdout);
  if (argc < 2) {
    usage(stderr);
    return SIM_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    usage(stdout);
    return SIM_EXIT_OK;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("faultsim %s\n", FAULTSIM_VERSION);
    return SIM_EXIT_OK;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
    if (strcmp(cmd, commands[i].name) == 0) {
      /* --help of a command then reads "faultsim run [OPTION...]". */
      g_autofree char *prgname = g_strconcat("faultsim ", cmd, NULL);
      g_set_prgname(prgname);
      return commands[i].handler(argc - 1, argv + 1);
    }
  unknown_command(cmd);
  return SIM_EXIT_USAGE;
}
