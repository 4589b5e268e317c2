#include "tests/spawn.h"
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

SpawnResult spawn_faultsim_input(const char *const *args, const char *input)
{
  SpawnResult r = { -1, NULL, NULL };
  g_autofree char *bin = spawn_faultsim_binary();
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, bin);
  for (int i = 0; args[i]; i++)
    g_ptr_array_add(argv, (gpointer) args[i]);
  g_ptr_array_add(argv, NULL);
  GPid pid;
  int in_fd = -1, out_fd = -1, err_fd = -1;
  GError *error = NULL;
  if (!g_spawn_async_with_pipes(NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, input ? &in_fd : NULL, &out_fd, &err_fd, &error)) {
    r.out = g_strdup("");
    r.err = g_strdup(error->message);
    g_error_free(error);
    return r;
  }
  if (input) {
    /* Write stdin fully before reading: inputs in tests are small. */
    size_t len = strlen(input), off = 0;
    while (off < len) {
      ssize_t n = write(in_fd, input + off, len - off);
      if (n <= 0)
        break;
      off += (size_t) n;
    }
    close(in_fd);
  }
  GIOChannel *out = g_io_channel_unix_new(out_fd), *err = g_io_channel_unix_new(err_fd);
  g_io_channel_set_close_on_unref(out, TRUE);
  g_io_channel_set_close_on_unref(err, TRUE);
  gsize n = 0;
  /* Read stderr after stdout; tests keep stderr small enough for the pipe. */
  g_io_channel_read_to_end(out, &r.out, &n, NULL);
  g_io_channel_read_to_end(err, &r.err, &n, NULL);
  g_io_channel_unref(out);
  g_io_channel_unref(err);
  int status = 0;
  waitpid(pid, &status, 0);
  g_spawn_close_pid(pid);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (!r.out)
    r.out = g_strdup("");
  if (!r.err)
    r.err = g_strdup("");
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
