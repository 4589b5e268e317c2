-- expect: 'echo.server' is the name of a built-in model
model { name = "echo.server" }
