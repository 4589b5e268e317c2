-- expect: send: 'type' is reserved and cannot be a field name
-- The first send puts `seq` in the runtime's cache of field names; the
-- second, with a name never seen, still gets every check.
local M = model { name = "t.cached_reserved", init = function(self)
  self:send("a", "HELLO", { seq = 1 })
  self:send("a", "HELLO", { seq = 2, type = 1 })
end }
node("a", M)
