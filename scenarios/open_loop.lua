-- An open-loop (Poisson) workload at 200 operations per second for 20 s
-- against a server that is paused for 2 s: arrivals keep coming while it is
-- frozen, so roughly 10% of operations time out as `info`.
scenario { name = "open_loop", duration = "20s", seeds = 10 }

local p = params { rate = 200, pause = "2s" }
network { latency = "normal:5ms,1ms" }
node("server", "echo.server")
clients {
  count = 1, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { mode = "open", rate = p.rate, ops = { "ping" }, timeout = "50ms" },
}
at("10s", function() pause("server", p.pause) end)

expect { availability_min = 0.85, availability_max = 0.92 }
