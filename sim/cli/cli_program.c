/* How faultsim was invoked, so that a command it prints for the user to
 * copy (check's rerun hint, run's pointer to check) runs the same binary
 * when pasted in the same folder. */
#include "sim/cli/cli.h"
#include <string.h>

/* Set once by main() before any command runs and only read afterwards:
 * a fact about the process, not simulation state. */
static char *program;

/* Characters that need no quoting in a POSIX shell word. */
static const char shell_safe[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+./,:=@%";

char *cli_shell_word(const char *text)
{
  if (*text && strspn(text, shell_safe) == strlen(text))
    return g_strdup(text);
  return g_shell_quote(text);
}

void cli_set_program(const char *argv0)
{
  g_free(program);
  program = NULL;
  if (argv0 && strchr(argv0, '/')) {
    /* Run by a path (build/faultsim, ./faultsim, /usr/bin/faultsim): the
     * same path works from the same folder. */
    program = cli_shell_word(argv0);
    return;
  }
  g_autofree char *found = argv0 && *argv0 ? g_find_program_in_path(argv0) : NULL;
  if (found) {
    program = cli_shell_word(argv0); /* on PATH: the bare name works */
    return;
  }
  /* Started with an argv[0] that names nothing (by another program). */
  g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
  program = cli_shell_word(self ? self : "faultsim");
}

const char *cli_program(void)
{
  return program ? program : "faultsim";
}
