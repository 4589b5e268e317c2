/* sim/cli/: the faultsim program. main.c dispatches to one handler per
 * subcommand (cli_<name>.c); each parses its own options with a
 * GOptionContext and returns a process exit code (sim/kernel/errors.h).
 * batch.h runs one scenario over many seeds on threads, for check and
 * sweep. Nothing below sim/cli includes it. */
#pragma once

int handle_run(int argc, char **argv);
int handle_check(int argc, char **argv);
int handle_models(int argc, char **argv);
int handle_lincheck(int argc, char **argv);
int handle_ring(int argc, char **argv);
int handle_sweep(int argc, char **argv);
int handle_merge(int argc, char **argv);
int handle_spacetime(int argc, char **argv);
int handle_capacity(int argc, char **argv);
int handle_plot(int argc, char **argv);
int handle_grade(int argc, char **argv);
int handle_explore(int argc, char **argv);
int handle_shrink(int argc, char **argv);
int handle_diff(int argc, char **argv);

/* Shared option helpers (cli_run.c). */
#include <glib.h>
GHashTable *cli_parse_sets(char **sets, GError **error);
gboolean cli_parse_seed(const char *text, guint64 *seed, GError **error);
/* "N" (1..N) or "FIRST-LAST"; leaves *first and *last alone when text is
 * NULL. At most 100000 seeds. */
gboolean cli_parse_seeds(const char *text, guint64 *first, guint64 *last, GError **error);

/* cli_program.c: the program as invoked (argv[0] when it is a path or on
 * PATH, else the running binary's path), shell-quoted if needed, for
 * commands printed for the user to paste; "faultsim" before main() sets it. */
void cli_set_program(const char *argv0);
const char *cli_program(void);
/* `text` as one shell word: unchanged when it needs no quoting, else
 * quoted (g_shell_quote). Free with g_free. */
char *cli_shell_word(const char *text);

/* The budget flags of run, check and sweep (cli_limits.c): --mem-limit,
 * --max-instructions, --max-total-instructions, --max-events and
 * --max-events-per-instant, shown in the command's main --help. Add the
 * group to the command's GOptionContext; after a successful parse
 * `*limits` (which supplies the defaults) holds the checked values; a
 * bad value fails the parse. */
#include "sim/lua/scenario.h"
GOptionGroup *cli_limits_group(ScenarioLimits *limits);
