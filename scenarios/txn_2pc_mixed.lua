-- 2PC with no faults but real contention: three clients, random subsets of
-- participants, 10% NO votes and lock conflicts (NO after waiting 20 ms).
-- Every transaction commits or aborts atomically and nothing stays locked.
scenario { name = "txn_2pc_mixed", description = "2PC, NO votes and lock conflicts", duration = "5s", seeds = 10 }
local parts = { "p1", "p2", "p3" }
network { latency = "uniform:1ms,5ms" }
node("coord", "txn.2pc.coordinator", { participants = parts })
for _, n in ipairs(parts) do
  node(n, "txn.2pc.participant", { participants = parts, vote_no = 0.1, lock_wait = "20ms" })
end
clients {
  count = 3, model = "txn.client", params = { coordinator = "coord", participants = parts, subset = true },
  workload = { mode = "closed", ops = { "txn" }, think = "10ms", timeout = "1s", keys = 20, stop = "4s" },
}
expect {
  violations = 0,
  metrics = { ["txn.availability"] = 1, ["txn.aborts"] = { min = 1 }, ["txn.commits"] = { min = 100 },
              ["txn.in_doubt_at_end"] = 0, ["txn.locks_held_at_end"] = 0 },
}
