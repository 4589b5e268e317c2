-- expect: close_after_budget.lua:11: instruction budget
-- Once the budget is gone no instruction runs, not even in the __close
-- handlers Lua calls while the error unwinds: each of these would open
-- fifty more, a tree no budget of 1000 instructions per handler ends.
local closer
local function deep(n)
  local c <close> = closer
  if n > 0 then deep(n - 1) end
  while true do end
end
closer = setmetatable({}, { __close = function() deep(50) end })
deep(50)
