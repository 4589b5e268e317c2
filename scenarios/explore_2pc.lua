-- The topology of txn_2pc_partition.lua with no scripted fault, for
-- `faultsim explore`: its swarm brings random partitions (explore{} below)
-- and the atomicity and durability checkers judge every run.
--   2PC: partitions only block it; exploring finds no violation.
--   3PC (explore_3pc.lua, or --set proto=3pc): the side holding a
--        PreCommit commits while the other side's backup coordinator
--        aborts; exploring finds atomicity violations in the same runs.
--   faultsim explore scenarios/explore_3pc.lua --runs 1000
-- Without --explore (faultsim run, check) there are no faults at all.
scenario { description = "2PC/3PC under explored partitions", duration = "6s", seeds = 2 }
local defaults = { proto = "2pc" }
for k, v in pairs(variant or {}) do defaults[k] = v end -- set by a file that includes this one
local p = params(defaults)
assert(p.proto == "2pc" or p.proto == "3pc", "proto must be 2pc or 3pc")
local parts = { "p1", "p2", "p3" }
network { latency = "uniform:1ms,5ms" }
node("coord", "txn." .. p.proto .. ".coordinator", { participants = parts })
for _, n in ipairs(parts) do
  node(n, "txn." .. p.proto .. ".participant", { participants = parts, decision_timeout = "100ms", blocked_threshold = "500ms" })
end
clients {
  count = 1, model = "txn.client", params = { coordinator = "coord", participants = parts },
  workload = { mode = "closed", ops = { "txn" }, think = "20ms", timeout = "1s", keys = 5, stop = "5s" },
}
-- Random partitions of the coordinator and participants, all healed by 5 s.
explore { faults = { "partition" }, nodes = { "coord", "p1", "p2", "p3" }, max_faults = 4, stop = "5s" }
expect { violations = 0 }
