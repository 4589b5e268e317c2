/* Trace diff: walk two traces line by line, keeping the last few equal
 * lines, until they part. See trace_diff.h. */
#include "sim/cli/trace_diff.h"
#include "sim/kernel/errors.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The next line of `f` without its newline, or NULL at the end (or on a
 * read error, which ferror then tells). */
static char *next_line(FILE *f)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t len = getline(&line, &cap, f);
  if (len < 0) {
    free(line);
    return NULL;
  }
  if (len > 0 && line[len - 1] == '\n')
    line[--len] = '\0';
  char *copy = g_strndup(line, (gsize) len);
  free(line);
  return copy;
}

static gboolean read_ok(FILE *f, const char *which, GError **error)
{
  if (!ferror(f))
    return TRUE;
  g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot read %s: %s", which, g_strerror(errno));
  return FALSE;
}

gboolean trace_diff(FILE *a, FILE *b, guint context, TraceDiff *out, GError **error)
{
  *out = (TraceDiff) { 0 };
  out->before = g_ptr_array_new_with_free_func(g_free);
  out->a = g_ptr_array_new_with_free_func(g_free);
  out->b = g_ptr_array_new_with_free_func(g_free);
  for (;;) {
    char *la = next_line(a), *lb = next_line(b);
    if (!read_ok(a, "the first trace", error) || !read_ok(b, "the second trace", error)) {
      g_free(la);
      g_free(lb);
      return FALSE;
    }
    if (!la && !lb)
      return TRUE;
    out->a_events += la != NULL;
    out->b_events += lb != NULL;
    if (la && lb && strcmp(la, lb) == 0) {
      g_ptr_array_add(out->before, la);
      g_free(lb);
      if (out->before->len > context)
        g_ptr_array_remove_index(out->before, 0);
      continue;
    }
    out->differ = TRUE;
    out->index = MAX(out->a_events, out->b_events);
    if (la)
      g_ptr_array_add(out->a, la);
    if (lb)
      g_ptr_array_add(out->b, lb);
    break;
  }
  for (guint i = 0; i < context; i++) {
    char *la = out->a->len ? next_line(a) : NULL;
    char *lb = out->b->len ? next_line(b) : NULL;
    if (la) {
      g_ptr_array_add(out->a, la);
      out->a_events++;
    }
    if (lb) {
      g_ptr_array_add(out->b, lb);
      out->b_events++;
    }
  }
  return read_ok(a, "the first trace", error) && read_ok(b, "the second trace", error);
}

void trace_diff_clear(TraceDiff *d)
{
  g_clear_pointer(&d->before, g_ptr_array_unref);
  g_clear_pointer(&d->a, g_ptr_array_unref);
  g_clear_pointer(&d->b, g_ptr_array_unref);
}

gint64 trace_line_time(const char *line)
{
  const char *t = line ? strstr(line, "\"t\":") : NULL;
  if (!t)
    return -1;
  char *end = NULL;
  gint64 v = g_ascii_strtoll(t + 4, &end, 10);
  return end == t + 4 ? -1 : v;
}
