/* Output files of a run, written under a temporary name and renamed into
 * place only when the run completes. */
#pragma once
#include <glib.h>
#include <stdio.h>

typedef struct {
  char *path;
  char *tmp;
  FILE *f;
} Output;

/* Opens `path` for writing under a temporary name (nothing when path is
 * NULL: o->f stays NULL). Fails with a GError naming the path. */
gboolean output_open(Output *o, const char *path, GError **error);
/* Closes the file; with `keep`, renames it into place, otherwise removes
 * it. Fails (and removes the temporary) if the write or rename failed. */
gboolean output_close(Output *o, gboolean keep, GError **error);
