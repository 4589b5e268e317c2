-- A script that fails halfway through the run: no --csv file may be left.
scenario { name = "fails", duration = "5s" }
node("server", "echo.server")
clients {
  count = 1, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { ops = { "ping" }, think = "10ms", timeout = "100ms" },
}
at("2s", function() error("boom at 2 s") end)
