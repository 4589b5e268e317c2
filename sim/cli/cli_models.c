/* `faultsim models [NAME...]`: the registered models with their
 * parameters, all of them or those named. */
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include "models/registry.h"
#include <stdio.h>
#include <string.h>

/* TRUE if `filter` names the model `name` or a family it belongs to
 * ("kv" and "kv.quorum" both select "kv.quorum.client"). */
static gboolean selects(const char *filter, const char *name)
{
  size_t n = strlen(filter);
  return strncmp(name, filter, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

/* TRUE if some NAME argument selects the model (or there is none). */
static gboolean shown(int argc, char **argv, const char *name)
{
  for (int i = 1; i < argc; i++)
    if (selects(argv[i], name))
      return TRUE;
  return argc < 2;
}

int handle_models(int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new("[NAME...] - list the protocol models and their parameters");
  g_option_context_set_summary(ctx,
      "Lists every protocol model built into faultsim, or those NAME selects: a\n"
      "model's full name (kv.quorum.client) or a family prefix (kv, lock.lease).\n"
      "These are the names node(name, MODEL, params) and clients{ model = MODEL }\n"
      "take in a scenario.");
  g_option_context_set_description(ctx,
      "Output, per model:\n"
      "  NAME\n"
      "      what it does\n"
      "      PARAM  TYPE  default VALUE  meaning [MIN..MAX]\n"
      "TYPE is int, number, bool, string, duration (\"150ms\", \"2s\"; ranges in\n"
      "seconds) or nodes (node names). A scenario sets parameters in node() or\n"
      "clients{ params = {...} }.\n\n"
      "Exit status: 0 listed; 2 bad usage or a NAME that selects no model.\n\n"
      "Example: faultsim models            every model\n"
      "         faultsim models kv         kv.abd, kv.abd.client, kv.quorum, ...\n"
      "         faultsim models lock.lease.client");
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "faultsim models: %s\n", error->message);
    g_error_free(error);
    return SIM_EXIT_USAGE;
  }
  for (int i = 1; i < argc; i++) {
    gboolean any = FALSE;
    for (const SimModel *const *m = sim_registry(); *m && !any; m++)
      any = selects(argv[i], (*m)->name);
    if (!any) {
      fprintf(stderr, "faultsim models: no model is named '%s' or in a family of that name "
                      "(`faultsim models` lists them all)\n", argv[i]);
      return SIM_EXIT_USAGE;
    }
  }
  for (const SimModel *const *m = sim_registry(); *m; m++) {
    if (!shown(argc, argv, (*m)->name))
      continue;
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
