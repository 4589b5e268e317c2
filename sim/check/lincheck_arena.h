/* A bump allocator for the linearizability search's memo: entries are
 * allocated one after another in large chunks and never freed one by one;
 * the whole arena is freed at once. The search stores millions of small
 * entries that all die together, so per-entry malloc headers and a free()
 * per entry at the end (which made `--timeout` overrun by seconds) are
 * avoided. GLib has no public arena (GSlice is deprecated), hence this one. */
#pragma once
#include <glib.h>

typedef struct {
  GPtrArray *chunks;  /* owned chunks, the last one being filled */
  guint8 *next;       /* first free byte of the last chunk */
  guint8 *end;        /* end of the last chunk */
  gsize bytes;        /* bytes of all chunks: what the arena costs */
} LincheckArena;

/* Prepares an empty arena (no memory is taken until the first allocation). */
void lincheck_arena_init(LincheckArena *a);
/* `size` bytes aligned for any scalar type, valid until lincheck_arena_clear.
 * Never fails (aborts like g_malloc when memory is exhausted). */
gpointer lincheck_arena_alloc(LincheckArena *a, gsize size);
/* Frees every chunk at once and leaves the arena empty and reusable. */
void lincheck_arena_clear(LincheckArena *a);
