-- expect: send: call it on a node's self with a colon: self:send(...)
-- A table that looks like a self (it has the node's id and name) is not
-- one.
local M = model { name = "t.foreign_self", init = function(self)
  self.send({ id = self.id, name = self.name }, "a", "HELLO", {})
end }
node("a", M)
