/* ddmin: split the failing set into chunks; keep a chunk that fails on its
 * own, else a complement that fails; else split finer, until the chunks are
 * single items. See ddmin.h. */
#include "sim/cli/ddmin.h"

typedef struct {
  DdminTest test;
  void *data;
  GHashTable *seen;  /* subset as text → GINT_TO_POINTER(1 + result) */
  guint calls, max_calls;
} Ddmin;

static gboolean fails(Ddmin *d, const GArray *set)
{
  g_autoptr(GString) key = g_string_new(NULL);
  for (guint i = 0; i < set->len; i++)
    g_string_append_printf(key, "%u,", g_array_index(set, guint, i));
  gpointer known = g_hash_table_lookup(d->seen, key->str);
  if (known)
    return GPOINTER_TO_INT(known) - 1;
  if (d->max_calls && d->calls >= d->max_calls)
    return FALSE;
  d->calls++;
  gboolean result = d->test((const guint *) (void *) set->data, set->len, d->data);
  g_hash_table_insert(d->seen, g_strdup(key->str), GINT_TO_POINTER(1 + result));
  return result;
}

/* Chunk `k` of `parts` of `set` (or, with `complement`, everything else). */
static GArray *chunk(const GArray *set, guint parts, guint k, gboolean complement)
{
  GArray *out = g_array_new(FALSE, FALSE, sizeof(guint));
  guint lo = (guint) ((guint64) set->len * k / parts), hi = (guint) ((guint64) set->len * (k + 1) / parts);
  for (guint i = 0; i < set->len; i++)
    if ((i >= lo && i < hi) != complement)
      g_array_append_val(out, g_array_index(set, guint, i));
  return out;
}

GArray *ddmin(guint n, DdminTest test, void *data, guint max_tests, guint *tests)
{
  Ddmin d = { test, data, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL), 0, max_tests };
  GArray *current = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < n; i++)
    g_array_append_val(current, i);
  g_autoptr(GArray) none = g_array_new(FALSE, FALSE, sizeof(guint));
  if (n > 0 && fails(&d, none)) {
    g_array_set_size(current, 0);
    n = 0;
  }
  guint parts = 2;
  while (current->len >= 2) {
    parts = MIN(parts, current->len);
    GArray *next = NULL;
    for (guint k = 0; k < parts && !next; k++) {
      GArray *c = chunk(current, parts, k, FALSE);
      if (fails(&d, c))
        next = c;
      else
        g_array_unref(c);
    }
    if (next) {
      parts = 2;
    } else if (parts > 2) {
      /* With two parts each complement is the other chunk, already tried. */
      for (guint k = 0; k < parts && !next; k++) {
        GArray *c = chunk(current, parts, k, TRUE);
        if (fails(&d, c))
          next = c;
        else
          g_array_unref(c);
      }
      if (next)
        parts = MAX(parts - 1, 2);
    }
    if (next) {
      g_array_unref(current);
      current = next;
      continue;
    }
    if (parts >= current->len)
      break;
    parts = MIN(parts * 2, current->len);
  }
  g_hash_table_unref(d.seen);
  if (tests)
    *tests = d.calls;
  return current;
}
