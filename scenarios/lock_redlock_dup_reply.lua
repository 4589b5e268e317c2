-- Redlock counts servers, not answers. Of five servers three are down, so
-- no majority can exist; every answer r1 and r2 send to the client is
-- delivered twice. A client that counted answers would see four OKs and
-- take the lock; one that counts each server once per attempt sees two and
-- keeps retrying until its acquire deadline (issue 10 #18).
scenario { description = "Redlock: doubled OKs from two of five servers are not a majority", duration = "2s", seeds = 5 }
network { latency = "uniform:1ms,5ms" }
for i = 1, 5 do node("r" .. i, "lock.redlock.server") end
node("client1", "lock.redlock.client", { servers = "r1,r2,r3,r4,r5", count = 1, acquire_timeout = "1s" })
for _, r in ipairs { "r1", "r2" } do link(r, "client1", { latency = "uniform:1ms,5ms", duplicate = 1 }, "oneway") end
at("0", function() for i = 3, 5 do crash("r" .. i) end end)
expect { metrics = { acquisitions = 0, acquire_timeouts = 1 }, invariants = { mutual_exclusion = 0 } }
