/* `faultsim plot KIND ...`: dispatches to one kind of picture (plot.h). */
#include "sim/cli/cli.h"
#include "sim/cli/plot.h"
#include "sim/kernel/errors.h"
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *name;
  int (*handler)(int argc, char **argv);
  const char *input, *summary;
} PlotKind;

static const PlotKind kinds[] = {
  { "curve", plot_curve, "SWEEP.csv...", "a measure against a swept parameter, 95% CIs and analytic{} curves" },
  { "timeline", plot_timeline, "TRACE.jsonl", "ok / failed / info operations per window over crash, pause, cut bands" },
  { "latency", plot_latency, "HISTORY.jsonl", "latency CDF and percentiles over time per operation kind" },
  { "load", plot_load, "STATS [AFTER]", "keys per server of `faultsim ring` and keys moved on a join/leave" },
  { "spacetime", plot_spacetime, "TRACE.jsonl", "a message sequence diagram of a window of a run" },
};

static void usage(FILE *out)
{
  fprintf(out, "Usage: faultsim plot KIND [OPTION...] INPUT...\n\nDraws a picture with gnuplot (PNG; --svg for SVG).\n\nKinds:\n");
  for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
    fprintf(out, "  %-10s %-14s %s\n", kinds[i].name, kinds[i].input, kinds[i].summary);
  fprintf(out, "\n`faultsim plot KIND --help` shows a kind's options. Needs gnuplot (Debian package\n"
               "gnuplot-nox); the scripts are in plots/ (FAULTSIM_PLOTS overrides their folder).\n"
               "Exit status: 0 drawn; 2 bad usage or input, no gnuplot, or a picture that could\n"
               "not be drawn or written (nothing is written then).\n");
}

int handle_plot(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return SIM_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return SIM_EXIT_OK;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
    if (strcmp(argv[1], kinds[i].name) == 0) {
      g_autofree char *prgname = g_strconcat("faultsim plot ", kinds[i].name, NULL);
      g_set_prgname(prgname);
      return kinds[i].handler(argc - 1, argv + 1);
    }
  fprintf(stderr, "faultsim plot: unknown kind '%s'\n\n", argv[1]);
  usage(stderr);
  return SIM_EXIT_USAGE;
}
