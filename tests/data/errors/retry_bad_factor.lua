-- expect: node(): retry: 'backoff': 'exp:10ms,0.5,1s': FACTOR must be a number in [1, 1000]
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = { backoff = "exp:10ms,0.5,1s" } })
