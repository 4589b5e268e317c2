-- expect: send: field 'who' must be an integer or a boolean, not string
local M = model { name = "t.field", init = function(self)
  self:send("a", "HELLO", { who = "me" })
end }
node("a", M)
