-- A participant's log loses its unsynced tail right before it crashes: a
-- random 0..max_delay_ms after a transaction reaches the coordinator, p2
-- drops every log record not yet synced (lose_unsynced) and crashes; it
-- restarts after `downtime`.
--   txn.2pc.participant forces PREPARED before voting yes and COMMIT before
--   its ACK, so the tail it loses never holds anything it promised: nothing
--   acknowledged is lost (durability and atomicity: 0 violations).
--   txn_2pc_lost_tail_unforced.lua runs the broken teaching variant
--   txn.2pc.participant_unforced, which does not force PREPARED: in the
--   seeds where the crash falls between its yes vote and the COMMIT, the
--   vote the coordinator counted is gone and the durability invariant fires.
scenario { description = "a participant loses its unsynced log tail, then crashes", duration = "5s", seeds = 20 }
local defaults = { participant = "txn.2pc.participant", downtime = "300ms", max_delay_ms = 15 }
for k, v in pairs(variant or {}) do defaults[k] = v end -- set by a file that includes this one
local p = params(defaults)
local parts = { "p1", "p2", "p3" }
network { latency = "uniform:1ms,5ms" }
node("coord", "txn.2pc.coordinator", { participants = parts })
for _, n in ipairs(parts) do
  node(n, p.participant, { participants = parts })
end
clients {
  count = 1, model = "txn.client", params = { coordinator = "coord", participants = parts },
  workload = { mode = "closed", ops = { "txn" }, think = "20ms", timeout = "1s", keys = 5, stop = "4s" },
}
timeline(function()
  sleep("1s")
  wait_for({ kind = "deliver", node = "coord", type = "BEGIN" })
  sleep(rng("crash"):random() * p.max_delay_ms / 1000)
  lose_unsynced("p2")
  crash("p2")
  sleep(p.downtime)
  restart("p2")
end)
if p.participant == "txn.2pc.participant" then
  expect { violations = 0, metrics = { ["txn.in_doubt_at_end"] = 0, ["txn.locks_held_at_end"] = 0 } }
else
  expect { invariants = { durability = { min = 1 } }, seeds = "any" }
end
