#include "tests/spawn.h"
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

SpawnResult spawn_faultsim_input(const char *const *args, const char *input)
{
  SpawnResult r = { -1, NULL, NULL };
  g_autofree char *bin = spawn_faultsim_binary();
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, bin);
  for (int i = 0; args[i]; i++)
    g_ptr_array_add(argv, (gpointer) args[i]);
  g_ptr_array_add(argv, NULL);
  GError *error = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                           (input ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) proc = g_subprocess_newv((const char *const *) argv->pdata, flags, &error);
  if (!proc) {
    r.out = g_strdup("");
    r.err = g_strdup(error->message);
    g_error_free(error);
    return r;
  }
  /* Both pipes are drained together, so a child that writes a lot to
   * stderr while stdout is unread cannot block. */
  g_autoptr(GBytes) in = input ? g_bytes_new(input, strlen(input)) : NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  if (!g_subprocess_communicate(proc, in, NULL, &out, &err, &error)) {
    r.out = g_strdup("");
    r.err = g_strdup(error->message);
    g_error_free(error);
    g_subprocess_force_exit(proc);
    g_subprocess_wait(proc, NULL, NULL);
    return r;
  }
  gsize n = 0;
  const char *data = out ? g_bytes_get_data(out, &n) : NULL;
  r.out = data ? g_strndup(data, n) : g_strdup("");
  data = err ? g_bytes_get_data(err, &n) : NULL;
  r.err = data ? g_strndup(data, n) : g_strdup("");
  r.status = g_subprocess_get_if_exited(proc) ? g_subprocess_get_exit_status(proc) : -1;
  return r;
}

void spawn_result_clear(SpawnResult *r)
{
  g_free(r->out);
  g_free(r->err);
  r->out = r->err = NULL;
}

char *spawn_faultsim_binary(void)
{
  const char *bin = g_getenv("FAULTSIM");
  if (bin && *bin)
    return g_strdup(bin);
  g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname(self) : g_strdup("build");
  return g_build_filename(dir, "faultsim", NULL);
}
