-- expect: timeline_bare_yield.lua:3: a timeline may suspend only in sleep() or wait_for()
node("a", "echo.server")
timeline(function() coroutine.yield() end)
