/* Lua source compiled once and loaded many times: a sweep runs one script
 * thousands of times, and parsing the prelude and the script was a fifth
 * of a short run. A LuaChunk is the binary form lua_dump writes, with its
 * debug information (source name, lines), so a run that loads it behaves,
 * and fails, exactly like one that parses the text. Binary chunks are
 * loaded only from here, never from a file: the sandbox still refuses
 * them from scripts. */
#pragma once
#include "sim/lua/lua_sandbox.h"

typedef struct LuaChunk LuaChunk;

/* Compiles `code` named `chunkname` ("@file.lua", "=prelude") in a
 * scratch Lua state whose heap is bounded by `mem_limit` bytes. NULL when
 * it does not compile (or the scratch state ran out of memory): the caller
 * then loads the text, which reports the error as usual. */
LuaChunk *lua_chunk_compile(const char *code, size_t len, const char *chunkname, size_t mem_limit);
void lua_chunk_free(LuaChunk *chunk);

/* Loads `chunk` into the sandbox and leaves the function on the stack, as
 * lua_sandbox_load does for text; FALSE with `error` (only when the
 * sandbox's memory runs out). */
gboolean lua_chunk_load(LuaSandbox *sb, const LuaChunk *chunk, GError **error);

/* lua_prelude.c: the prelude (the Lua half of the scenario API) compiled
 * once per process; NULL only if it could not be (no memory). */
const LuaChunk *lua_prelude_chunk(void);
