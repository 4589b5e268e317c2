-- 2PC or 3PC under one kind of network fault, or all at once, with no crash
-- or partition: two clients, random subsets of three participants, 10% NO
-- votes, lock conflicts. `fault` is none, loss, dup, reorder, delay or all
-- (scenarios/_network_faults.lua; `prob`, 5%, is the share lost or doubled).
-- What the protocols promise (tests/test_faults_matrix.c runs every pair
-- over several seeds):
--   2PC: atomicity and durability under every network fault -- a
--        participant that voted yes never decides alone, whatever arrives
--        late, twice or never; it only blocks.
--   3PC: atomicity and durability when messages arrive within the timeouts
--        (none, dup, reorder: 40 ms < the 50 ms termination timeout).
--        Its termination protocol takes silence for a crash, so a lost or
--        late message can make one side commit and the other abort (loss,
--        delay, all): Skeen's protocol assumes a network that does neither.
-- txn_2pc_dup.lua and txn_3pc_dup.lua run this file under duplication.
scenario { description = "atomic commit under one network fault", duration = "5s", seeds = 10 }

local defaults = { proto = "2pc", fault = "all", prob = 0.05 }
for k, v in pairs(variant or {}) do defaults[k] = v end -- set by a file that includes this one
local p = params(defaults)
assert(p.proto == "2pc" or p.proto == "3pc", "proto must be 2pc or 3pc")
network(include("_network_faults.lua")(p.fault, p.prob))

local parts = { "p1", "p2", "p3" }
node("coord", "txn." .. p.proto .. ".coordinator", { participants = parts })
for _, n in ipairs(parts) do
  node(n, "txn." .. p.proto .. ".participant", { participants = parts, vote_no = 0.1, lock_wait = "20ms" })
end
clients {
  count = 2, model = "txn.client", params = { coordinator = "coord", participants = parts, subset = true },
  workload = { mode = "closed", ops = { "txn" }, think = "10ms", timeout = "1s", keys = 20, stop = "4s" },
}

local safe = p.proto == "2pc" or p.fault == "none" or p.fault == "dup" or p.fault == "reorder"
if safe then
  expect { invariants = { atomicity = 0, durability = 0 }, metrics = { ["txn.commits"] = { min = 1 } } }
else
  expect { metrics = { ["txn.commits"] = { min = 1 } } }
end
