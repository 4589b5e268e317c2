/* faultsim: dispatches `faultsim COMMAND ...` to its handler. */
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include <glib.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *name;
  int (*handler)(int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "run", handle_run, "run a scenario once and print its report" },
  { "check", handle_check, "run scenarios over their seeds as regression tests" },
  { "sweep", handle_sweep, "vary one parameter over seeds; availability and metrics per value (CSV)" },
  { "spacetime", handle_spacetime, "message sequence diagram data from a --trace file" },
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
          "Exit codes: 0 all held, 1 a violation, 2 bad usage or input, 3 undecided.\n");
}

int main(int argc, char **argv)
{
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
  fprintf(stderr, "faultsim: unknown command '%s'\n\n", cmd);
  usage(stderr);
  return SIM_EXIT_USAGE;
}
