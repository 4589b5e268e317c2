-- expect: timeline_forged_wait.lua:5: a timeline may suspend only in sleep() or wait_for()
-- A raw yield posing as wait_for() with a filter wait_for() would reject
-- used to reach the hook builder outside any protected call: abort, exit 134.
node("a", "echo.server")
timeline(function() coroutine.yield("wait", "nope", 1) end)
