-- Crashes and restarts at known times, for exact uptime, MTTF and MTTR
-- (tests/test_metrics.c). Lifetime 10 s for every node.
--   server: up 0-2, down 2-3, up 3-6, down 6-8.5, up 8.5-10
--           uptime 6.5/10, 2 crashes, MTTF (2 + 3)/2 = 2.5 s, MTTR (1 + 2.5)/2 = 1.75 s
--   backup: crashes at 7 s and stays down (the second crash is a no-op)
--           uptime 0.7, 1 crash, MTTF 7 s, MTTR none
--   client1: paused for 1 s (a pause is not downtime): uptime 1, no samples
scenario { name = "uptime", duration = "10s" }

network { latency = "1ms" }
node("server", "echo.server")
node("backup", "echo.server")
clients {
  count = 1, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { ops = { "ping" }, think = "10ms", timeout = "100ms" },
}

at("2s", function() crash("server") end)
at("3s", function() restart("server") end)
at("6s", function() crash("server") end)
at("8.5s", function() restart("server") end)
at("7s", function() crash("backup") end)
at("8s", function() crash("backup") end)
at("4s", function() pause("client1", "1s") end)
