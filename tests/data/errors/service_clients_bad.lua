-- expect: clients{}: service: unknown key 'severs'
node("s", "echo.server")
clients { count = 2, model = "echo.client", params = { target = "s" }, service = { time = "1ms", severs = 2 } }
