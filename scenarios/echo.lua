-- The smallest scenario: three clients ping an echo server over a lossy
-- network; the server crashes for a second. Shows the report's parts.
scenario {
  name = "echo",
  description = "clients ping a server that crashes for 1 s",
  duration = "10s",
  seeds = 20,
}

local p = params { loss = 0.01, downtime = "1s" }

network { latency = "uniform:1ms,5ms", loss = p.loss }
node("server", "echo.server")
clients {
  count = 3, model = "echo.client",
  params = { target = "server", interval = 0 },
  workload = { mode = "closed", ops = { "ping" }, think = "20ms", timeout = "200ms" },
}

at("4s", function() crash_restart("server", p.downtime) end)

expect { violations = 0, availability_min = 0.80 }
