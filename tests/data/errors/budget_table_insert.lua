-- expect: budget_table_insert.lua:3: instruction budget
-- Shifting up 2^63 elements that are not there, in one call.
table.insert(setmetatable({}, { __len = function() return math.maxinteger - 1 end }), 1, 0)
