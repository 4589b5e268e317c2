/* The heap libraft allocates from (raft_heap_set), for two reasons:
 *
 * - Zeroed memory. libraft leaves padding uninitialised in buffers it
 *   sends and stores (a configuration is padded to 8 bytes, a barrier
 *   entry is 8 bytes nobody writes); those bytes would reach message
 *   payloads and the trace digest with whatever the allocator left there.
 *   Zeroed, the same seed gives the same bytes.
 * - Arenas. A crashed process leaves nothing behind and runs no code: to
 *   model that, every block the library allocates while a server is
 *   running (lr_arena_enter) is recorded in that server's arena, and a
 *   crash frees the arena whole (lr_arena_free_all) without calling back
 *   into the library.
 *
 * raft_heap_set is process-wide, so the heap is installed once and is
 * stateless; the arena in use is per thread (sweeps run Sims on threads),
 * set by lr_arena_enter around every call into the library and restored
 * after. */
#include "models/libraft/libraft.h"
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

struct LrArena {
  GHashTable *blocks; /* a set of the blocks the library holds */
};

static _Thread_local LrArena *current;

static void track(void *p)
{
  if (p && current)
    g_hash_table_add(current->blocks, p);
}

static void untrack(void *p)
{
  if (p && current)
    g_hash_table_remove(current->blocks, p);
}

static void *heap_malloc(void *data, size_t size)
{
  (void) data;
  void *p = calloc(1, size ? size : 1);
  track(p);
  return p;
}

static void heap_free(void *data, void *ptr)
{
  (void) data;
  untrack(ptr);
  free(ptr);
}

static void *heap_calloc(void *data, size_t nmemb, size_t size)
{
  (void) data;
  void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
  track(p);
  return p;
}

static void *heap_realloc(void *data, void *ptr, size_t size)
{
  (void) data;
  size_t old = ptr ? malloc_usable_size(ptr) : 0;
  /* Untracked first: after a successful realloc the old pointer may not
   * be used, even as a key; put back if realloc fails. */
  untrack(ptr);
  unsigned char *p = realloc(ptr, size ? size : 1);
  if (!p) {
    track(ptr);
  } else {
    track(p);
    if (size > old)
      memset(p + old, 0, size - old);
  }
  return p;
}

static void *heap_aligned_alloc(void *data, size_t alignment, size_t size)
{
  (void) data;
  size_t rounded = (size + alignment - 1) / alignment * alignment;
  if (rounded == 0)
    rounded = alignment;
  void *p = aligned_alloc(alignment, rounded);
  if (p)
    memset(p, 0, rounded);
  track(p);
  return p;
}

static void heap_aligned_free(void *data, size_t alignment, void *ptr)
{
  (void) data;
  (void) alignment;
  untrack(ptr);
  free(ptr);
}

static gpointer heap_install(gpointer unused)
{
  (void) unused;
  static struct raft_heap heap = { NULL, heap_malloc, heap_free, heap_calloc, heap_realloc, heap_aligned_alloc,
                                   heap_aligned_free };
  raft_heap_set(&heap);
  return NULL;
}

LrArena *lr_arena_new(void)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, heap_install, NULL);
  LrArena *a = g_new(LrArena, 1);
  a->blocks = g_hash_table_new(g_direct_hash, g_direct_equal);
  return a;
}

LrArena *lr_arena_enter(LrArena *a)
{
  LrArena *prev = current;
  current = a;
  return prev;
}

void lr_arena_leave(LrArena *prev) { current = prev; }

void lr_arena_free_all(LrArena *a)
{
  if (!a)
    return;
  GHashTableIter it;
  gpointer p;
  g_hash_table_iter_init(&it, a->blocks);
  while (g_hash_table_iter_next(&it, &p, NULL))
    free(p);
  g_hash_table_unref(a->blocks);
  g_free(a);
}

guint lr_arena_blocks(const LrArena *a) { return g_hash_table_size(a->blocks); }
