-- expect: finalizer_gc.lua:5: setmetatable(): a metatable with __gc is refused
-- A finalizer would run at lua_close, after the simulation is freed, and
-- with the instruction hook off.
node("a", "echo.server")
setmetatable({}, { __gc = function() crash("a") end })
