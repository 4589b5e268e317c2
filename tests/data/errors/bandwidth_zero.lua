-- expect: link(): bandwidth: '0' is out of range (1 to 1000000000000000 bit/s)
node("a", "echo.server")
node("b", "echo.server")
link("a", "b", { bandwidth = 0 })
