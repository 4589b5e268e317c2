-- expect: syntax.lua:2:
node("a", "echo.server"
local x = = 1
