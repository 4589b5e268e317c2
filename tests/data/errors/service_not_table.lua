-- expect: service must be a table
node("s", "echo.server", nil, { service = "exp:2ms" })
