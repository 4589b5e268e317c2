-- The topology of lock_redlock_clock_jump.lua (five Redlock servers; each
-- client reaches only three of them) with no scripted fault, for `faultsim
-- explore`: the swarm may only jump the servers' clocks. It finds
-- Kleppmann's counterexample by itself: a server of client1's majority
-- jumps forward past the TTL, expires the key early, and client2 gets a
-- majority too (mutual_exclusion).
--   faultsim explore scenarios/explore_redlock_clock.lua --runs 1000
scenario { name = "explore_redlock_clock", duration = "3s", seeds = 2 }
network { latency = "uniform:1ms,5ms" }
local servers = {}
for i = 1, 5 do servers[i] = node("r" .. i, "lock.redlock.server") end
local common = { servers = "r1,r2,r3,r4,r5", ttl = "1s", hold = "800ms", think = "5s", count = 1 }
node("client1", "lock.redlock.client", common)
common.start = "50ms"
node("client2", "lock.redlock.client", common)
for _, pair in ipairs({ { "client1", "r4" }, { "client1", "r5" }, { "client2", "r1" }, { "client2", "r2" } }) do
  cut(pair[1], pair[2]); cut(pair[2], pair[1])
end
explore { faults = { "clock_jump" }, nodes = servers }
expect { violations = 0 }
