/* The Lua sandbox scenarios run in.
 *
 * Scenario files are shared between students and teams, so they get only
 * base (without dofile/loadfile/collectgarbage and with text-only load),
 * string, table, math, utf8 and coroutine; no io, os, debug or require.
 *
 * Budgets. A custom allocator caps memory; a count hook caps instructions
 * per call into Lua. Work done in C on the script's behalf is charged to
 * the same instruction budget: every allocated byte (string.rep, `..`,
 * gsub, table growth), the steps of pattern matching (lua_pattern.c), the
 * elements a library function walks (table.move, unpack, concat, sort,
 * pairs; lua_budget.c, lua_order.c). Once the budget is gone, every further
 * instruction raises, so neither pcall nor a __close handler can keep the
 * script running. Both limits end the run with an error naming the file
 * and line.
 *
 * Finalizers are refused: setmetatable() rejects a metatable with __gc
 * (Lua runs finalizers with hooks off, outside any budget, and at
 * lua_close after the simulation is gone), and the library's own
 * metatables are sealed so a script cannot add __gc to them.
 *
 * Determinism. pairs() iterates in sorted key order, table.sort is a
 * stable merge sort, math.random draws from the scenario's seeded stream,
 * and tostring/print/string.format("%p") name tables, functions,
 * coroutines and userdata by order of first appearance ("table: 3")
 * instead of by address. print() writes to stderr so it never mixes with
 * --json output. */
#pragma once
#include "sim/kernel/rng.h"
#include "sim/lua/lua_heap.h"
#include "sim/kernel/time.h"
#include <glib.h>
#include <lua.h>

/* The collector's mode. Generational: most of a model's tables (each
 * delivered message, each fields table it sends) die young, and a minor
 * collection does not re-mark the long-lived heap (the self tables, the
 * dispatch cache, the script's own data) the way every incremental cycle
 * does. Collection still depends only on what was allocated, so a run
 * stays a pure function of its seed, and the allocator's cap bounds the
 * heap in either mode. */
#define LUA_SANDBOX_GC LUA_GCGEN

typedef struct {
  lua_State *L;
  size_t mem_used;
  size_t mem_limit;
  size_t mem_refused; /* bytes more the last refused growth asked for */
  /* Bytes held outside the Lua heap that share mem_limit (the kernel's,
   * sim_memory_counter), or NULL. */
  const size_t *mem_shared;
  size_t mem_grace_end;    /* Lua heap allowed once the run has failed */
  long long instr_budget;  /* per top-level call */
  long long instr_left;    /* may go negative: C-side work is charged in bulk */
  long long instr_run_budget; /* over the whole run; 0 = none */
  long long instr_run;        /* executed so far, in steps of the hook */
  /* Asked by the count hook: a message when the run has already failed
   * outside Lua (a kernel budget), so the script stops at once; NULL to
   * carry on. May be NULL. */
  const char *(*stop_reason)(void *ctx);
  void *stop_ctx;
  gboolean over_budget;
  SimRng *random;          /* math.random's stream; owned by the caller */
  SimTime (*now)(void *ctx); /* for print(); NULL once the run is torn down */
  void *now_ctx;
  lua_Integer next_identity; /* tostring() numbering, see lua_identity.c */
  LuaHeap *heap;            /* where Lua's blocks come from; NULL = malloc */
  LuaHeapCache *heaps;      /* heap taken from and given back to, or NULL */
} LuaSandbox;

/* Creates the state. Returns NULL if Lua could not allocate. */
LuaSandbox *lua_sandbox_new(size_t mem_limit, long long instr_budget, SimRng *random);
/* The same, with the Lua heap taken from `heaps` (may be NULL: malloc)
 * and given back when the sandbox is freed: for runs in a batch. */
LuaSandbox *lua_sandbox_new_cached(size_t mem_limit, long long instr_budget, SimRng *random,
                                   LuaHeapCache *heaps);
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
/* The same for a caller that pushed lua_sandbox_push_handler's error
 * handler before the function: saves moving it under the function and
 * back for every call (model handlers run millions of times). */
void lua_sandbox_push_handler(LuaSandbox *sb);
gboolean lua_sandbox_call_handled(LuaSandbox *sb, int nargs, int nresults, GError **error);

/* Turns a failed coroutine's message into a GError, adding the script
 * position when the message has none. */
GError *lua_sandbox_thread_error(LuaSandbox *sb, lua_State *co, int status);

/* Charges `units` instructions of work done in C to the current budget;
 * raises the budget error (and keeps raising at every later instruction of
 * this call) when it is used up. Call it before doing the work. */
void lua_sandbox_charge(lua_State *L, lua_Integer units);

/* Seals every metatable in the registry (and the string metatable): a
 * script can neither read nor change them, so it cannot give the host's
 * own objects a __gc. Call once every library and API part is open. */
void lua_sandbox_seal(LuaSandbox *sb);

/* lua_identity.c: pushes what tostring() gives for the value at `idx`
 * (metamethods __tostring and __name honoured) with per-run names instead
 * of addresses, and returns it. */
const char *lua_identity_tostring(lua_State *L, int idx, size_t *len);
/* Pushes the per-run name of the object at `idx` ("table: 3"); strings are
 * named by content. Returns NULL (pushing nothing) for values that are not
 * objects (nil, booleans, numbers). */
const char *lua_identity_name(lua_State *L, int idx);
/* Installs tostring, print and string.format with per-run names. */
void lua_identity_open(lua_State *L);

/* lua_order.c */
/* Pushes a new array of the keys of table `t` in the fixed order pairs()
 * uses: booleans (false first), numbers ascending, strings bytewise. Other
 * key types raise, unless `any_type`, which puts them last in the order of
 * their per-run names. Charges the work to the budget. */
void lua_order_push_keys(lua_State *L, int t, gboolean any_type);
/* The sandbox's pairs(): C code that walks a script's table in order calls
 * this one directly, never the global a script may have replaced. */
int lua_order_pairs(lua_State *L);
/* Installs pairs and table.sort. */
void lua_order_open(lua_State *L);

/* lua_budget.c: installs the table, string, utf8 and base functions whose C
 * work is charged to the budget (see the file's header). */
void lua_budget_open(lua_State *L);

/* lua_pattern.c: installs string.find, match, gmatch and gsub, a
 * step-counted implementation of Lua 5.4 patterns. */
void lua_pattern_open(lua_State *L);
/* Like Lua's posrelatI: a 1-based start position from `pos` (negative
 * counts from the end of a string of `len` bytes), clipped to >= 1. */
size_t lua_start_position(lua_Integer pos, size_t len);
/* Raises unless argument `arg` is a table, or has a metatable with the
 * metamethods a table function needs (__index to read, __newindex to
 * write, __len for the length), as Lua's table library checks. */
void lua_sandbox_check_table(lua_State *L, int arg, gboolean read, gboolean write, gboolean len);
