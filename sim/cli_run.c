/* `faultsim run`: placeholder until the scenario runner lands. */
#include "sim/cli.h"
#include "sim/errors.h"
#include <stdio.h>

int handle_run(int argc, char **argv)
{
  (void) argc; (void) argv;
  fprintf(stderr, "faultsim run: not yet implemented\n");
  return SIM_EXIT_USAGE;
}
