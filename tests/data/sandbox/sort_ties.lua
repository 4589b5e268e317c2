-- Sorts records with tied keys and crashes nodes in the sorted order:
-- the trace depends on the order ties come out in. Stock Lua's
-- table.sort seeds its pivot from the clock once a partition comes out
-- lopsided (as this input makes it), so each process gave a different
-- trace; the sandbox's merge sort gives one.
scenario { name = "sort_ties", duration = "5s" }
for i = 1, 5 do node("n" .. i, "echo.server") end
local records = {}
for i = 1, 5000 do records[i] = { id = i, key = -(i % 50) } end
table.sort(records, function(a, b) return a.key < b.key end)
for pos = 1, 200 do
  local rec = records[pos]
  at(pos * 0.01, function()
    local n = "n" .. (rec.id // 50 % 5 + 1)
    if state(n) == "up" then crash(n) else restart(n) end
  end)
end
metric("first_id", records[1].id)
metric("order_hash", (function()
  local h = 0
  for i = 1, #records do h = (h * 31 + records[i].id) % 1000003 end
  return h
end)())
expect { metrics = { first_id = 49 } }
