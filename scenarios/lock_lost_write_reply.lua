-- A lock holder whose write gets no answer: the storage's replies to
-- client1 are lost (link cut one way). The client gives the write up after
-- `write_timeout` (500 ms; the history records it as info) and goes on:
-- its hold has passed, so it releases. Before issue 10 it waited for the
-- answer for ever: the naive client, which has no expiry, then believed it
-- held the lock for the rest of the run while its key expired on the
-- server and client2 took it (two holders); lease clients sat on the lock
-- until the lease ran out instead of releasing.
scenario { description = "a lost write reply does not wedge the lock holder", duration = "3s", seeds = 10 }
local p = params { model = "lock.naive" }
network { latency = "uniform:1ms,5ms" }
node("s1", p.model .. ".server")
node("storage", "resource", { fencing = p.model == "lock.fenced" })
local common = { servers = "s1", resource = "storage", ttl = "1s", hold = "300ms", count = 1, writes = 1 }
node("client1", p.model .. ".client", common)
common.start = "50ms"
node("client2", p.model .. ".client", common)
cut("storage", "client1")
once({ kind = "event", type = "cs_exit", node = "client1" }, function(ev)
  metric("client1_released", ev.msg.expired == 0 and 1 or 0)
  metric("client1_exit_s", ev.time)
end)
expect { invariants = { mutual_exclusion = 0 },
         metrics = { client1_released = 1, client1_exit_s = { min = 0.5, max = 0.6 }, acquisitions = 2 } }
