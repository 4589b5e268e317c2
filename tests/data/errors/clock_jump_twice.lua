-- expect: clock_jump_twice.lua:4: clock_jump(): the clock of 'a' would be more than 100 years off true time
-- Two 9e9 s jumps overflowed the clock offset (signed overflow).
node("a", "echo.server")
at("1s", function() clock_jump("a", "9e9s"); clock_jump("a", "9e9s") end)
