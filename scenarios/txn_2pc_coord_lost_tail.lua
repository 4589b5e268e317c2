-- The coordinator loses its unsynced log tail in a crash right after it
-- decided to commit. The link coord -> p3 is cut as the last vote arrives,
-- so p3's COMMIT is lost and p3 stays in doubt; 1 ms after p1 has its
-- COMMIT the coordinator's unsynced records are lost and it crashes; it
-- restarts `downtime` later with the link restored.
-- Gray / R*: the coordinator forces its COMMIT record before sending
-- COMMIT. Then the record survives the lost tail, the restarted
-- coordinator finds COMMIT without END and sends COMMIT again, and p3
-- commits (p3_committed = 1). A coordinator that wrote COMMIT unforced
-- would restart with no record, answer p3's DECISION-REQUEST with ABORT
-- (presumed abort) and p3 would abort a transaction p1 and p2 committed
-- and the client was told committed: atomicity and durability violated.
scenario { description = "coordinator loses its unsynced tail right after deciding commit", duration = "3s", seeds = 20 }
local p = params { downtime = "300ms" }
local parts = { "p1", "p2", "p3" }
network { latency = "uniform:1ms,5ms" }
node("coord", "txn.2pc.coordinator", { participants = parts })
for _, n in ipairs(parts) do
  node(n, "txn.2pc.participant", { participants = parts, decision_timeout = "100ms" })
end
clients {
  count = 1, model = "txn.client", params = { coordinator = "coord", participants = parts },
  workload = { mode = "closed", ops = { "txn" }, think = "20ms", timeout = "1s", keys = 5, stop = "2s" },
}
local txn
timeline(function()
  sleep("500ms")
  local begin = wait_for({ kind = "deliver", node = "coord", type = "BEGIN" })
  txn = begin.msg.txn
  wait_for({ kind = "deliver", node = "coord", type = "VOTE", where = function(e) return e.msg.txn == txn end }, 3)
  cut("coord", "p3")
  wait_for({ kind = "deliver", node = "p1", type = "COMMIT", where = function(e) return e.msg.txn == txn end })
  sleep("1ms")
  lose_unsynced("coord")
  crash("coord")
  restore("coord", "p3")
  sleep(p.downtime)
  restart("coord")
end)
on({ kind = "event", node = "p3", type = "part_commit" }, function(ev)
  if ev.msg.txn == txn then metric("p3_committed", 1) end
end)
on({ kind = "event", node = "p3", type = "part_abort" }, function(ev)
  if ev.msg.txn == txn then metric("p3_committed", 0) end
end)
expect {
  violations = 0,
  metrics = { p3_committed = 1, ["txn.coord_recovery_resends"] = { min = 1 }, ["txn.in_doubt_at_end"] = 0,
              ["txn.locks_held_at_end"] = 0 },
}
