-- expect: service: 'time.PREPARE': 'uniform:5ms,1ms'
node("s", "echo.server", nil, { service = { time = { default = "1ms", PREPARE = "uniform:5ms,1ms" } } })
