-- expect: workload{}: retry: 'budget': unknown key 'rate'
node("s", "echo.server")
node("c", "echo.client", { target = "s", interval = 0 })
workload("c", { mode = "open", rate = 10, ops = { "ping" }, retry = { budget = { rate = 0.1 } } })
