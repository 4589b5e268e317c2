-- expect: node(): retry: 'budget.ratio' must be a number in [0, 1000]
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = { budget = { ratio = -0.1 } } })
