-- The explore_runs benchmark's run (bench/bench_explore.c): a short echo
-- run of about a thousand events, the size issue 17 names for in-process
-- exploring: three clients ping a server for one second while the explore
-- swarm may inject every fault kind into any node.
scenario { name = "explore_echo", duration = "1s", seeds = 1 }
network { latency = "uniform:1ms,5ms" }
node("server", "echo.server")
clients {
  count = 3, model = "echo.client",
  params = { target = "server", interval = 0 },
  workload = { mode = "closed", ops = { "ping" }, think = "1ms", timeout = "200ms" },
}
explore {}
