-- Per-run names: numbered by first appearance, the same object keeps its
-- name, and a million named objects fit in a small memory cap (the names
-- do not keep them alive).
local t = {}
local first = tostring(t)
local f = tostring(print)
local again = string.format("%p", t)
for _ = 1, 1000000 do local _ = tostring({}) end
return table.concat({ first, f, again, tostring({}), string.format("%p", "text"), string.format("%p", 1) }, " ")
