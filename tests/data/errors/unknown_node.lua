-- expect: unknown_node.lua:3: bad argument #1 to 'crash' (unknown node 'nope')
node("a", "echo.server")
at("1s", function() crash("nope") end)
