-- expect: timeline_resumed_by_script.lua:6: a timeline was resumed or closed by coroutine.resume()/close()
-- A timeline's coroutine taken with coroutine.running() and closed by the
-- script while it sleeps: its wake-up must not resume a dead coroutine.
node("a", "echo.server")
local t
timeline(function() t = coroutine.running(); sleep("1s") end)
at("500ms", function() coroutine.close(t) end)
