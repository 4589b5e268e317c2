/* Running the faultsim binary from tests: the path comes from $FAULTSIM
 * (the Makefile sets it), else it is the faultsim beside the test binary. */
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
/* The binary under test, newly allocated: $FAULTSIM, else `faultsim` in the
 * folder of the running test binary (build/ or build/san/), so a missing
 * variable never tests another build or passes by skipping. */
char *spawn_faultsim_binary(void);
