-- The coordinator crashes once every participant has voted yes and before
-- any decision reaches them (the third vote of a transaction is delivered to
-- a node that just crashed), and restarts after `downtime`.
-- 2PC participants stay in doubt (blocked, holding locks) until the coordinator restarts.
scenario { name = "txn_2pc_coord_crash", description = "coordinator crash after the votes", duration = "6s", seeds = 20 }
local p = params { downtime = "2s" }
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
  wait_for({ kind = "deliver", node = "coord", type = "VOTE" }, 3)
  metric("crash_at_s", now())
  crash("coord")
  sleep(p.downtime)
  restart("coord")
end)
expect {
  violations = 0,
  metrics = { ["txn.in_doubt_max_s"] = { min = 2.0, max = 2.15 }, ["txn.blocked"] = { min = 3 }, ["txn.in_doubt_at_end"] = 0, ["txn.locks_held_at_end"] = 0 },
}
