-- table.sort where the result is unique (no ties, or ties that are equal
-- values), and its errors: the sandbox's merge sort must give what
-- stock Lua gives. Returns one line per case.
local out = {}
local function put(ok, v)
  if type(v) == 'table' then v = table.concat(v, ',') end
  out[#out + 1] = tostring(ok) .. ' ' .. tostring(v)
end
local seed = 7
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end
for size = 0, 300, 7 do
  local t = {}
  for i = 1, size do t[i] = rand(50) end
  put(pcall(function() table.sort(t) return t end))
  local d = {}
  for i = 1, size do d[i] = rand(1000) + i / 1000 end
  put(pcall(function() table.sort(d, function(a, b) return a > b end) return d end))
end
local words = { 'pear', 'apple', 'fig', 'kiwi', 'banana', 'cherry', 'date' }
put(pcall(function() table.sort(words) return words end))
put(pcall(function() table.sort(words, function(a, b) return #a < #b or (#a == #b and a < b) end) return words end))
put(pcall(table.sort, { 3, 'x', 1 }))
put(pcall(table.sort, { {}, {} }))
put(pcall(table.sort, { 1, 2 }, 'not a function'))
put(pcall(table.sort, 'not a table'))
put(pcall(table.sort, { 1, nil, 3 }))
local proxy = setmetatable({}, { __len = function() return 3 end, __index = function(_, i) return 4 - i end,
                                  __newindex = function(t, i, v) rawset(t, i, v) end })
put(pcall(function() table.sort(proxy) return { proxy[1], proxy[2], proxy[3] } end))
return table.concat(out, '\n')
