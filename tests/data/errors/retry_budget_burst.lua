-- expect: node(): retry: 'budget.burst' must be an integer in 0..1000000
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = { budget = { burst = 1e12 } } })
