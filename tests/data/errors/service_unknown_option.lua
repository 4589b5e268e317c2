-- expect: node(): unknown key 'servce'
node("s", "echo.server", nil, { servce = { time = "1ms" } })
