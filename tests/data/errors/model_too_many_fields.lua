-- expect: emit: at most 8 fields
local M = model { name = "t.fields", init = function(self)
  self:emit("e", { a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8, i = 9 })
end }
node("a", M)
