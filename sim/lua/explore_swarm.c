/* The swarm of explore mode, in Lua, loaded only with --explore (explore.h).
 *
 * Swarm testing (Groce, Zhang, Eide, Chen, Regehr: "Swarm Testing", ISSTA
 * 2012): instead of every run using every fault at a fixed rate, each run
 * leaves out each fault kind and each target node with probability 1/2 and
 * draws its own rates, durations and fault budget, so some runs are calm,
 * some are storms of one kind, and a fault that another would mask gets
 * runs of its own. The run's configuration comes from the stream
 * "explore:swarm"; each kind's times and targets from "explore:<kind>", so
 * leaving a kind out does not reshuffle the others. A fault fires at a
 * random time, or (a share drawn per run) at its target's next protocol
 * event or next send after that time, which reaches the middle of a
 * protocol step that a timed fault almost never hits.
 *
 * Called as chunk(spec, F): spec = { duration, start, stop (seconds),
 * faults, nodes, max_faults }; F = the scenario API's fault functions as
 * they were before the script ran, plus note/rng/link_get (lua_explore.c).
 * Every temporary fault is over by spec.stop. */

const char explore_swarm_lua[] =
"local spec, F = ...\n"
"local ipairs, log, exp, min, max = F.ipairs, F.log, F.exp, F.min, F.max\n"
"local swarm = F.rng('swarm')\n"
"local function loguniform(r, lo, hi) return exp(log(lo) + r:random() * (log(hi) - log(lo))) end\n" /* a seeded explore:* stream (wallclock-ok) */
"local span = spec.stop - spec.start\n"
"local enabled, kinds = {}, {}\n"
"for _, k in ipairs(spec.faults) do\n"
"  if swarm:random() < 0.5 then enabled[k] = true; kinds[#kinds + 1] = k end\n" /* a seeded explore:* stream (wallclock-ok) */
"end\n"
"local targets = {}\n"
"for _, n in ipairs(spec.nodes) do if swarm:random() < 0.5 then targets[#targets + 1] = n end end\n" /* a seeded explore:* stream (wallclock-ok) */
"if #targets == 0 then targets[1] = swarm:pick(spec.nodes) end\n"
"local budget = swarm:random(1, spec.max_faults)\n" /* a seeded explore:* stream (wallclock-ok) */
"local mean_fault = loguniform(swarm, span / 200, span / 4)\n"
"local max_jump = loguniform(swarm, spec.duration / 1000, spec.duration)\n"
"local triggered = swarm:pick({ 0, 0.5, 1 })\n"
"local injected = 0\n"
"local held = {}  -- what a temporary fault holds until it ends: node, link or 'partition'\n"
"\n"
"-- How long a temporary fault lasts: drawn, but over by spec.stop.\n"
"local function lasting(r)\n"
"  return max(min(r:exponential(mean_fault), spec.stop - F.now()), 1e-9)\n"
"end\n"
"local function other_than(r, n)\n"
"  if #spec.nodes < 2 then return nil end\n"
"  local u = r:pick(spec.nodes)\n"
"  while u == n do u = r:pick(spec.nodes) end\n"
"  return u\n"
"end\n"
"local function crash_for(r, n, kind)\n"
"  if F.state(n) ~= 'up' or held[n] then return false end\n"
"  F.note(kind, n)\n"
"  F.crash(n)\n"
"  if kind == 'lose_unsynced' then F.lose_unsynced(n) end\n"
"  held[n] = true\n"
"  local down = enabled.restart and lasting(r) or max(spec.stop - F.now(), 1e-9)\n"
"  F.after(down, function()\n"
"    held[n] = nil\n"
"    if F.state(n) == 'crashed' then\n"
"      if enabled.restart then F.note('restart', n) end\n"
"      F.restart(n)\n"
"    end\n"
"  end)\n"
"  return true\n"
"end\n"
"local function burst(r, n, field)\n"
"  local u = other_than(r, n)\n"
"  local key = field .. ':' .. n .. '>' .. (u or '')\n"
"  if not u or held[key] then return false end\n"
"  local loss, dup = F.link_get(n, u)\n"
"  local old = field == 'loss' and loss or dup\n"
"  F.note(field, n)\n"
"  F.link(n, u, { [field] = 0.2 + 0.8 * r:random() }, 'oneway')\n" /* a seeded explore:* stream (wallclock-ok) */
"  held[key] = true\n"
"  F.after(lasting(r), function() held[key] = nil; F.link(n, u, { [field] = old }, 'oneway') end)\n"
"  return true\n"
"end\n"
"\n"
"local inject = {\n"
"  crash = function(r, n) return crash_for(r, n, 'crash') end,\n"
"  lose_unsynced = function(r, n) return crash_for(r, n, 'lose_unsynced') end,\n"
"  pause = function(r, n)\n"
"    if F.state(n) ~= 'up' then return false end\n"
"    F.note('pause', n); F.pause(n, lasting(r)); return true\n"
"  end,\n"
"  partition = function(r, n)\n"
"    if held.partition or #spec.nodes < 2 then return false end\n"
"    local ns = {}\n"
"    for i, m in ipairs(spec.nodes) do ns[i] = m end\n"
"    r:shuffle(ns)\n"
"    local cut = r:random(1, #ns - 1)\n" /* a seeded explore:* stream (wallclock-ok) */
"    local a, b = {}, {}\n"
"    for i, m in ipairs(ns) do if i <= cut then a[#a + 1] = m else b[#b + 1] = m end end\n"
"    F.note('partition', F.unpack(ns))\n"
"    F.partition(a, b)\n"
"    held.partition = true\n"
"    F.after(lasting(r), function() held.partition = nil; F.heal() end)\n"
"    return true\n"
"  end,\n"
"  cut = function(r, n)\n"
"    local u = other_than(r, n)\n"
"    local a, b = n, u\n"
"    if r:random() < 0.5 then a, b = u, n end\n" /* a seeded explore:* stream (wallclock-ok) */
"    local key = 'cut:' .. F.tostring(a) .. '>' .. F.tostring(b)\n"
"    if not u or held[key] then return false end\n"
"    F.note('cut', n); F.cut(a, b)\n"
"    held[key] = true\n"
"    F.after(lasting(r), function() held[key] = nil; F.restore(a, b) end)\n"
"    return true\n"
"  end,\n"
"  loss = function(r, n) return burst(r, n, 'loss') end,\n"
"  duplicate = function(r, n) return burst(r, n, 'duplicate') end,\n"
"  clock_jump = function(r, n)\n"
"    F.note('clock_jump', n); F.clock_jump(n, (2 * r:random() - 1) * max_jump); return true\n" /* a seeded explore:* stream (wallclock-ok) */
"  end,\n"
"  clock_drift = function(r, n)\n"
"    local ppm = loguniform(r, 10, 100000)\n"
"    if r:random() < 0.5 then ppm = -ppm end\n" /* a seeded explore:* stream (wallclock-ok) */
"    F.note('clock_drift', n); F.clock_drift(n, ppm); return true\n"
"  end,\n"
"}\n"
"\n"
"-- Each kind a Poisson process with its own mean gap, its faults taking\n"
"-- turns from the run's budget.\n"
"for _, k in ipairs(kinds) do\n"
"  local go = inject[k]\n"
"  if go then\n"
"    local r = F.rng(k)\n"
"    local gap = loguniform(swarm, span / 20, span)\n"
"    local step\n"
"    step = function()\n"
"      if injected >= budget then return end\n"
"      F.after(r:exponential(gap), function()\n"
"        if injected >= budget or F.now() >= spec.stop then return end\n"
"        local n = r:pick(targets)\n"
"        local fire = function()\n"
"          if injected >= budget or F.now() >= spec.stop then return end\n"
"          if go(r, n) then injected = injected + 1 end\n"
"          step()\n"
"        end\n"
"        if r:random() < triggered then\n" /* a seeded explore:* stream (wallclock-ok) */
"          F.once({ kind = r:random() < 0.5 and 'event' or 'send', node = n }, fire)\n" /* a seeded explore:* stream (wallclock-ok) */
"        else\n"
"          fire()\n"
"        end\n"
"      end)\n"
"    end\n"
"    F.at(spec.start, step)\n"
"  end\n"
"end\n";
