-- Hashes for the consistent-hashing lab, given with the skeleton: both
-- return integers in [0, 2^62), so plain < compares positions on the ring.
--   local hash = include("_hash.lua")
--   hash.str("s1#7")   a node's virtual node (64-bit FNV-1a, then mixed)
--   hash.key(42)       a key (an integer), mixed the same way
local M = {}
local MASK = (1 << 62) - 1

-- splitmix64's finalizer: every input bit moves every output bit.
local function mix(h)
  h = (h ~ (h >> 30)) * 0xBF58476D1CE4E5B9
  h = (h ~ (h >> 27)) * 0x94D049BB133111EB
  return (h ~ (h >> 31)) & MASK
end

function M.str(s)
  local h = 0xCBF29CE484222325
  for i = 1, #s do h = (h ~ s:byte(i)) * 0x100000001B3 end
  return mix(h)
end

function M.key(k) return mix(k * 0x9E3779B97F4A7C15 + 1) end

return M
