-- A scenario that passes, so `check` prints one PASS and one FAIL.
scenario { name = "fine", duration = "1s", seeds = 3 }
node("server", "echo.server")
clients { count = 1, model = "echo.client", params = { target = "server", interval = "100ms" } }
expect { violations = 0, availability_min = 0.8 }
