-- expect: parameter 'count' must be an integer
local M = model { name = "t.count", params = { count = 3 } }
node("a", M, { count = "many" })
