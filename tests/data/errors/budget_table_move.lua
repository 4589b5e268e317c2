-- expect: budget_table_move.lua:2: instruction budget
table.move({}, 1, math.maxinteger - 1, 2, {})
