-- expect: node(): retry: 'jitter' must be false, true, "full" or "equal"
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = { jitter = "half" } })
