-- A script that loops over a table with pairs() and draws math.random to
-- schedule faults. pairs() runs in sorted key order and math.random draws
-- from the scenario's seeded stream, so the run is the same in every
-- process; tests/test_scenarios.c compares trace digests across processes.
scenario { name = "determinism", duration = "10s", seeds = 3 }

network { latency = "uniform:1ms,9ms", loss = 0.05, duplicate = 0.02 }
local downtimes = { alpha = "300ms", beta = "700ms", gamma = "200ms", delta = "1s", epsilon = "50ms" }
for name, _ in pairs(downtimes) do node(name, "echo.server") end
local order = {}
for name, down in pairs(downtimes) do
  order[#order + 1] = name
  at(math.random() * 8, function() crash_restart(name, down) end)
end
clients {
  count = 2, model = "echo.client", params = { target = order[math.random(#order)], interval = 0 },
  workload = { ops = { "ping" }, think = "5ms", timeout = "50ms" },
}
metric("first_key_is_alpha", order[1] == "alpha" and 1 or 0)
expect { metrics = { first_key_is_alpha = 1 } }
