-- Redlock and a clock jump (Kleppmann's first Redlock counterexample).
-- Five independent servers r1..r5. client1 reaches only r1, r2, r3; client2
-- only r3, r4, r5 (links cut). client1 gets a majority {r1, r2, r3}. Then
-- r3's clock jumps forward past the TTL, so r3 expires client1's key early,
-- and client2 -- retrying -- gets a majority {r3, r4, r5}: both clients
-- believe they hold the lock. Redlock's drift allowance (TTL * 0.01 + 2 ms)
-- covers slow drift, not a jump.
-- Without the jump (--set jump=0) there is no overlap; nor without the cut
-- links (--set split=false): client1 then also holds r4 and r5.
scenario {
  name = "lock_redlock_clock_jump",
  description = "Redlock: a clock jump on one server of the majority lets a second client in",
  duration = "3s",
  seeds = 100,
}

local p = params { jump = "2s", ttl = "1s", split = true }

network { latency = "uniform:1ms,5ms" }
local servers = {}
for i = 1, 5 do servers[i] = node("r" .. i, "lock.redlock.server") end
local common = { servers = "r1,r2,r3,r4,r5", ttl = p.ttl, hold = "800ms", think = "5s", count = 1 }
node("client1", "lock.redlock.client", common)
common.start = "50ms"
node("client2", "lock.redlock.client", common)
for _, pair in ipairs(p.split and { { "client1", "r4" }, { "client1", "r5" }, { "client2", "r1" }, { "client2", "r2" } } or {}) do
  cut(pair[1], pair[2]); cut(pair[2], pair[1])
end

local r = rng("jump")
timeline(function()
  wait_for { kind = "event", type = "cs_enter", node = "client1" }
  sleep(r:random() * 0.4)          -- somewhere in client1's critical section
  if _ns(p.jump) ~= 0 then clock_jump("r3", p.jump) end
end)

if _ns(p.jump) ~= 0 and p.split then
  expect { invariants = { mutual_exclusion = { min = 1 } }, metrics = { overlaps = { min = 1 } } }
else
  expect { invariants = { mutual_exclusion = 0 } }
end
