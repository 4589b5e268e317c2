-- runcost_hooks' wrapper (bench/bench_runcost.c): the shipped scenario
-- `scenario` as it is (hooks = true), or with on() and once() doing
-- nothing (hooks = false), so the run's Lua hooks are all that differs.
-- Hooks only watch: both give the same trace digest.
local p = params { scenario = "kv_abd_faults.lua", hooks = true }
if not p.hooks then
  on = function() end
  once = function() end
end
return include("../scenarios/" .. p.scenario)
