-- raft_partial_partition.lua with cut = "inbound" (see there).
variant = { cut = "inbound" }
include("raft_partial_partition.lua")
