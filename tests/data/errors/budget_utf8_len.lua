-- expect: budget_utf8_len.lua:4: instruction budget
-- Each call walks ten million bytes in C.
local s = ("x"):rep(1e7)
for _ = 1, 1e9 do utf8.len(s) end
