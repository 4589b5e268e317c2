-- Calls every scenario API function with arguments of every type, each in
-- pcall: a wrong argument must be a Lua error, never a crash. The test runs
-- this under the normal and the sanitizer builds and expects exit 0.
scenario { name = "api_garbage", duration = "1s" }
node("a", "echo.server")
node("b", "echo.server")

local values = { nil, true, false, 0, -1, 1, 0.5, -0.5, 1e300, -1e300, 0/0, 1/0, -1/0,
                 math.maxinteger, math.mininteger, "", "a", "b", "nope", "1s", "-1s",
                 "uniform:1ms,2ms", "kind", {}, { "a" }, { "a", "b" }, { kind = "send" },
                 { min = 1 }, { [{}] = 1 }, function() end, print, coroutine.create(function() end) }
local names = {
  "scenario", "duration", "params", "network", "link", "node", "clients", "workload", "expect",
  "at", "after", "every", "timeline", "invariant", "on", "once", "crash", "restart", "crash_restart",
  "pause", "resume", "clock_jump", "clock_offset", "clock_drift", "partition", "heal", "cut",
  "restore", "lose_unsynced", "now", "state", "clock", "nodes", "stats", "violations", "metric",
  "metric_add", "sample", "violation", "rng", "sleep", "wait_for",
}
local calls, errors = 0, 0
local nv = 32 -- #values is unreliable with nil holes
for _, name in ipairs(names) do
  local f = _G[name]
  for i = 1, nv do
    for j = 1, nv, 3 do
      calls = calls + 1
      local ok = pcall(f, values[i], values[j], values[(i + j) % nv + 1])
      if not ok then errors = errors + 1 end
    end
  end
end
local r = rng("x")
for i = 1, nv do
  for _, m in ipairs({ "random", "exponential", "chance", "pick", "shuffle" }) do
    calls = calls + 1
    pcall(r[m], r, values[i], values[(i * 7) % nv + 1])
    pcall(r[m], values[i])
  end
end
heal()
for _, n in ipairs({ "a", "b" }) do if state(n) ~= "up" then pcall(resume, n); pcall(restart, n) end end
metric("api_calls", calls)
metric("api_errors", errors)
expect { metrics = { api_calls = { min = 1000 } } }
