-- The sweep_runs benchmark's run (bench/bench_sweep.c): a short echo run of
-- about a thousand events, the size issue 14 names for in-process sweeps:
-- three clients ping a server over a lossy network for one second.
scenario { name = "sweep_echo", duration = "1s", seeds = 1 }

local p = params { loss = 0.01 }

network { latency = "uniform:1ms,5ms", loss = p.loss }
node("server", "echo.server")
clients {
  count = 3, model = "echo.client",
  params = { target = "server", interval = 0 },
  workload = { mode = "closed", ops = { "ping" }, think = "1ms", timeout = "200ms" },
}
