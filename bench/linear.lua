-- bench_linear's wrapper (bench/bench_linear.c): runs the shipped
-- scenario `scenario` (a file in scenarios/) for `T` of simulated time
-- instead of its own duration. It hands the file a scenario{} and a
-- duration() that set T, and clients{} and workload() without `stop`, so
-- the clients run to the end; everything else (topology, models, faults,
-- checks) is the shipped file's, and doubling T doubles the same run.
local p = params { scenario = "echo.lua", T = "1s", snapshot_every = 0 }
local set_scenario, set_duration, set_clients, set_workload, set_node = scenario, duration, clients, workload, node
scenario = function(t)
  t.duration = p.T
  return set_scenario(t)
end
duration = function() return set_duration(p.T) end
clients = function(t)
  if type(t.workload) == "table" then t.workload.stop = nil end
  return set_clients(t)
end
workload = function(node, spec, ...)
  if type(spec) == "table" then spec.stop = nil end
  return set_workload(node, spec, ...)
end
-- snapshot_every > 0 gives every Raft server (models raft and zk.server)
-- that compaction: a restarted server without it replays its whole log
-- (bench_linear.c says why that matters here).
node = function(name, model, params, ...)
  if p.snapshot_every > 0 and (model == "raft" or model == "zk.server") then
    params = params or {}
    params.snapshot_every = p.snapshot_every
  end
  return set_node(name, model, params, ...)
end
scenario {}
return include("../scenarios/" .. p.scenario)
