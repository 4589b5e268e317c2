-- More node names, message types and field names than the Lua runtime's
-- memos have ways (sim/lua/lua_memo.h: 1024, 64, 64), some names longer
-- than Lua's short strings, so entries are evicted and replaced all run
-- long: every message must still reach the node it names, with its own
-- type and fields (tests/test_luafast.c).
scenario { name = "lua_memo", duration = "1s" }

local n = 1500
local names, index_of = {}, {}
for i = 0, n - 1 do
  -- every third name is longer than 40 bytes (not interned by Lua)
  local name = (i % 3 == 0) and string.format("node_with_a_name_longer_than_lua_short_strings_%d", i)
                or ("n" .. i)
  names[i] = name
  index_of[name] = i
end

local function target(i) return (i * 7 + 3) % n end
local function kind(i) return "T" .. (i % 100) end
local function field(i) return "f" .. (i % 90) end

local got, bad, replies = 0, 0, 0

local Node = model {
  name = "t.memo",
  init = function(self)
    local i = index_of[self.name]
    self:send(names[target(i)], kind(i), { [field(i)] = i, k = i })
  end,
  on_message = function(self, msg)
    local from, me = index_of[msg.src], index_of[self.name]
    if msg.type == "REPLY" then
      if msg.dst ~= self.name or msg.k ~= me or target(me) ~= from then bad = bad + 1 end
      replies = replies + 1
      return
    end
    if msg.dst ~= self.name or target(from) ~= me or msg.type ~= kind(from) or msg[field(from)] ~= from
       or msg.k ~= from then
      bad = bad + 1
    end
    got = got + 1
    self:send(msg.src, "REPLY", { k = from })
  end,
}

for i = 0, n - 1 do node(names[i], Node) end
network { latency = "uniform:1ms,5ms" }

invariant("every message as sent", function()
  if bad > 0 then return false, bad .. " messages arrived changed or at the wrong node" end
  if got ~= n or replies ~= n then return false, "got " .. got .. " messages and " .. replies .. " replies" end
  return true
end)
expect { violations = 0 }
