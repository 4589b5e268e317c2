-- Redlock and a server restart (the case the Redlock page itself discusses).
-- Same split as lock_redlock_clock_jump: client1 reaches r1..r3, client2
-- r3..r5. Right after client1 is granted {r1, r2, r3}, r3 crashes and comes
-- back 10 ms later. Without persistence it has forgotten client1's key, so
-- client2 gets {r3, r4, r5}: two holders. The remedies, as parameters:
--   --set persist=true  r3 keeps its keys in durable state (fsync'd AOF)
--   --set delayed=true  r3 refuses all requests for one TTL after restarting
-- Either one removes the overlap.
-- lock_redlock_restart_delayed.lua runs this file with delayed = true.
scenario {
  description = "Redlock: a server of the majority restarts without its keys right after granting",
  duration = "3s",
  seeds = 100,
}

local defaults = { persist = false, delayed = false, ttl = "1s" }
for k, v in pairs(variant or {}) do defaults[k] = v end -- set by a file that includes this one
local p = params(defaults)

network { latency = "uniform:1ms,5ms" }
for i = 1, 5 do
  node("r" .. i, "lock.redlock.server", { persist = p.persist, restart_delay = p.delayed and p.ttl or "0" })
end
local common = { servers = "r1,r2,r3,r4,r5", ttl = p.ttl, hold = "800ms", think = "5s", count = 1 }
node("client1", "lock.redlock.client", common)
common.start = "50ms"
node("client2", "lock.redlock.client", common)
for _, pair in ipairs { { "client1", "r4" }, { "client1", "r5" }, { "client2", "r1" }, { "client2", "r2" } } do
  cut(pair[1], pair[2]); cut(pair[2], pair[1])
end

timeline(function()
  wait_for { kind = "event", type = "cs_enter", node = "client1" }
  crash_restart("r3", "10ms")
end)

if p.persist or p.delayed then
  expect { invariants = { mutual_exclusion = 0 }, metrics = { acquisitions = 2 } }
else
  expect { invariants = { mutual_exclusion = { min = 1 } } }
end
