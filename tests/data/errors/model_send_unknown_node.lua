-- expect: model_send_unknown_node.lua:3: send: unknown node 'nobody'
local M = model { name = "t.lost", init = function(self)
  self:send("nobody", "HELLO", { n = 1 })
end }
node("a", M)
