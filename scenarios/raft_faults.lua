-- Raft under each network fault on its own and all combined (the fault
-- matrix of _kv_faults.lua: none, loss, duplicate, reorder, delay, crash,
-- all): `servers` (3 or 5) Raft servers and three kv.raft clients doing
-- read, write and cas on three keys through the log. Promised under every
-- fault: the clients make progress, every server that applies an index
-- applies the same entry there (invariant raft_apply_agree) and the
-- history is linearizable. tests/test_raft.c runs every row for 3 and 5
-- servers.
--
-- read = "readindex" or "lease" serves reads without the log (thesis
-- §6.4; a lease needs CheckQuorum): the same promises.
-- tests/test_raft_read.c runs every row with both, and with clock faults:
--   clock = "drift"  each server's clock runs at its own rate, drawn
--                    every second in ±40000 ppm: within the lease's
--                    default bound (clock_drift = 100000 ppm: 1.04/0.96 <
--                    1.1), so leases must stay safe
--   clock = "jumps"  every 300 ms one server's clock steps by up to
--                    ±200 ms: beyond any drift bound (a lease may serve
--                    stale reads), harmless to the log and ReadIndex
scenario { name = "raft_faults", duration = "5s", seeds = 5 }

local p = params { fault = "duplicate", servers = 3, read = "log", clock = "none" }
local faults = include("_kv_faults.lua")
local raft = include("_raft.lua")
local servers = raft.names(p.servers)
faults.network(p.fault, servers)
-- Reads other than through the log (ReadIndex, leases) are promised the
-- same; a lease needs CheckQuorum.
raft.servers(servers, "raft", p.read ~= "log" and { read = p.read, check_quorum = p.read == "lease" } or nil)
if p.clock == "drift" then
  local r = rng("raft_clocks")
  every("1s", function()
    for _, s in ipairs(servers) do clock_drift(s, r:random(-40000, 40000)) end
  end, { from = "0s" })
elseif p.clock == "jumps" then
  nemesis.clocks { nodes = servers, every = "300ms", max_jump = "200ms" }
else
  assert(p.clock == "none", "clock must be none, drift or jumps")
end
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
