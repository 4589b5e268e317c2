-- lock_gc_pause.lua's topology (a lease lock server, a storage node, two
-- clients) with random process pauses from a nemesis instead of the
-- scripted one: every 20 ms, when it is not frozen already, client1
-- freezes for 1.5 s (a GC pause), until 2.5 s. A pause between checking
-- the lease and writing lets client2's lease and write overlap client1's
-- late write. `faultsim shrink` reduces a failing seed to that one pause:
--   faultsim shrink scenarios/shrink_lease_pauses.lua --seed 1
scenario { description = "a lease lock under random GC pauses (a nemesis)", duration = "4s", seeds = 10 }
network { latency = "uniform:1ms,5ms" }
node("lock", "lock.lease.server")
node("storage", "resource", { fencing = false })
local common = { servers = "lock", resource = "storage", ttl = "1s", hold = "300ms", work = "20ms", writes = 1, count = 1 }
node("client1", "lock.lease.client", common)
common.start = "200ms"
node("client2", "lock.lease.client", common)
nemesis.pauses { nodes = { "client1" }, every = "20ms", duration = "1500ms", stop = "2.5s" }
expect { invariants = { resource_safety = { min = 1 } }, seeds = "any" }
