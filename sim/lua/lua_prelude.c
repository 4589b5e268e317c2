/* Scenario helpers written in Lua itself, loaded into every sandbox before
 * the scenario: timeline waits and the random fault processes (nemesis). */
#include "sim/lua/lua_chunk.h"
#include <string.h>

/* Heap bound for compiling the prelude (it needs well under 1 MiB). */
#define PRELUDE_COMPILE_MEM (16u << 20)

const char lua_prelude[] =
"-- sleep() and wait_for() yield a private token first: the scheduler\n"
"-- trusts no other yield from a timeline.\n"
"local timeline_token = _timeline_token()\n"
"_timeline_token = nil\n"
"function sleep(d)\n"
"  if not coroutine.isyieldable() then error('sleep() works only inside timeline(function() ... end)', 2) end\n"
"  coroutine.yield(timeline_token, 'sleep', _ns(d))\n"
"end\n"
"function wait_for(filter, count)\n"
"  if not coroutine.isyieldable() then error('wait_for() works only inside timeline(function() ... end)', 2) end\n"
"  if count ~= nil and (math.type(count) ~= 'integer' or count < 1) then error('wait_for(): count must be a positive integer', 2) end\n"
"  _check_filter(filter)\n"
"  return coroutine.yield(timeline_token, 'wait', filter, count or 1)\n"
"end\n"
"nemesis = {}\n"
"local nemesis_count = 0\n"
"local function stream(kind)\n"
"  nemesis_count = nemesis_count + 1\n"
"  return rng('nemesis:' .. kind .. ':' .. nemesis_count)\n"
"end\n"
"local function in_window(o)\n"
"  return not o.stop or now() < _ns(o.stop) / 1e9\n"
"end\n"
"local function starting(o, fn)\n"
"  if o.start then at(o.start, fn) else fn() end\n"
"end\n"
"-- Crash-restart cycles per node: up for Exp(mttf), down for Exp(mttr).\n"
"function nemesis.crashes(o)\n"
"  local r = stream('crashes')\n"
"  for _, n in ipairs(o.nodes) do\n"
"    local up\n"
"    up = function()\n"
"      after(r:exponential(o.mttf or '10s'), function()\n"
"        if not in_window(o) then return end\n"
"        crash(n); metric_add('nemesis_crashes')\n"
"        after(r:exponential(o.mttr or '1s'), function() restart(n); up() end)\n"
"      end)\n"
"    end\n"
"    starting(o, up)\n"
"  end\n"
"end\n"
"-- Every `every`, split the nodes into two random sides for `duration`.\n"
"function nemesis.partitions(o)\n"
"  local r = stream('partitions')\n"
"  local period = _ns(o.every or '5s') / 1e9\n"
"  local span = _ns(o.duration or '1s') / 1e9\n"
"  starting(o, function() every(period, function()\n"
"    if not in_window(o) then return end\n"
"    local ns = {}\n"
"    for i, n in ipairs(o.nodes) do ns[i] = n end\n"
"    r:shuffle(ns)\n"
"    local cut = r:random(1, #ns - 1)\n" /* a seeded rng() stream (wallclock-ok) */
"    local a, b = {}, {}\n"
"    for i, n in ipairs(ns) do if i <= cut then a[#a + 1] = n else b[#b + 1] = n end end\n"
"    partition(a, b); metric_add('nemesis_partitions')\n"
"    after(span, heal)\n"
"  end) end)\n"
"end\n"
"-- Every `every`, freeze one random node for `duration` (a GC pause).\n"
"function nemesis.pauses(o)\n"
"  local r = stream('pauses')\n"
"  starting(o, function() every(o.every or '3s', function()\n"
"    if not in_window(o) then return end\n"
"    local n = r:pick(o.nodes)\n"
"    if state(n) == 'up' then pause(n, o.duration or '500ms'); metric_add('nemesis_pauses') end\n"
"  end) end)\n"
"end\n"
"-- Every `every`, jump one random node's clock by up to +/- max_jump.\n"
"function nemesis.clocks(o)\n"
"  local r = stream('clocks')\n"
"  local max = _ns(o.max_jump or '1s') / 1e9\n"
"  starting(o, function() every(o.every or '5s', function()\n"
"    if not in_window(o) then return end\n"
"    clock_jump(r:pick(o.nodes), (r:random() * 2 - 1) * max); metric_add('nemesis_clock_jumps')\n" /* seeded (wallclock-ok) */
"  end) end)\n"
"end\n";

const LuaChunk *lua_prelude_chunk(void)
{
  /* Compiled on first use and never changed after: every run of every
   * scenario loads the same bytes, whichever thread asked first. */
  static gsize compiled = 0;
  static LuaChunk *chunk = NULL;
  if (g_once_init_enter(&compiled)) {
    chunk = lua_chunk_compile(lua_prelude, strlen(lua_prelude), "=prelude", PRELUDE_COMPILE_MEM);
    g_once_init_leave(&compiled, 1);
  }
  return chunk;
}
