-- expect: node(): retry: 'on_fail' must be true or false
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = { on_fail = 1 } })
