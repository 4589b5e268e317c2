-- expect: service: 'queue' must be an integer in 0..1000000000
node("s", "echo.server", nil, { service = { time = "1ms", queue = 2.5 } })
