-- expect: node(): retry: 'max' must be an integer in 0..1000
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = { max = 2.5 } })
