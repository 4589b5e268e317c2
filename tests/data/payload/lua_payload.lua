-- Message payloads in a Lua model: the sender puts bytes (a zero byte
-- inside) in fields.payload, the receiver gets them back as msg.payload
-- beside the ordinary fields, and a message without one has no payload.
scenario { name = "lua_payload", duration = "1s", seeds = 1 }

local Sender = model {
  name = "test.payload_sender",
  init = function(self)
    self:send("receiver", "DATA", { seq = 1, payload = "a\0b" .. string.rep("z", 300) })
    self:send("receiver", "DATA", { seq = 2 })
  end,
}
local Receiver = model {
  name = "test.payload_receiver",
  on_message = function(self, msg)
    if msg.seq == 1 and msg.payload == "a\0b" .. string.rep("z", 300) then metric_add("payload_ok") end
    if msg.seq == 2 and msg.payload == nil then metric_add("none_ok") end
  end,
}
node("sender", Sender)
node("receiver", Receiver)
expect { violations = 0, metrics = { payload_ok = 1, none_ok = 1 } }
