-- expect: node(): retry: 'backoff': '9e9d'
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = { backoff = "9e9d" } })
