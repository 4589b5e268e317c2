-- expect: send: size must be a whole number of bytes from 1 to 4294967295
local M = model {
  name = "sender",
  init = function(self) self:send(self.name, "X", { seq = 1 }, { size = 0 }) end,
}
node("a", M)
