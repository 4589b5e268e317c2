/* The scenario runner's output files (--trace, --history, --csv), written
 * under a temporary name and renamed into place only when the run
 * completes, so a failed run leaves nothing half-written. */
#include "sim/kernel/errors.h"
#include "sim/lua/scenario_output.h"
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

gboolean output_open(Output *o, const char *path, GError **error)
{
  memset(o, 0, sizeof *o);
  if (!path)
    return TRUE;
  o->path = g_strdup(path);
  o->tmp = g_strdup_printf("%s.tmp", path);
  o->f = fopen(o->tmp, "w");
  if (!o->f) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: cannot write: %s", path, g_strerror(errno));
    g_clear_pointer(&o->path, g_free);
    g_clear_pointer(&o->tmp, g_free);
    return FALSE;
  }
  return TRUE;
}

gboolean output_close(Output *o, gboolean keep, GError **error)
{
  gboolean ok = TRUE;
  if (o->f) {
    ok = fclose(o->f) == 0;
    if (keep && ok && g_rename(o->tmp, o->path) != 0)
      ok = FALSE;
    if (!keep || !ok)
      g_unlink(o->tmp);
    if (keep && !ok)
      g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: cannot write: %s", o->path, g_strerror(errno));
  }
  g_free(o->path);
  g_free(o->tmp);
  memset(o, 0, sizeof *o);
  return ok;
}

