-- ZooKeeper on Raft under each fault of the kv fault matrix
-- (_kv_faults.lua: none, loss, duplicate, reorder, delay, crash, all) and,
-- with pause = true, a client paused past its session timeout. Three
-- zk.server nodes; three zk.client sessions (sync + getData, setData:
-- checked by lincheck); three zk.probe sessions that use every request
-- and watch path and check ZooKeeper's guarantees as invariants: results
-- in request order, watch events once and before the change they signal,
-- reads after an event showing it, setData applied once, ephemeral nodes
-- owned by their session and gone when it expires, sequential names
-- growing with czxid. tests/test_zk_session.c runs every row.
scenario { name = "zk_faults", duration = "6s", seeds = 3 }

local p = params { fault = "all", pause = false }
local faults = include("_kv_faults.lua")
local raft = include("_raft.lua")
local servers = raft.names(3)
faults.network(p.fault, servers)
raft.servers(servers, "zk.server")
local zk = include("_zk.lua")
zk.sessions(raft.list(servers))
raft.check_apply()

-- A client paused (a GC pause) for twice its session timeout: the leader
-- expires its session, deleting its ephemerals; when it resumes it learns
-- so and opens a new one.
if p.pause then
  at("2s", function() pause("probe1", "2s") end)
end

expect {
  invariants = zk.invariants,
  metrics = {
    zk_lincheck = 1, zk_probe_events = { min = 10 }, zk_probe_sequential = { min = 5 },
    zk_sessions_expired = p.pause and { min = 1 } or { max = 1000 },
  },
  availability_min = 0.2,
}
