-- Messages a handler keeps stay as they were delivered (the runtime never
-- reuses a message table), and a method called on another node's self
-- acts for that node (tests/test_luafast.c).
scenario { name = "lua_kept", duration = "1s" }

local kept_of = {} -- node name -> the messages it kept, in order
local a_self       -- node a's self, used from node b's handler

local Keeper = model {
  name = "t.keeper",
  init = function(self)
    kept_of[self.name] = {}
    if self.name == "a" then a_self = self end
  end,
  on_message = function(self, msg)
    local kept = kept_of[self.name]
    kept[#kept + 1] = msg
    if msg.n < 20 then self:send(self.name == "a" and "b" or "a", "N", { n = msg.n + 1 }) end
    if msg.n == 19 then a_self:send("c", "FROM_A", {}) end -- leaves a, not b
  end,
}

node("a", Keeper)
node("b", Keeper)
node("c", model { name = "t.witness", on_message = function(self, msg) metric("from_" .. msg.src, 1) end })
node("start", model { name = "t.starter", init = function(self) self:send("a", "N", { n = 0 }) end })

-- a got n = 0, 2, ..., 20 and b got 1, 3, ..., 19, each table still
-- holding what was delivered.
invariant("kept", function()
  for _, name in ipairs({ "a", "b" }) do
    local seen = kept_of[name]
    if #seen ~= (name == "a" and 11 or 10) then return false, name .. " kept " .. #seen end
    for i, msg in ipairs(seen) do
      local want = name == "a" and 2 * (i - 1) or 2 * i - 1
      local from = (name == "a" and i == 1) and "start" or (name == "a" and "b" or "a")
      if msg.n ~= want or msg.type ~= "N" or msg.dst ~= name or msg.src ~= from then
        return false, name .. "'s message " .. i .. " changed: n = " .. tostring(msg.n)
      end
    end
  end
  return true
end)
expect { violations = 0, metrics = { from_a = 1 } }
