-- expect: node(): retry: 'backoff': 'exp:1s,2,10ms': CAP must not be less than BASE
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = { backoff = "exp:1s,2,10ms" } })
