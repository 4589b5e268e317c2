-- The Raft library Debian ships (libraft 0.15.0, models/libraft/) on three
-- simulated servers with a key-value store, fault class "leader crash":
-- two libraft.client clients read, write and cas through the leader, and
-- at 2 s the leader crashes (its struct raft torn down, its in-flight
-- disk writes cancelled) and restarts from its durable log once a new
-- leader is announced. Faultsim's Raft checker (election safety, log
-- matching, leader completeness, state-machine safety) watches the
-- library's events, and the history must be linearizable.
-- --set impl=raft runs faultsim's own Raft (raft + kv.raft) instead.
scenario { name = "libraft_basic", duration = "5s", seeds = 5 }
local p = params { impl = "libraft" }
local lr = include("_libraft.lua")
lr.cluster { impl = p.impl, stop = "4.5s" }
lr.measure_failover("2s")
expect { invariants = lr.SAFE, metrics = { raft_lincheck = 1, failover_ms = 1, raft_applied_indices = { min = 100 } } }
