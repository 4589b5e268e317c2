-- The topology of lock_gc_pause.lua (a lease lock server, a storage node,
-- two clients that write under the lock, ten times each) with no scripted fault,
-- for `faultsim explore`: the swarm may only pause nodes. With lock.lease
-- it finds Kleppmann's process pause by itself: client1 freezes inside its
-- critical section past the lease, client2 takes the lock, and client1's
-- late write lands (resource_safety). With --set model=lock.fenced the
-- storage rejects the stale token and exploring finds nothing.
--   faultsim explore scenarios/explore_lease_pause.lua --runs 1000
--   faultsim explore scenarios/explore_lease_pause.lua --runs 1000 --set model=lock.fenced
scenario { name = "explore_lease_pause", duration = "4s", seeds = 2 }
local p = params { model = "lock.lease" }
network { latency = "uniform:1ms,5ms" }
node("lock", p.model .. ".server")
node("storage", "resource", { fencing = p.model == "lock.fenced" })
local common = { servers = "lock", resource = "storage", ttl = "1s", hold = "300ms",
                 work = "20ms", writes = 1, count = 10, think = "100ms" }
node("client1", p.model .. ".client", common)
common.start = "200ms"
node("client2", p.model .. ".client", common)
explore { faults = { "pause" } }
expect { violations = 0 }
