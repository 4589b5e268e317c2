-- A wrong solution for the consistent-hashing lab: a key goes to member
-- number hash.key(key) % n of the sorted members. Perfectly balanced, but
-- a join or a leave changes n and moves almost every key, between old
-- nodes too. The grader fails it with `moves_on_join`.
local hash = include("_hash.lua")
local reference = include("_reference_ring.lua")

local function new_ring()
  local ring, members = {}, {}
  function ring.add(name) members[name] = true end
  function ring.remove(name) members[name] = nil end
  function ring.owner(key)
    local names = {}
    for name in pairs(members) do names[#names + 1] = name end
    if #names == 0 then return nil end
    return names[hash.key(key) % #names + 1]
  end
  return ring
end

return { new_ring = new_ring, server = reference.server }
