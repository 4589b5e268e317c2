-- A partition during the decision phase: a random 0..max_delay_ms after the first COMMIT of a
-- transaction reaches a participant, that participant and the coordinator
-- are cut off from the other participants for `cut_for`. Messages of the
-- same round still in flight to the others are lost if they arrive after
-- the cut, so it depends on the seed's latencies how many got through.
-- 2PC under the same schedule: the cut-off participants only block until the heal.
-- Measured: blocked (in doubt > 500 ms, up to the 2 s cut) in 12 of seeds 1-20;
-- never an atomicity violation.
scenario { name = "txn_2pc_partition", description = "partition in the decision phase", duration = "6s", seeds = 20 }
local p = params { cut_for = "2s", max_delay_ms = 4 }
local parts = { "p1", "p2", "p3" }
network { latency = "uniform:1ms,5ms" }
node("coord", "txn.2pc.coordinator", { participants = parts })
for _, n in ipairs(parts) do
  node(n, "txn.2pc.participant", { participants = parts, decision_timeout = "100ms", blocked_threshold = "500ms" })
end
clients {
  count = 1, model = "txn.client", params = { coordinator = "coord", participants = parts },
  workload = { mode = "closed", ops = { "txn" }, think = "20ms", timeout = "1s", keys = 5, stop = "5s" },
}
timeline(function()
  sleep("1s")
  wait_for({ kind = "deliver", node = "coord", type = "BEGIN" })
  local ev = wait_for({ kind = "deliver", type = "COMMIT" })
  sleep(rng("cut"):random() * p.max_delay_ms / 1000)
  local side, other = { "coord", ev.node }, {}
  for _, n in ipairs(parts) do if n ~= ev.node then other[#other + 1] = n end end
  partition(side, other)
  sleep(p.cut_for)
  heal()
end)
expect { violations = 0, metrics = { ["txn.in_doubt_at_end"] = 0, ["txn.locks_held_at_end"] = 0 } }
