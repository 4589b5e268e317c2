-- raft_partial_partition.lua with protect = true (see there).
variant = { protect = true }
include("raft_partial_partition.lua")
