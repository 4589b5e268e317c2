/* The Lua sandbox scenarios run in.
 *
 * Scenario files are shared between students and teams, so they get only
 * base (without dofile/loadfile and with text-only load), string, table,
 * math, utf8 and coroutine; no io, os, debug or require. A custom allocator
 * caps memory, a count hook caps instructions per call into Lua, and both
 * end the run with an error naming the file and line. For determinism,
 * pairs() iterates in sorted key order and math.random draws from the
 * scenario's seeded stream. print() writes to stderr so it never mixes with
 * --json output. */
#pragma once
#include "sim/kernel/rng.h"
#include "sim/kernel/time.h"
#include <glib.h>
#include <lua.h>

typedef struct {
  lua_State *L;
  size_t mem_used;
  size_t mem_limit;
  /* Bytes held outside the Lua heap that share mem_limit (the kernel's,
   * sim_memory_counter), or NULL. */
  const size_t *mem_shared;
  size_t mem_grace_end;    /* Lua heap allowed once the run has failed */
  long long instr_budget;  /* per top-level call */
  long long instr_left;
  long long instr_run_budget; /* over the whole run; 0 = none */
  long long instr_run;        /* executed so far, in steps of the hook */
  /* Asked by the count hook: a message when the run has already failed
   * outside Lua (a kernel budget), so the script stops at once; NULL to
   * carry on. May be NULL. */
  const char *(*stop_reason)(void *ctx);
  void *stop_ctx;
  gboolean over_budget;
  SimRng *random;          /* math.random's stream; owned by the caller */
  SimTime (*now)(void *ctx);
  void *now_ctx;
} LuaSandbox;

/* Creates the state. Returns NULL if Lua could not allocate. */
LuaSandbox *lua_sandbox_new(size_t mem_limit, long long instr_budget, SimRng *random);
void lua_sandbox_free(LuaSandbox *sb);

/* The sandbox that owns `L`. */
LuaSandbox *lua_sandbox_of(lua_State *L);

/* Loads text chunk `code` named `chunkname` ("@file.lua") and leaves the
 * function on the stack; on failure sets `error` to "file:line: message". */
gboolean lua_sandbox_load(LuaSandbox *sb, const char *code, size_t len,
                          const char *chunkname, GError **error);

/* Calls the function below `nargs` arguments with a fresh instruction
 * budget and an error handler; on success leaves `nresults` results on the
 * stack, on failure pops everything and sets `error` to "file:line: message". */
gboolean lua_sandbox_call(LuaSandbox *sb, int nargs, int nresults, GError **error);

/* Turns a failed coroutine's message into a GError, adding the script
 * position when the message has none. */
GError *lua_sandbox_thread_error(LuaSandbox *sb, lua_State *co, int status);
