-- ZooKeeper on Raft with snapshots and log compaction (Raft §7, Figure 13)
-- under each network fault on its own and all combined (_kv_faults.lua:
-- none, loss, duplicate, reorder, delay, crash, all). Three zk.server
-- nodes snapshot their machine every `every` applied entries: the data
-- tree with every stat (so sequential counters), the sessions with their
-- ephemerals, each session's applied results (retried requests are
-- answered once) and the nonces that opened sessions. Three zk.client
-- sessions (sync + getData, setData: lincheck) and three zk.probe
-- sessions (every request and watch path, ZooKeeper's guarantees as
-- invariants). At 1.5 s a follower crashes for `down`: the leader
-- compacts past what it holds, so it restarts from its own last snapshot
-- and catches up through InstallSnapshot.
--
-- Promised under every fault: lincheck and zk.probe's invariants hold,
-- every server that applies an index applies the same entry there, and
--   lagging_chunks          InstallSnapshot chunks delivered to the
--                           follower that was down (>= 1; with fault=all
--                           measured only: other crashes during its
--                           downtime can leave no quorum, so no leader
--                           compacts past it and it catches up from the
--                           log alone, as at seed 398)
--   recovered_from_snapshot restarts that recovered a snapshot (>= 1)
--   raft_snapshots_taken, raft_snapshots_installed (>= 1 each)
scenario { name = "zk_snapshot", duration = "6s", seeds = 3 }

local p = params { fault = "none", every = 20, down = "1500ms" }
local faults = include("_kv_faults.lua")
local raft = include("_raft.lua")
local servers = raft.names(3)
faults.network(p.fault, servers)
raft.servers(servers, "zk.server", { snapshot_every = p.every })
local zk = include("_zk.lua")
zk.sessions(raft.list(servers))
raft.check_apply()

raft.lag_follower(servers, "1500ms", p.down)

expect {
  invariants = zk.invariants,
  metrics = {
    zk_lincheck = 1, zk_probe_events = { min = 10 }, zk_probe_sequential = { min = 5 },
    lagging_chunks = p.fault ~= "all" and { min = 1 } or nil, recovered_from_snapshot = { min = 1 },
    raft_snapshots_taken = { min = 1 }, raft_snapshots_installed = { min = 1 },
  },
  availability_min = 0.2,
}
