-- expect: node(): retry: 'backoff': 'exp:10ms,2' must be "exp:BASE,FACTOR,CAP"
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = { backoff = "exp:10ms,2" } })
