#include "sim/lua/lua_chunk.h"
#include "sim/kernel/errors.h"
#include <lauxlib.h>
#include <stdlib.h>

struct LuaChunk {
  GByteArray *bytes;
  char *name;
};

typedef struct {
  size_t used, limit;
} ScratchHeap;

/* lua_Alloc for the scratch state: malloc within `limit` bytes. */
static void *scratch_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  ScratchHeap *heap = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    heap->used -= old;
    return NULL;
  }
  if (nsize > old && heap->used - old + nsize > heap->limit)
    return NULL;
  void *p = realloc(ptr, nsize);
  if (p)
    heap->used = heap->used - old + nsize;
  return p;
}

static int append_bytes(lua_State *L, const void *p, size_t size, void *ud)
{
  (void) L;
  g_byte_array_append(ud, p, (guint) size);
  return 0;
}

LuaChunk *lua_chunk_compile(const char *code, size_t len, const char *chunkname, size_t mem_limit)
{
  ScratchHeap heap = { 0, mem_limit };
  lua_State *L = lua_newstate(scratch_alloc, &heap);
  if (!L)
    return NULL;
  LuaChunk *chunk = NULL;
  if (luaL_loadbufferx(L, code, len, chunkname, "t") == LUA_OK) {
    chunk = g_new0(LuaChunk, 1);
    chunk->bytes = g_byte_array_new();
    chunk->name = g_strdup(chunkname);
    if (lua_dump(L, append_bytes, chunk->bytes, 0) != 0) {
      lua_chunk_free(chunk);
      chunk = NULL;
    }
  }
  lua_close(L);
  return chunk;
}

void lua_chunk_free(LuaChunk *chunk)
{
  if (!chunk)
    return;
  g_byte_array_unref(chunk->bytes);
  g_free(chunk->name);
  g_free(chunk);
}

gboolean lua_chunk_load(LuaSandbox *sb, const LuaChunk *chunk, GError **error)
{
  int rc = luaL_loadbufferx(sb->L, (const char *) chunk->bytes->data, chunk->bytes->len, chunk->name, "b");
  if (rc != LUA_OK) {
    const char *msg = lua_tostring(sb->L, -1);
    g_set_error(error, SIM_ERROR, rc == LUA_ERRMEM ? SIM_ERROR_LIMIT : SIM_ERROR_INVALID, "%s",
                msg ? msg : "cannot load the script");
    lua_pop(sb->L, 1);
    return FALSE;
  }
  return TRUE;
}
