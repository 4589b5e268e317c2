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
local list = raft.list(servers)
clients {
  count = 3, model = "zk.client",
  params = { servers = list, session_timeout = "1s", sync_reads = true, lincheck = true },
  workload = { ops = { read = 1, write = 1 }, keys = 2, think = "10ms", timeout = "1s", stop = "5.5s" },
}
for i = 1, 3 do
  node("probe" .. i, "zk.probe", { servers = list, session_timeout = "1s", period = "100ms" })
end
raft.check_apply()

-- A client paused (a GC pause) for twice its session timeout: the leader
-- expires its session, deleting its ephemerals; when it resumes it learns
-- so and opens a new one.
if p.pause then
  at("2s", function() pause("probe1", "2s") end)
end

expect {
  invariants = {
    linearizable = 0, raft_apply_agree = 0, zk_results_ordered = 0, zk_watch_once = 0,
    zk_watch_first = 0, zk_watch_fresh = 0, zk_exactly_once = 0, zk_ephemeral = 0, zk_sequential = 0,
  },
  metrics = {
    zk_lincheck = 1, zk_probe_events = { min = 10 }, zk_probe_sequential = { min = 5 },
    zk_sessions_expired = p.pause and { min = 1 } or { max = 1000 },
  },
  availability_min = 0.2,
}
