-- expect: utf8_field_name.lua:5: field name
local M = model {
  name = "lab.sender",
  init = function(self)
    self:send("a", "PING", { ["s\xffq"] = 1 })
  end,
}
node("a", M)
