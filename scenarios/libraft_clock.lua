-- libraft 0.15.0 (models/libraft/) under clock jumps: the adapter's
-- raft_io time() reads the node's local clock, so jumps reach the
-- library. Every 300 ms from 0.5 s a random server's clock jumps by up to
-- 2 s forward or back (nemesis.clocks). libraft measures its election
-- and heartbeat timers by that clock (a jump forward fires an election
-- timeout early; raft_time is unsigned, so a jump back makes "now -
-- start" wrap and also reads as expired). Elections may happen; safety
-- and linearizability must hold.
scenario { name = "libraft_clock", duration = "5s", seeds = 5 }
local p = params { impl = "libraft" }
local lr = include("_libraft.lua")
local servers = lr.cluster { impl = p.impl, stop = "4.5s" }
nemesis.clocks { nodes = servers, every = "300ms", max_jump = "2s", start = "500ms", stop = "4s" }
expect { invariants = lr.SAFE, metrics = { raft_lincheck = 1, raft_applied_indices = { min = 50 } } }
