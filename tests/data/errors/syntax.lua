-- expect: syntax.lua:3:
node("a", "echo.server"
local x = = 1
