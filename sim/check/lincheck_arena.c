/* The search's bump allocator (see sim/check/lincheck_arena.h). */
#include "sim/check/lincheck_arena.h"

/* Chunks start small (a history may have many small keys, each with its
 * own arena) and double up to ARENA_CHUNK_MAX. */
#define ARENA_CHUNK_MIN ((gsize) 4096)
#define ARENA_CHUNK_MAX ((gsize) 1 << 20)
#define ARENA_ALIGN 8

void lincheck_arena_init(LincheckArena *a)
{
  a->chunks = NULL;
  a->next = a->end = NULL;
  a->bytes = 0;
}

gpointer lincheck_arena_alloc(LincheckArena *a, gsize size)
{
  size = (size + ARENA_ALIGN - 1) & ~(gsize) (ARENA_ALIGN - 1);
  if ((gsize) (a->end - a->next) < size) {
    if (!a->chunks)
      a->chunks = g_ptr_array_new_with_free_func(g_free);
    guint n = a->chunks->len;
    gsize chunk = n >= 8 ? ARENA_CHUNK_MAX : MIN(ARENA_CHUNK_MAX, ARENA_CHUNK_MIN << n);
    chunk = MAX(chunk, size);   /* a large request gets a chunk of its own */
    guint8 *mem = g_malloc(chunk);
    g_ptr_array_add(a->chunks, mem);
    a->next = mem;
    a->end = mem + chunk;
    a->bytes += chunk;
  }
  gpointer p = a->next;
  a->next += size;
  return p;
}

void lincheck_arena_clear(LincheckArena *a)
{
  g_clear_pointer(&a->chunks, g_ptr_array_unref);
  a->next = a->end = NULL;
  a->bytes = 0;
}
