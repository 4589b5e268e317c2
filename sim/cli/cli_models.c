/* `faultsim models`: every registered model with its parameters. */
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include "models/registry.h"
#include <stdio.h>

int handle_models(int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new("- list the protocol models and their parameters");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim models: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  for (const SimModel *const *m = sim_registry(); *m; m++) {
    printf("%s\n    %s\n", (*m)->name, (*m)->summary);
    if ((*m)->ops) {
      g_autofree char *ops = g_strjoinv(", ", (char **) (*m)->ops);
      printf("    operations: %s\n", ops);
    }
    for (const SimParamSpec *p = (*m)->params; p && p->name; p++) {
      printf("    %-18s %-9s default %-10s %s", p->name, sim_param_type_name(p->type),
             p->default_value && *p->default_value ? p->default_value : "\"\"", p->help);
      if (p->min != 0 || p->max != 0)
        printf(" [%g..%g%s]", p->min, p->max, p->type == SIM_PARAM_DURATION ? " s" : "");
      printf("\n");
    }
    printf("\n");
  }
  return SIM_EXIT_OK;
}
