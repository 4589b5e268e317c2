-- lock_redlock_clock_jump.lua's topology (five Redlock servers; client1
-- reaches r1-r3, client2 r3-r5) with random clock jumps from a nemesis
-- instead of the scripted one: every 200 ms one random server's clock
-- jumps by up to +/- 2 s. A forward jump on r3 while client1 holds the
-- lock lets client2 in. `faultsim shrink` reduces a failing seed to that
-- one jump:
--   faultsim shrink scenarios/shrink_redlock_clocks.lua --seed 1
scenario { description = "Redlock under random clock jumps (a nemesis)", duration = "3s", seeds = 10 }
network { latency = "uniform:1ms,5ms" }
local servers = {}
for i = 1, 5 do servers[i] = node("r" .. i, "lock.redlock.server") end
local common = { servers = "r1,r2,r3,r4,r5", ttl = "1s", hold = "800ms", think = "5s", count = 1 }
node("client1", "lock.redlock.client", common)
common.start = "50ms"
node("client2", "lock.redlock.client", common)
for _, pair in ipairs { { "client1", "r4" }, { "client1", "r5" }, { "client2", "r1" }, { "client2", "r2" } } do
  cut(pair[1], pair[2]); cut(pair[2], pair[1])
end
nemesis.clocks { nodes = servers, every = "200ms", max_jump = "2s", stop = "2s" }
expect { invariants = { mutual_exclusion = { min = 1 } }, seeds = "any" }
