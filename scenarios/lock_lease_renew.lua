-- A lease held longer than its TTL. client1 takes a 1 s lease and works for
-- 3 s; client2 wants the lock from 100 ms on.
--   renew = true : client1 extends its lease (EXTEND, compare-owner-and-
--                  extend) halfway through each validity, so client2 gets
--                  the lock only after client1 releases at about 3 s.
--   renew = false: client1 stops believing it holds the lock when its lease
--                  ends (TTL - margin) and client2 takes over at about 1 s.
-- Either way, no two clients believe they hold the lock at once.
scenario { description = "client1 holds a 1 s lease for 3 s, with or without renewal", duration = "5s", seeds = 20 }

local p = params { renew = true }
network { latency = "uniform:1ms,5ms" }
node("lock", "lock.lease.server")
local common = { servers = "lock", ttl = "1s", count = 1, renew = p.renew, retry_delay = "50ms",
                 acquire_timeout = "5s" }
common.hold = "3s"
node("client1", "lock.lease.client", common)
common.hold, common.start = "100ms", "100ms"
node("client2", "lock.lease.client", common)

local client2_at
once({ kind = "event", type = "cs_enter", node = "client2" }, function(ev) client2_at = ev.time end)
metric("extends_sent", 0)
on({ kind = "send", node = "client1", type = "EXTEND" }, function() metric_add("extends_sent") end)
at("4.9s", function() metric("client2_granted_at_s", client2_at or -1) end)

if p.renew then
  expect { invariants = { mutual_exclusion = 0 },
           metrics = { client2_granted_at_s = { min = 3.0, max = 3.3 }, extends_sent = { min = 4 } } }
else
  expect { invariants = { mutual_exclusion = 0 }, metrics = { client2_granted_at_s = { min = 0.95, max = 1.3 } } }
end
