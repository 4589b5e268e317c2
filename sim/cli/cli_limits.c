/* The budget flags shared by run, check and sweep: --mem-limit,
 * --max-instructions, --max-total-instructions, --max-events and
 * --max-events-per-instant. One option group, shown in each command's
 * main --help, that checks the values after parsing and writes them into
 * the command's ScenarioLimits. */
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include <stdio.h>

typedef struct {
  ScenarioLimits *out;
  gint mem_mib;
  gint64 instructions, total_instructions, events, instant_events;
  char *help[5]; /* the entries point at these */
} LimitFlags;

static void limit_flags_free(gpointer p)
{
  LimitFlags *f = p;
  for (guint i = 0; i < G_N_ELEMENTS(f->help); i++)
    g_free(f->help[i]);
  g_free(f);
}

static gboolean check_limits(GOptionContext *ctx, GOptionGroup *group, gpointer data, GError **error)
{
  (void) ctx;
  (void) group;
  LimitFlags *f = data;
  const char *bad = NULL;
  if (f->mem_mib < 1 || f->mem_mib > 65536)
    bad = "--mem-limit must be 1..65536 MiB";
  else if (f->instructions < 1000)
    bad = "--max-instructions must be at least 1000";
  else if (f->total_instructions < 1000)
    bad = "--max-total-instructions must be at least 1000";
  else if (f->events < 1)
    bad = "--max-events must be at least 1";
  else if (f->instant_events < 1)
    bad = "--max-events-per-instant must be at least 1";
  if (bad) {
    g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, bad);
    return FALSE;
  }
  f->out->mem_limit = (size_t) f->mem_mib << 20;
  f->out->instr_budget = f->instructions;
  f->out->instr_run_budget = f->total_instructions;
  f->out->max_events = (guint64) f->events;
  f->out->max_instant_events = (guint64) f->instant_events;
  return TRUE;
}

GOptionGroup *cli_limits_group(ScenarioLimits *limits)
{
  LimitFlags *f = g_new0(LimitFlags, 1);
  f->out = limits;
  f->mem_mib = (gint) (limits->mem_limit >> 20);
  f->instructions = limits->instr_budget;
  f->total_instructions = limits->instr_run_budget;
  f->events = (gint64) limits->max_events;
  f->instant_events = (gint64) limits->max_instant_events;
  f->help[0] = g_strdup_printf("Memory cap of the run in MiB: the script's Lua heap plus the simulator's "
                               "events, messages, history and names (default %d)", f->mem_mib);
  f->help[1] = g_strdup_printf("Lua instructions allowed per call into the script (default %" G_GINT64_FORMAT ")",
                               f->instructions);
  f->help[2] = g_strdup_printf("Lua instructions allowed over the whole run (default %" G_GINT64_FORMAT ")",
                               f->total_instructions);
  f->help[3] = g_strdup_printf("Events allowed in the run (default %" G_GINT64_FORMAT ")", f->events);
  f->help[4] = g_strdup_printf("Events allowed at one simulated instant (default %" G_GINT64_FORMAT ")",
                               f->instant_events);
  GOptionEntry entries[] = {
    { "mem-limit", 0, G_OPTION_FLAG_IN_MAIN, G_OPTION_ARG_INT, &f->mem_mib, f->help[0], "MIB" },
    { "max-instructions", 0, G_OPTION_FLAG_IN_MAIN, G_OPTION_ARG_INT64, &f->instructions, f->help[1], "N" },
    { "max-total-instructions", 0, G_OPTION_FLAG_IN_MAIN, G_OPTION_ARG_INT64, &f->total_instructions, f->help[2], "N" },
    { "max-events", 0, G_OPTION_FLAG_IN_MAIN, G_OPTION_ARG_INT64, &f->events, f->help[3], "N" },
    { "max-events-per-instant", 0, G_OPTION_FLAG_IN_MAIN, G_OPTION_ARG_INT64, &f->instant_events, f->help[4], "N" },
    { NULL },
  };
  GOptionGroup *group = g_option_group_new("limits", "Budgets of a run", "Show the budget options", f, limit_flags_free);
  g_option_group_add_entries(group, entries);
  g_option_group_set_parse_hooks(group, NULL, check_limits);
  return group;
}
