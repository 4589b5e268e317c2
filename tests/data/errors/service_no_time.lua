-- expect: service: 'time' is required
node("s", "echo.server", nil, { service = { servers = 2 } })
