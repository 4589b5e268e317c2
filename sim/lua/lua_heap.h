/* A Lua heap for sandboxes that live for one short run.
 *
 * A run's Lua state makes thousands of small allocations (strings, tables,
 * closures, the prelude's functions) and lua_close frees them one by one a
 * few microseconds later; through malloc that was a third of an empty
 * run. A LuaHeap serves blocks of up to LUA_HEAP_SMALL bytes from one
 * region: size classes of 16 bytes, each with a free list, carved from the
 * region in address order. Bigger blocks, and every block once the region
 * is full, come from malloc. The region never grows, so a run's memory
 * beyond the Lua budget's own count is bounded by the region's size.
 *
 * Nothing here is visible to a script: the sandbox still counts the bytes
 * Lua asks for (its memory budget and the instructions charged for
 * allocation are unchanged), and addresses never reach output.
 *
 * A LuaHeapCache keeps idle heaps for the next run, so a batch of runs
 * reuses memory whose pages are already mapped. One heap serves one Lua
 * state at a time; the cache may be shared by threads. */
#pragma once
#include <glib.h>
#include <stddef.h>

/* Largest block served from the region; bigger ones come from malloc. */
#define LUA_HEAP_SMALL 512

typedef struct LuaHeap LuaHeap;
typedef struct LuaHeapCache LuaHeapCache;

/* A heap with an empty region. Never NULL (GLib aborts when out of
 * memory, as for every g_new). */
LuaHeap *lua_heap_new(void);
/* Frees the heap. Every block it handed out must have been freed first
 * (lua_close frees all of a state's blocks). */
void lua_heap_free(LuaHeap *heap);

/* lua_Alloc's contract, without the state: frees `ptr` (`osize` bytes)
 * when `nsize` is 0 and returns NULL; otherwise returns a block of `nsize`
 * bytes holding the first min(osize, nsize) bytes of `ptr` (when `ptr` is
 * not NULL), or NULL, leaving `ptr` untouched, when memory ran out.
 * Shrinking never fails. `osize` is the size Lua gave when `ptr` was
 * allocated (ignored when `ptr` is NULL). With `heap` NULL, plain
 * realloc/free. */
void *lua_heap_realloc(LuaHeap *heap, void *ptr, size_t osize, size_t nsize);

/* A cache of idle heaps (thread-safe). */
LuaHeapCache *lua_heap_cache_new(void);
void lua_heap_cache_free(LuaHeapCache *cache);
/* An idle heap from `cache`, or a new one when none is idle. */
LuaHeap *lua_heap_cache_take(LuaHeapCache *cache);
/* Gives `heap`, all of whose blocks have been freed, back to `cache` for
 * a later run (its region emptied). With `cache` NULL, frees it. */
void lua_heap_cache_give(LuaHeapCache *cache, LuaHeap *heap);
