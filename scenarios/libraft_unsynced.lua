-- libraft 0.15.0 (models/libraft/) and lost unsynced writes: the adapter
-- writes appended entries to the durable log at once but syncs them only
-- after a simulated fsync (disk_latency, 1 ms by default, raised to 20 ms
-- here so more writes are in flight), and the library acknowledges an
-- entry only once its fsync completed. Every 400 ms a server (the leader
-- every other time) crashes, loses its unsynced writes
-- (lose_unsynced, as at a power loss) and restarts 100 ms later. Nothing
-- committed may be lost: safety and linearizability must hold.
scenario { name = "libraft_unsynced", duration = "6s", seeds = 5 }
local p = params { impl = "libraft" }
local lr = include("_libraft.lua")
local servers = lr.cluster { impl = p.impl, stop = "5.5s", libraft = { disk_latency = "20ms" } }
local pick = rng("unsynced")
timeline(function()
  sleep("500ms")
  for i = 1, 12 do
    local victim = (i % 2 == 0 and lr.leader()) or pick:pick(servers)
    if state(victim) == "up" then
      crash(victim)
      lose_unsynced(victim)
      sleep("100ms")
      restart(victim)
    end
    sleep("300ms")
  end
end)
expect { invariants = lr.SAFE, metrics = { raft_lincheck = 1, raft_applied_indices = { min = 30 } } }
