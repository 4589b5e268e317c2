-- expect: node(): retry must be a table
node("s", "echo.server")
node("c", "echo.client", { target = "s" }, { retry = 3 })
