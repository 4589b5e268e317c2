-- expect: service: 'time': duration -1 is negative
node("s", "echo.server", nil, { service = { time = -1 } })
