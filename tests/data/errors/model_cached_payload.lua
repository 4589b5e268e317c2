-- expect: send: payload must be a string of bytes, not number
-- `payload` is a known field name once emit has used it, and send's
-- one-pass read of its fields (sim/lua/lua_model.c) still finds it as the
-- payload and checks it.
local M = model { name = "t.cached_payload", init = function(self)
  self:emit("NOTE", { payload = 1 })
  self:send("a", "HELLO", { payload = 2 })
end }
node("a", M)
