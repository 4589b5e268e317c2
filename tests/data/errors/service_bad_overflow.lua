-- expect: service: 'overflow' must be "drop" or "reject"
node("s", "echo.server", nil, { service = { time = "1ms", overflow = "shed" } })
