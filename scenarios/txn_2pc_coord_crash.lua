-- The coordinator crashes once every participant has voted yes and before
-- any decision reaches them (the third vote of a transaction is delivered to
-- a node that just crashed), and restarts after `downtime`.
--   2PC: participants stay in doubt (blocked, holding locks) until the
--        coordinator restarts; its BEGIN record (unforced, kept by a plain
--        crash) makes it send ABORT at once on restart, so they are in doubt
--        for the downtime plus latency, whatever their `decision_timeout`.
--   3PC (txn_3pc_coord_crash.lua, or --set proto=3pc): participants run the
--        termination protocol and abort without the coordinator.
scenario { description = "coordinator crash after the votes", duration = "6s", seeds = 20 }
local defaults = { proto = "2pc", downtime = "2s", decision_timeout = "100ms" }
for k, v in pairs(variant or {}) do defaults[k] = v end -- set by a file that includes this one
local p = params(defaults)
assert(p.proto == "2pc" or p.proto == "3pc", "proto must be 2pc or 3pc")
local parts = { "p1", "p2", "p3" }
network { latency = "uniform:1ms,5ms" }
node("coord", "txn." .. p.proto .. ".coordinator", { participants = parts })
for _, n in ipairs(parts) do
  node(n, "txn." .. p.proto .. ".participant", { participants = parts, decision_timeout = p.decision_timeout, blocked_threshold = "500ms" })
end
clients {
  count = 1, model = "txn.client", params = { coordinator = "coord", participants = parts },
  workload = { mode = "closed", ops = { "txn" }, think = "20ms", timeout = "1s", keys = 5, stop = "5s" },
}
timeline(function()
  sleep("1s")
  wait_for({ kind = "deliver", node = "coord", type = "BEGIN" })
  wait_for({ kind = "deliver", node = "coord", type = p.proto == "2pc" and "VOTE" or "Vote" }, 3)
  metric("crash_at_s", now())
  crash("coord")
  sleep(p.downtime)
  restart("coord")
end)
local settled = { ["txn.in_doubt_at_end"] = 0, ["txn.locks_held_at_end"] = 0 }
if p.proto == "2pc" then
  settled["txn.in_doubt_max_s"] = { min = 2.0, max = 2.02 }
  settled["txn.coord_recovery_aborts"] = { min = 1 }
  settled["txn.blocked"] = { min = 3 }
else
  settled["txn.in_doubt_max_s"] = { max = 0.4 }
  settled["txn.blocked"] = 0
end
expect { violations = 0, metrics = settled }
