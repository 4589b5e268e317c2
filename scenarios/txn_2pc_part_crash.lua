-- A participant crashes before voting: it is down when PREPARE arrives, so
-- the coordinator's vote timeout aborts the transaction (presumed abort:
-- nothing logged). After its restart the participant holds no locks and
-- the following transactions commit.
scenario { name = "txn_2pc_part_crash", description = "participant crash before voting", duration = "5s", seeds = 20 }
local p = params { downtime = "500ms", proto = "2pc" }
local parts = { "p1", "p2", "p3" }
network { latency = "uniform:1ms,5ms" }
node("coord", "txn." .. p.proto .. ".coordinator", { participants = parts, vote_timeout = "200ms" })
for _, n in ipairs(parts) do
  node(n, "txn." .. p.proto .. ".participant", { participants = parts })
end
clients {
  count = 1, model = "txn.client", params = { coordinator = "coord", participants = parts },
  workload = { mode = "closed", ops = { "txn" }, think = "20ms", timeout = "1s", keys = 5, stop = "4s" },
}
timeline(function()
  sleep("1s")
  wait_for({ kind = "deliver", node = "coord", type = "BEGIN" })
  crash("p2")
  sleep(p.downtime)
  restart("p2")
end)
expect {
  violations = 0,
  metrics = { ["txn.aborts"] = { min = 1 }, ["txn.availability"] = 1, ["txn.locks_held_at_end"] = 0,
              ["txn.in_doubt_at_end"] = 0, ["txn.blocked"] = 0 },
}
