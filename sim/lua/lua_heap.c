#include "sim/lua/lua_heap.h"
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
/* Free and not yet carved bytes of the region are poisoned, so ASan still
 * catches a use after free or an overrun into a neighbouring block. */
#define HEAP_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define HEAP_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define HEAP_POISON(p, n) ((void) (p), (void) (n))
#define HEAP_UNPOISON(p, n) ((void) (p), (void) (n))
#endif

/* The region: an empty scenario's state needs about 200 KiB, a short run
 * somewhat more; pages never touched cost nothing. */
#define HEAP_REGION (4u << 20)
#define HEAP_GRAIN 16
#define HEAP_CLASSES (LUA_HEAP_SMALL / HEAP_GRAIN)

struct LuaHeap {
  char *base, *next, *end;          /* region; next = first byte never carved */
  void *free_list[HEAP_CLASSES];    /* each free block's first word links on */
};

struct LuaHeapCache {
  GMutex lock;
  GPtrArray *idle;
};

/* Size class of a block of `size` (1..LUA_HEAP_SMALL) bytes, and the bytes
 * such a block really has. */
static size_t class_of(size_t size) { return (size - 1) / HEAP_GRAIN; }
static size_t class_bytes(size_t c) { return (c + 1) * HEAP_GRAIN; }

static gboolean owns(const LuaHeap *heap, const void *p)
{
  return (const char *) p >= heap->base && (const char *) p < heap->end;
}

/* Forgets every block: past `next` the region is still poisoned. */
static void empty_region(LuaHeap *heap)
{
  HEAP_POISON(heap->base, (size_t) (heap->next - heap->base));
  heap->next = heap->base;
  memset(heap->free_list, 0, sizeof heap->free_list);
}

LuaHeap *lua_heap_new(void)
{
  LuaHeap *heap = g_new0(LuaHeap, 1);
  heap->base = g_malloc(HEAP_REGION);
  heap->next = heap->base;
  heap->end = heap->base + HEAP_REGION;
  HEAP_POISON(heap->base, HEAP_REGION);
  return heap;
}

void lua_heap_free(LuaHeap *heap)
{
  if (!heap)
    return;
  HEAP_UNPOISON(heap->base, HEAP_REGION);
  g_free(heap->base);
  g_free(heap);
}

/* A region block for `size` (<= LUA_HEAP_SMALL) bytes, or NULL when its
 * class has no free block and the region is full. */
static void *small_alloc(LuaHeap *heap, size_t size)
{
  size_t c = class_of(size);
  void *p = heap->free_list[c];
  if (p) {
    HEAP_UNPOISON(p, sizeof(void *));
    memcpy(&heap->free_list[c], p, sizeof(void *));
  } else {
    if ((size_t) (heap->end - heap->next) < class_bytes(c))
      return NULL;
    p = heap->next;
    heap->next += class_bytes(c);
  }
  HEAP_UNPOISON(p, size);
  return p;
}

/* Puts region block `p`, last given `size` bytes, on its class's list. A
 * block shrunk in place goes on the list of its smaller size: it is at
 * least that big, so nothing is overrun (the difference is unused until
 * the region is emptied). */
static void small_free(LuaHeap *heap, void *p, size_t size)
{
  size_t c = class_of(size);
  /* A block has at least HEAP_GRAIN bytes, but only `size` are unpoisoned. */
  HEAP_UNPOISON(p, sizeof(void *));
  memcpy(p, &heap->free_list[c], sizeof(void *));
  heap->free_list[c] = p;
  HEAP_POISON(p, class_bytes(c));
}

void *lua_heap_realloc(LuaHeap *heap, void *ptr, size_t osize, size_t nsize)
{
  if (!heap) {
    if (nsize == 0) {
      free(ptr);
      return NULL;
    }
    return realloc(ptr, nsize);
  }
  gboolean mine = ptr && owns(heap, ptr);
  if (nsize == 0) {
    if (mine)
      small_free(heap, ptr, osize);
    else
      free(ptr);
    return NULL;
  }
  if (ptr && !mine)
    return realloc(ptr, nsize);
  if (mine && nsize <= osize)
    return ptr;
  if (mine && class_of(nsize) == class_of(osize)) {
    HEAP_UNPOISON(ptr, nsize);
    return ptr;
  }
  void *p = nsize <= LUA_HEAP_SMALL ? small_alloc(heap, nsize) : NULL;
  if (!p)
    p = malloc(nsize);
  if (p && mine) {
    memcpy(p, ptr, osize);
    small_free(heap, ptr, osize);
  }
  return p;
}

LuaHeapCache *lua_heap_cache_new(void)
{
  LuaHeapCache *cache = g_new0(LuaHeapCache, 1);
  g_mutex_init(&cache->lock);
  cache->idle = g_ptr_array_new_with_free_func((GDestroyNotify) lua_heap_free);
  return cache;
}

void lua_heap_cache_free(LuaHeapCache *cache)
{
  if (!cache)
    return;
  g_ptr_array_unref(cache->idle);
  g_mutex_clear(&cache->lock);
  g_free(cache);
}

LuaHeap *lua_heap_cache_take(LuaHeapCache *cache)
{
  LuaHeap *heap = NULL;
  if (cache) {
    g_mutex_lock(&cache->lock);
    if (cache->idle->len)
      heap = g_ptr_array_steal_index(cache->idle, cache->idle->len - 1);
    g_mutex_unlock(&cache->lock);
  }
  return heap ? heap : lua_heap_new();
}

void lua_heap_cache_give(LuaHeapCache *cache, LuaHeap *heap)
{
  if (!heap)
    return;
  if (!cache) {
    lua_heap_free(heap);
    return;
  }
  empty_region(heap);
  g_mutex_lock(&cache->lock);
  g_ptr_array_add(cache->idle, heap);
  g_mutex_unlock(&cache->lock);
}
