-- A scenario whose expectation cannot hold: `check` must report it failed,
-- with the seed to rerun.
scenario { name = "too_optimistic", duration = "2s", seeds = 2 }
node("server", "echo.server")
clients { count = 1, model = "echo.client", params = { target = "server", interval = 0 },
          workload = { ops = { "ping" }, timeout = "100ms" } }
at("1s", function() crash("server") end)
expect { availability_min = 0.99 }
