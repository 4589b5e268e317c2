-- expect: node(): retry: unknown key 'maxx'
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = { maxx = 3 } })
