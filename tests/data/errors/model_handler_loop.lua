-- expect: instruction budget
local M = model { name = "t.loop", on_timer = function(self, tag)
  while true do end
end, init = function(self) self:timer("1ms", "go") end }
node("a", M)
