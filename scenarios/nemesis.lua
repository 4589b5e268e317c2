-- Random faults from composable nemesis processes, each with its own random
-- stream: crash-restart cycles, random partitions and GC-style pauses at
-- once. Availability drops but stays measurable; every fault is counted.
scenario { name = "nemesis", duration = "60s", seeds = 10 }

local p = params { mttf = "8s", mttr = "1s" }
network { latency = "exp:2ms,500us", loss = 0.001 }
local servers = {}
for i = 1, 3 do servers[i] = node("server" .. i, "echo.server") end
local cs = clients {
  count = 3, model = "echo.client", params = { target = "server1", interval = 0 },
  workload = { ops = { "ping" }, think = "10ms", timeout = "100ms" },
}

nemesis.crashes { nodes = servers, mttf = p.mttf, mttr = p.mttr }
nemesis.partitions { nodes = { "server1", "client1", "client2", "client3" }, every = "10s", duration = "2s" }
nemesis.pauses { nodes = cs, every = "3s", duration = "300ms" }

expect {
  availability_min = 0.3, availability_max = 0.999,
  metrics = { nemesis_crashes = { min = 1 }, nemesis_partitions = { min = 1 }, nemesis_pauses = { min = 1 } },
}
