-- Raft under each network fault on its own and all combined (the fault
-- matrix of _kv_faults.lua: none, loss, duplicate, reorder, delay, crash,
-- all): `servers` (3 or 5) Raft servers and three kv.raft clients doing
-- read, write and cas on three keys through the log. Promised under every
-- fault: the clients make progress, every server that applies an index
-- applies the same entry there (invariant raft_apply_agree) and the
-- history is linearizable. tests/test_raft.c runs every row for 3 and 5
-- servers.
scenario { name = "raft_faults", duration = "5s", seeds = 5 }

local p = params { fault = "duplicate", servers = 3, read = "log" }
local faults = include("_kv_faults.lua")
local raft = include("_raft.lua")
local servers = raft.names(p.servers)
faults.network(p.fault, servers)
-- Reads other than through the log (ReadIndex, leases) are promised the
-- same; a lease needs CheckQuorum.
raft.servers(servers, "raft", p.read ~= "log" and { read = p.read, check_quorum = p.read == "lease" } or nil)
clients {
  count = 3, model = "kv.raft",
  params = { servers = raft.list(servers), lincheck = true },
  workload = { ops = { read = 1, write = 1, cas = 1 }, keys = 3, think = "5ms", timeout = "1s", stop = "4.5s" },
}
raft.check_apply()

expect {
  invariants = { linearizable = 0, raft_apply_agree = 0 },
  metrics = { raft_lincheck = 1, raft_applied_indices = { min = 50 } },
  availability_min = 0.2,
}
