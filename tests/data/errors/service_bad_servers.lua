-- expect: service: 'servers' must be an integer in 1..10000
node("s", "echo.server", nil, { service = { time = "1ms", servers = 0 } })
