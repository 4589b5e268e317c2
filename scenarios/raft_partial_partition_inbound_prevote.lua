-- raft_partial_partition.lua with cut = "inbound", protect = true (see there).
variant = { cut = "inbound", protect = true }
include("raft_partial_partition.lua")
