-- expect: budget_tonumber.lua:3: instruction budget
local s = (" "):rep(1e7) .. "1"
for _ = 1, 1e9 do local _ = tonumber(s) + 1 end
