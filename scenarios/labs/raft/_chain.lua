-- The chain of a Raft log entry, for the lab's raft_append and raft_apply
-- events: a 62-bit hash of the chain at the index before (0 before index
-- 1), the entry's term and its command's client op id (0 for a no-op), so
-- two servers with equal chains at an index have equal logs up to it.
-- Returns the function chain(prev, term, op).
local MASK = (1 << 62) - 1
return function(prev, term, op)
  local h = prev ~ (term * 0x9E3779B97F4A7C15) ~ (op * 0xC2B2AE3D27D4EB4F)
  h = (h ~ (h >> 31)) * 0xBF58476D1CE4E5B9
  h = (h ~ (h >> 29)) * 0x94D049BB133111EB
  return (h ~ (h >> 32)) & MASK
end
