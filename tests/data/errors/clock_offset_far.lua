-- expect: clock_offset_far.lua:5: clock_offset(): the clock of 'a' would be more than 100 years off true time
-- The offset minus a 9e9 s jump used to overflow.
node("a", "echo.server")
clock_jump("a", "1000h")
clock_offset("a", "-9e9s")
