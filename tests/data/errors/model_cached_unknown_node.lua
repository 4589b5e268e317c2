-- expect: send: unknown node 'b'
-- The runtime remembers names it has found; a name it has not is still
-- looked up, and refused when no node has it.
local M = model { name = "t.cached_unknown", init = function(self)
  self:send("a", "HELLO", {})
  self:send("b", "HELLO", {})
end }
node("a", M)
