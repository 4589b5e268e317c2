/* The error domain every faultsim GError uses, and the exit codes of the CLI. */
#pragma once
#include <glib.h>

#define SIM_ERROR (sim_error_quark())
GQuark sim_error_quark(void);

typedef enum {
  SIM_ERROR_INVALID,   /* bad input: scenario, flag, history file */
  SIM_ERROR_IO,        /* a file could not be read or written */
  SIM_ERROR_LIMIT,     /* a script ran out of instructions or memory */
} SimErrorCode;

enum {
  SIM_EXIT_OK = 0,        /* ran, every invariant and expectation held */
  SIM_EXIT_VIOLATION = 1, /* ran, something was violated */
  SIM_EXIT_USAGE = 2,     /* usage error, bad scenario, bad input */
  SIM_EXIT_UNKNOWN = 3,   /* a bounded search could not decide */
};
