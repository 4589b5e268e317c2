-- expect: service: 'time': '2xs' has an unknown unit
node("s", "echo.server", nil, { service = { time = "exp:2xs" } })
