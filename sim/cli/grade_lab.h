/* A lab's test list (scenarios/labs/NAME/tests.lua), read for `faultsim
 * grade`. The file is plain data, run in the scenario sandbox (no io, no
 * os, an instruction and memory budget) and must return
 *
 *   { scenario = "grade.lua",
 *     tests = { { name = "no faults", points = 10, seeds = 20 | "1-20",
 *                 set = { fault = "none", loss = 0 } }, ... } }
 *
 * `scenario` is relative to the lab's folder; `set` values (strings or
 * numbers) are passed to the grader like `--set key=value`. */
#pragma once
#include <glib.h>

typedef struct {
  char *name;
  guint points;
  guint64 first, last;  /* seeds */
  GPtrArray *keys;      /* of char*, the `set` keys in byte order */
  GPtrArray *values;    /* of char*, their values as text */
} GradeTest;

typedef struct {
  char *dir;            /* the lab's folder as given */
  char *scenario;       /* dir/scenario */
  GPtrArray *tests;     /* of GradeTest* */
} GradeLab;

/* Reads DIR/tests.lua. Returns NULL with `error` ("DIR/tests.lua:LINE:
 * message" for a script error, "DIR/tests.lua: test N: ..." for a bad
 * entry) when the file is missing, fails to run or is not shaped as above. */
GradeLab *grade_lab_load(const char *dir, GError **error);
void grade_lab_free(GradeLab *lab);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GradeLab, grade_lab_free)
