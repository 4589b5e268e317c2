-- A Lua model whose handler does nothing, fed 10^4 PINGs by a C load
-- (tests/test_luafast.c): what the runtime alone charges to the
-- instruction budget per delivery.
scenario { name = "lua_sink", duration = "1s" }
local Sink = model { name = "t.sink", on_message = function(self, msg) end }
node("sink", Sink)
node("load", "echo.source", { target = "sink", rate = 10000 })
