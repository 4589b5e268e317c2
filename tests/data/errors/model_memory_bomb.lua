-- expect: memory limit
local M = model { name = "t.bomb", on_message = function(self, msg)
  local t = {}
  for i = 1, 1e9 do t[i] = string.rep("x", 64) .. i end
end }
node("a", M)
node("b", M)
local Kick = model { name = "t.kick", init = function(self) self:send("a", "GO") end }
node("k", Kick)
