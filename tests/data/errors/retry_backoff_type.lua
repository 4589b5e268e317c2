-- expect: clients{}: retry: 'backoff' must be "exp:BASE,FACTOR,CAP"
node("s", "echo.server")
clients { count = 2, model = "echo.client", params = { target = "s" }, retry = { backoff = {} } }
