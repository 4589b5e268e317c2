-- expect: send: unknown key 'bytes' (expected one of: size)
local M = model {
  name = "sender",
  init = function(self) self:send(self.name, "X", nil, { bytes = 100 }) end,
}
node("a", M)
