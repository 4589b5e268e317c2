-- The topology of txn_3pc_partition.lua, with random partitions from a
-- nemesis instead of the scripted one: every 700 ms the coordinator and
-- the participants split into two random sides for 300 ms, until 5 s.
-- Some seeds commit on one side and abort on the other (3PC's known
-- atomicity violation under partitions); 2PC (--set proto=2pc) only
-- blocks. `faultsim shrink` reduces a failing seed to one partition and
-- at most its heal (README, "Finding failures"):
--   faultsim shrink scenarios/shrink_3pc_nemesis.lua --seed 3 -o minimal.lua
scenario { description = "3PC under random partitions (a nemesis)", duration = "6s", seeds = 10 }
local p = params { proto = "3pc" }
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
nemesis.partitions { nodes = { "coord", "p1", "p2", "p3" }, every = "700ms", duration = "300ms", stop = "5s" }
if p.proto == "2pc" then
  expect { invariants = { atomicity = 0 } }
else
  expect { invariants = { atomicity = { min = 1 }, durability = { min = 0 } }, seeds = "any" }
end
