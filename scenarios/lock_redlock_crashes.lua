-- Redlock's availability under server crashes: with N = 5 the lock needs
-- 3 servers. Crash 2 of them and every acquire still succeeds (each attempt
-- waits out the per-server timeout of the dead ones); crash 3
-- (--set crashed=3) and no acquire can succeed. No clock faults, so no
-- overlaps either way.
scenario {
  name = "lock_redlock_crashes",
  description = "Redlock with some of its 5 servers crashed: availability vs majority",
  duration = "5s",
  seeds = 30,
}

local p = params { crashed = 2 }

network { latency = "uniform:1ms,5ms" }
local names = {}
for i = 1, 5 do names[i] = node("r" .. i, "lock.redlock.server") end
clients {
  count = 3, model = "lock.redlock.client",
  params = { servers = table.concat(names, ","), ttl = "1s", hold = "100ms", think = "300ms",
             acquire_timeout = "3s" },
}
at("1ms", function() for i = 1, p.crashed do crash(names[i]) end end)

if p.crashed <= 2 then
  expect { invariants = { mutual_exclusion = 0 }, metrics = { lock_availability = { min = 0.95 } } }
else
  expect { invariants = { mutual_exclusion = 0 }, metrics = { lock_availability = 0, acquisitions = 0 } }
end
