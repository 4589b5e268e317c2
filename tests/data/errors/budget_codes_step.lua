-- expect: budget_codes_step.lua:5: instruction budget
-- One step of utf8.codes skips every continuation byte after position 1.
local s = "a" .. ("\x80"):rep(1e7)
local step = utf8.codes(s)
for _ = 1, 1e9 do step(s, 1) end
