-- A partition during the decision phase: a random 0..max_delay_ms after the
-- first decision message of a transaction (COMMIT in 2PC, PreCommit in 3PC)
-- reaches a participant, that participant and the coordinator are cut off
-- from the other participants for `cut_for`. Messages of the same round
-- still in flight to the others are lost if they arrive after the cut, so it
-- depends on the seed's latencies how many got through.
--   2PC: the cut-off participants only block until the heal. Measured:
--        blocked (in doubt > 500 ms, up to the 2 s cut) in 12 of seeds 1-20;
--        never an atomicity violation.
--   3PC (txn_3pc_partition.lua, or --set proto=3pc): the side holding a
--        PreCommit commits, the uncertain side elects a backup and aborts.
--        Measured: an atomicity violation in 2 of seeds 1-20 (8, 13) and 23
--        of seeds 1-100.
scenario { description = "partition in the decision phase", duration = "6s", seeds = 20 }
local defaults = { proto = "2pc", cut_for = "2s", max_delay_ms = 4 }
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
timeline(function()
  sleep("1s")
  wait_for({ kind = "deliver", node = "coord", type = "BEGIN" })
  local ev = wait_for({ kind = "deliver", type = p.proto == "2pc" and "COMMIT" or "PreCommit" })
  sleep(rng("cut"):random() * p.max_delay_ms / 1000)
  local side, other = { "coord", ev.node }, {}
  for _, n in ipairs(parts) do if n ~= ev.node then other[#other + 1] = n end end
  partition(side, other)
  sleep(p.cut_for)
  heal()
end)
if p.proto == "2pc" then
  expect { violations = 0, metrics = { ["txn.in_doubt_at_end"] = 0, ["txn.locks_held_at_end"] = 0 } }
else
  expect { invariants = { atomicity = { min = 1 }, durability = { min = 0 } }, seeds = "any" }
end
