-- expect: node(): retry: 'budget' must be a table such as { ratio = 0.1, burst = 10 }
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = { budget = true } })
