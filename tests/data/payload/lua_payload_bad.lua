-- A payload must be a string: an integer is refused with a message.
scenario { name = "lua_payload_bad", duration = "1s", seeds = 1 }
local Sender = model {
  name = "test.payload_bad",
  init = function(self) self:send("sender", "DATA", { payload = 5 }) end,
}
node("sender", Sender)
