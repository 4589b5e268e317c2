-- Election time after a leader crash, libraft 0.15.0 (models/libraft/)
-- against faultsim's own Raft (--set impl=raft), the experiment of the
-- Raft paper's §9.3 (raft_election_time.lua does it for the raft model
-- alone): five servers, no clients, election timeouts in [150, 300] ms,
-- 50 ms heartbeats, links uniform:5ms,10ms; `trials` times the leader is
-- crashed a random part of a heartbeat after a settled second, and
-- failover_ms is the time until a server announces leadership of a later
-- term (the crashed one restarts then); the run stops after the last.
-- libraft checks its election timer only at its ticks, one per heartbeat
-- (50 ms). Expected: every trial elects a leader within 2 s; no Raft
-- safety property breaks.
scenario { name = "libraft_election", duration = "600s", seeds = 2 }
local p = params { impl = "libraft", trials = 100 }
local lr = include("_libraft.lua")
lr.cluster { impl = p.impl, n = 5, clients = false, latency = "uniform:5ms,10ms" }
lr.stop_after_failovers = true
lr.measure_failover("1s", p.trials)
invariant("measured", function()
  metric("failover_max_ms", lr.failover_max_ms or -1)
  return true
end)
local safe = {}
for k, v in pairs(lr.SAFE) do if k ~= "linearizable" then safe[k] = v end end
expect { invariants = safe, metrics = { failover_ms = p.trials, failover_max_ms = { min = 0, max = 2000 } } }
