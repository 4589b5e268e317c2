-- expect: budget_concat_copy.lua:4: instruction budget
-- One instruction, ten megabytes copied: allocation is charged.
local s = ("x"):rep(1e7)
while true do local _ = s .. "y" end
