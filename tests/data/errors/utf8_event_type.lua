-- expect: utf8_event_type.lua:5: event type
local M = model {
  name = "lab.emitter",
  init = function(self)
    self:emit("st\xc3art", { n = 1 })
  end,
}
node("a", M)
