-- Calls every scenario API function with arguments of every type, each in
-- pcall: a wrong argument must be a Lua error, never a crash, and its
-- message must be a string that names the function called and shows no
-- memory address (invariant error_messages, with the first bad messages
-- as examples). The grid of arguments is the same in every run; each seed
-- adds random argument triples of its own (stream "fuzz"), so many seeds
-- explore more (tests/soak/fuzz_scenario_api.sh).
--
-- With --set escape=true, the seed picks a function and k in 1..20; its
-- k-th failing call is made again without pcall. The run must then end
-- with exit 2 and "FILE:LINE: message" where LINE is the line of that
-- function's wrapper below and the message names the function; the line
-- "api_garbage: escaping with NAME" on stderr says which. If that function
-- never failed k times the run ends normally and says so ("api_garbage: no
-- escape"). tests/test_scenarios.c and the soak check both.
scenario { name = "api_garbage", duration = "1s" }
local p = params { escape = false, random_calls = 40 }
node("a", "echo.server")
node("b", "echo.server")

local nv = 33 -- #values is unreliable with nil holes
local values = { nil, true, false, 0, -1, 1, 0.5, -0.5, 1e300, -1e300, 0/0, 1/0, -1/0,
                 math.maxinteger, math.mininteger, "", "a", "b", "nope", "1s", "-1s",
                 "uniform:1ms,2ms", "kind", {}, { "a" }, { "a", "b" }, { kind = "send" },
                 { min = 1 }, { [{}] = 1 }, function() end, now, coroutine.create(function() end),
                 { bandwidth = "1kbit", queue = 100 } }
-- Each function is called through a wrapper of its own, one per line and
-- not as a tail call, so an error raised in it names the function ("bad
-- argument #1 to 'crash'") and, when it escapes, the line of its wrapper.
local api = {
  { "scenario", function(...) scenario(...) end },
  { "duration", function(...) duration(...) end },
  { "params", function(...) params(...) end },
  { "network", function(...) network(...) end },
  { "link", function(...) link(...) end },
  { "link_stats", function(...) link_stats(...) end },
  { "node", function(...) node(...) end },
  { "clients", function(...) clients(...) end },
  { "workload", function(...) workload(...) end },
  { "expect", function(...) expect(...) end },
  { "at", function(...) at(...) end },
  { "after", function(...) after(...) end },
  { "every", function(...) every(...) end },
  { "timeline", function(...) timeline(...) end },
  { "invariant", function(...) invariant(...) end },
  { "on", function(...) on(...) end },
  { "once", function(...) once(...) end },
  { "crash", function(...) crash(...) end },
  { "restart", function(...) restart(...) end },
  { "crash_restart", function(...) crash_restart(...) end },
  { "pause", function(...) pause(...) end },
  { "resume", function(...) resume(...) end },
  { "clock_jump", function(...) clock_jump(...) end },
  { "clock_offset", function(...) clock_offset(...) end },
  { "clock_drift", function(...) clock_drift(...) end },
  { "partition", function(...) partition(...) end },
  { "heal", function(...) heal(...) end },
  { "cut", function(...) cut(...) end },
  { "restore", function(...) restore(...) end },
  { "lose_unsynced", function(...) lose_unsynced(...) end },
  { "now", function(...) now(...) end },
  { "state", function(...) state(...) end },
  { "clock", function(...) clock(...) end },
  { "nodes", function(...) nodes(...) end },
  { "stats", function(...) stats(...) end },
  { "violations", function(...) violations(...) end },
  { "metric", function(...) metric(...) end },
  { "metric_add", function(...) metric_add(...) end },
  { "sample", function(...) sample(...) end },
  { "violation", function(...) violation(...) end },
  { "rng", function(...) rng(...) end },
  { "sleep", function(...) sleep(...) end },
  { "wait_for", function(...) wait_for(...) end },
  { "service_stats", function(...) service_stats(...) end },
  { "client_stats", function(...) client_stats(...) end },
}
-- The random stream's methods, called as methods so that Lua knows their
-- names.
local r = rng("x")
local methods = {
  ["rng:random"] = function(a, b) r:random(a, b) end,
  ["rng:exponential"] = function(a) r:exponential(a) end,
  ["rng:chance"] = function(a) r:chance(a) end,
  ["rng:pick"] = function(a) r:pick(a) end,
  ["rng:shuffle"] = function(a) r:shuffle(a) end,
}
for name, m in pairs(methods) do api[#api + 1] = { name, m } end

-- A message is good when it is a string naming the function (as a whole
-- word: 'crash', crash(), clients{}, rng:pick -> pick) with no address.
local bad, seen_bad = {}, {}
local function check_message(name, msg)
  local word = name:match("[%w_]+$")
  local why
  if type(msg) ~= "string" then why = "error value of type " .. type(msg)
  elseif msg:find("0x%x%x%x%x") or msg:find("table: ") or msg:find("function: ") then why = "shows an address"
  elseif not msg:find("%f[%w_]" .. word .. "%f[^%w_]") then why = "does not name " .. word
  end
  if not why then return end
  metric_add("bad_messages")
  if #bad < 8 and not seen_bad[name .. why] then
    seen_bad[name .. why] = true
    bad[#bad + 1] = name .. ": " .. why .. ": " .. tostring(msg)
  end
end

local escape_rng = rng("escape")
local escape_name = p.escape and api[escape_rng:random(#api)][1]
local escape_k = escape_rng:random(1, 20)
local calls, errors, failed = 0, 0, {}
-- call(name, f, a, b, c): one protected call, counted; see escape above.
local function call(name, f, a, b, c)
  calls = calls + 1
  local ok, msg = pcall(f, a, b, c)
  if ok then return end
  errors = errors + 1
  failed[name] = (failed[name] or 0) + 1
  check_message(name, msg)
  if name == escape_name and failed[name] == escape_k then
    print("api_garbage: escaping with " .. name)
    f(a, b, c)
    print("api_garbage: a call that failed under pcall did not fail again: " .. name)
  end
end

for _, entry in ipairs(api) do
  for i = 1, nv do
    for j = 1, nv, 3 do call(entry[1], entry[2], values[i], values[j], values[(i + j) % nv + 1]) end
  end
end
-- This seed's own triples.
local fuzz = rng("fuzz")
for _, entry in ipairs(api) do
  for _ = 1, p.random_calls do
    call(entry[1], entry[2], values[fuzz:random(nv)], values[fuzz:random(nv)], values[fuzz:random(nv)])
  end
end
if escape_name then print("api_garbage: no escape: " .. escape_name .. " failed " .. (failed[escape_name] or 0) .. " times") end

heal()
for _, n in ipairs({ "a", "b" }) do if state(n) ~= "up" then pcall(resume, n); pcall(restart, n) end end
invariant("error_messages", function() return #bad == 0, table.concat(bad, "; ") end)
metric("api_calls", calls)
metric("api_errors", errors)
-- Garbage calls to violation() and invariant() that succeed count
-- violations of their own: any number of them is fine here.
expect { violations = { min = 0 }, invariants = { error_messages = 0 },
         metrics = { api_calls = { min = 10000 }, api_errors = { min = 5000 } } }
