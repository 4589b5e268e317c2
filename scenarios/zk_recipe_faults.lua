-- The ZooKeeper recipes under one network fault at a time, or all at once:
-- three lock.zk.fenced clients contend for /1 and write to a fencing
-- storage, three zk.election candidates take turns leading /2 (each
-- resigns after 300 ms). `fault`:
--   none, loss, dup (or duplicate), reorder, delay, all   as _network_faults.lua
--                 says (`prob`, 5%, is the share lost or doubled)
--   partition     at 2 s, lock client1 and candidate e1 are cut off from
--                 the whole ensemble for 2 s (twice the session timeout),
--                 then healed: their sessions expire
-- Promised under every one (tests/test_zk_recipes.c runs each row): no two
-- holders (mutual_exclusion), no stale write accepted (resource_safety),
-- no two believed leaders (single_leader), and both recipes go on: locks
-- granted and leaders elected. A client that cannot reach the ensemble
-- gives up its lock or leadership at its next check, before the ensemble
-- can have expired its session; only a pause (zk_lock_gc_pause.lua,
-- zk_election_pause.lua) keeps it from checking.
scenario { description = "ZooKeeper lock and election recipes under one network fault", duration = "8s", seeds = 5 }

local p = params { fault = "all", prob = 0.05 }
local zk = include("_zk_recipes.lua")
if p.fault == "partition" then
  network { latency = "uniform:1ms,5ms", fifo = true }
else
  network(include("_network_faults.lua")(p.fault, p.prob))
end
local servers = zk.ensemble(3)
node("storage", "resource", { fencing = true })
for i = 1, 3 do
  node("client" .. i, "lock.zk.fenced", { servers = servers, resource = "storage", dir = 1, hold = "150ms",
                                          think = "50ms", writes = 2, start = (900 + 10 * i) .. "ms" })
  node("e" .. i, "zk.election", { servers = servers, dir = 2, lead = "300ms", think = "50ms",
                                  start = (900 + 10 * i) .. "ms" })
end

if p.fault == "partition" then
  at("2s", function()
    local zs = {}
    for s in string.gmatch(servers, "[^,]+") do zs[#zs + 1] = s end
    partition({ "client1", "e1" }, zs)
  end)
  at("4s", heal)
end

expect {
  invariants = { mutual_exclusion = 0, resource_safety = 0, single_leader = 0 },
  metrics = { acquisitions = { min = 5 }, leader_terms = { min = 5 } },
}
