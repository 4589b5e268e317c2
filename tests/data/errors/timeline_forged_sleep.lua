-- expect: timeline_forged_sleep.lua:6: a timeline may suspend only in sleep() or wait_for()
-- A raw yield posing as sleep() with a sleep sleep() would never ask for:
-- now + maxinteger overflowed.
node("a", "echo.server")
timeline(function()
  sleep("1s"); coroutine.yield("sleep", math.maxinteger)
end)
