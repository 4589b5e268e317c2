-- expect: service: 'timers' must be a duration or a distribution
node("s", "echo.server", nil, { service = { time = "1ms", timers = {} } })
