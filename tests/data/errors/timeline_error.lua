-- expect: timeline_error.lua:4: boom
node('a', 'echo.server')
timeline(function()
  sleep('1s'); error('boom')
end)
