-- expect: call it on a node's self with a colon: self:send(...)
local M = model { name = "t.dot", init = function(self)
  self.send("a", "HELLO")
end }
node("a", M)
