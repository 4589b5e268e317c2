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
-- The outcome of the transaction the crash hits, at each participant: both
-- protocols must abort it everywhere (2PC: the restarted coordinator finds
-- BEGIN alone; 3PC: the backup finds every participant uncertain, and
-- committing then would be wrong: the coordinator may have aborted).
local hit
for _, kind in ipairs { "part_commit", "part_abort" } do
  metric("hit_txn_" .. kind, 0)
  on({ kind = "event", type = kind }, function(ev)
    if ev.msg.txn == hit then metric_add("hit_txn_" .. kind) end
  end)
end
timeline(function()
  sleep("1s")
  hit = wait_for({ kind = "deliver", node = "coord", type = "BEGIN" }).msg.txn
  wait_for({ kind = "deliver", node = "coord", type = p.proto == "2pc" and "VOTE" or "Vote" }, 3)
  metric("crash_at_s", now())
  crash("coord")
  sleep(p.downtime)
  restart("coord")
end)
local settled = { ["txn.in_doubt_at_end"] = 0, ["txn.locks_held_at_end"] = 0, hit_txn_part_abort = 3,
                  hit_txn_part_commit = 0, ["txn.undecided"] = 2 }
if p.proto == "2pc" then
  settled["txn.aborts"] = 0 -- the client hears nothing until its deadline
  settled["txn.in_doubt_max_s"] = { min = 2.0, max = 2.02 }
  settled["txn.coord_recovery_aborts"] = { min = 1 }
  settled["txn.blocked"] = { min = 3 }
else
  settled["txn.in_doubt_max_s"] = { max = 0.4 }
  settled["txn.aborts"] = 1 -- the backup tells the client
  settled["txn.blocked"] = 0
end
expect { violations = 0, metrics = settled }
