-- The textbook broken lock (lock.naive): SET NX EX on the servers in turn,
-- the first success is "the lock", and release is a DEL on every server
-- with no owner check. client1 takes the lock and freezes for longer than
-- the TTL. Its key expires and client2 takes the lock; client1 wakes up,
-- finishes and releases -- deleting client2's key -- and client3 walks in
-- while client2 is still working. Overlaps everywhere.
scenario {
  name = "lock_naive_pause",
  description = "naive lock: a paused holder outlives its TTL, then deletes the next holder's lock",
  duration = "3s",
  seeds = 50,
}

local p = params { pause = "1200ms", ttl = "1s" }

network { latency = "uniform:1ms,5ms" }
-- One key server keeps the story clean: with two, the naive client's "first
-- success" lets two clients in at once without any fault (try it:
-- node("s2", ...) and servers = "s1,s2").
node("s1", "lock.naive.server")
node("storage", "resource")
for i, start in ipairs { "0", "100ms", "200ms" } do
  node("client" .. i, "lock.naive.client",
       { servers = "s1", resource = "storage", ttl = p.ttl, hold = "500ms", think = "5s", start = start })
end

timeline(function()
  wait_for { kind = "event", type = "cs_enter", node = "client1" }
  pause("client1", p.pause)
end)

expect { invariants = { mutual_exclusion = { min = 1 }, resource_safety = { min = 1 } },
         metrics = { locks_deleted_by_non_owner = { min = 1 }, overlaps = { min = 1 } } }
