-- expect: link(): queue: '64kB/s': unknown unit 'kB/s' (use B, kB, MB, GB or TB)
node("a", "echo.server")
node("b", "echo.server")
link("a", "b", { bandwidth = "1Mbit", queue = "64kB/s" })
