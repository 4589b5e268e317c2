-- expect: runtime_nil.lua:3: attempt to call a nil value
node("a", "echo.server")
undefined_function()
