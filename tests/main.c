/* The CUnit runner: registers every suite found by the Makefile (any
 * `void suite_NAME(void)` in tests/ files) and exits non-zero when a test failed,
 * because CU_basic_run_tests() itself reports success either way.
 *
 * `faultsim-tests [SUITE...]` runs only the named suites (without "suite_"). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#define SUITE(fn) void fn(void);
#include "suites.h"
#undef SUITE

typedef struct { const char *name; void (*add)(void); } SuiteEntry;

static const SuiteEntry suites[] = {
#define SUITE(fn) { #fn, fn },
#include "suites.h"
#undef SUITE
};

static int wanted(const char *name, int argc, char **argv)
{
  if (argc < 2)
    return 1;
  for (int i = 1; i < argc; i++)
    if (strcmp(name + strlen("suite_"), argv[i]) == 0)
      return 1;
  return 0;
}

int main(int argc, char **argv)
{
  if (CU_initialize_registry() != CUE_SUCCESS)
    return 2;
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
    if (wanted(suites[i].name, argc, argv))
      suites[i].add();
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  int failed = (int) CU_get_number_of_tests_failed() + (int) CU_get_number_of_failures();
  CU_cleanup_registry();
  return failed ? 1 : 0;
}
