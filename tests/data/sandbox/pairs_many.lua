-- pairs() over 100 000 keys, twice.
local t = {}
for i = 1, 100000 do t["key" .. i] = i end
for round = 1, 2 do
  local n, previous = 0, ""
  for k in pairs(t) do
    assert(k > previous, "pairs() out of order")
    previous, n = k, n + 1
  end
  assert(n == 100000)
end
metric("keys", 100000)
