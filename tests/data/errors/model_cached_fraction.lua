-- expect: send: field 'seq' must be an integer or a boolean, not a fraction
-- `seq` is a known field name after the first send; its value is still
-- checked.
local M = model { name = "t.cached_fraction", init = function(self)
  self:send("a", "HELLO", { seq = 1 })
  self:send("a", "HELLO", { seq = 1.5 })
end }
node("a", M)
