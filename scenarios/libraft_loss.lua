-- libraft 0.15.0 (models/libraft/) over lossy links that also duplicate:
-- every message is lost with probability 0.1 and delivered twice with
-- probability 0.1 (a raft message's payload is copied for the duplicate).
-- Safety and linearizability must hold; the clients' 1 s timeouts let
-- retries through.
scenario { name = "libraft_loss", duration = "5s", seeds = 5 }
local p = params { impl = "libraft", loss = 0.1, duplicate = 0.1 }
local lr = include("_libraft.lua")
lr.cluster { impl = p.impl, stop = "4.5s", loss = p.loss, duplicate = p.duplicate }
expect { invariants = lr.SAFE, metrics = { raft_lincheck = 1, raft_applied_indices = { min = 50 } } }
