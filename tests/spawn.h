/* Running the faultsim binary from tests: the path comes from $FAULTSIM
 * (the Makefile sets it; build/faultsim otherwise). */
#pragma once
#include <glib.h>

typedef struct {
  int status; /* exit code, or -1 if it did not exit normally */
  char *out;
  char *err;
} SpawnResult;

/* Runs faultsim with `args` (NULL-terminated, without the program) and
 * optional stdin text; waits for it. */
SpawnResult spawn_faultsim_input(const char *const *args, const char *input);
static inline SpawnResult spawn_faultsim(const char *const *args) { return spawn_faultsim_input(args, NULL); }
void spawn_result_clear(SpawnResult *r);
