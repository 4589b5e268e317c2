-- expect: node(): service: unknown key 'qeue'
node("s", "echo.server", nil, { service = { time = "1ms", qeue = 10, zzz = 1 } })
