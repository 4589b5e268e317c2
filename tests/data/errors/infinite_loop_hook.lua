-- expect: infinite_loop_hook.lua:3: instruction budget
node('a', 'echo.server')
at('1s', function() local i = 0 while true do i = i + 1 end end)
