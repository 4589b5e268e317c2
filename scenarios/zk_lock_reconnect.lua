-- A lock.zk waiter loses its connection while its getChildren is in
-- flight: client2's links to the whole ensemble are cut for 400 ms the
-- moment it sends that read, long enough for its session library to give
-- up on the connection and reconnect, short of the session timeout. The
-- library sends the unanswered read again on the new connection (and the
-- read sets its watch where it is answered), so the recipe must not read
-- again: after the reconnect it reads once more only when client1's
-- release wakes it. Promised: exactly two distinct reads by client2, the
-- lock handed over, no two holders.
scenario { description = "a waiter reconnects with its read in flight", duration = "6s", seeds = 5 }

local zk = include("_zk_recipes.lua")
network { latency = "uniform:1ms,5ms", fifo = true }
local servers = zk.ensemble(3)
local zs = {}
for s in string.gmatch(servers, "[^,]+") do zs[#zs + 1] = s end
node("client1", "lock.zk", { servers = servers, hold = "2s", count = 1, start = "1s" })
node("client2", "lock.zk", { servers = servers, hold = "100ms", count = 1, start = "1100ms" })

local reads, n = {}, 0
on({ kind = "send", node = "client2", type = "Request", op = 6 }, function(ev) -- op 6: getChildren
  if not reads[ev.msg.xid] then reads[ev.msg.xid], n = true, n + 1 end
end)
once({ kind = "send", node = "client2", type = "Request", op = 6 }, function()
  for _, s in ipairs(zs) do cut("client2", s); cut(s, "client2") end
  after("400ms", function() for _, s in ipairs(zs) do restore("client2", s); restore(s, "client2") end end)
end)
at("5900ms", function() metric("client2_reads", n) end)

expect { invariants = { mutual_exclusion = 0 }, metrics = { client2_reads = 2, acquisitions = 2 } }
