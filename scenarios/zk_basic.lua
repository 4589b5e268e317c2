-- ZooKeeper on Raft (models/zk): three zk.server nodes, three zk.client
-- sessions reading (sync + getData) and writing (setData) znodes /0 and
-- /1; at 2 s the leader crashes (restarting 1 s later). The clients'
-- sessions must survive on the new leader (no expiry: the outage is
-- shorter than their timeout), the history must be linearizable, and every
-- server that applies an index must apply the same entry there.
scenario { name = "zk_basic", duration = "5s", seeds = 3 }

local raft = include("_raft.lua")
network { latency = "uniform:1ms,10ms" }
local servers = raft.servers(raft.names(3), "zk.server")
clients {
  count = 3, model = "zk.client",
  params = { servers = raft.list(servers), session_timeout = "1.5s", sync_reads = true, lincheck = true },
  workload = { ops = { read = 1, write = 1 }, keys = 2, think = "5ms", timeout = "1s", stop = "4.5s" },
}

local leader = nil
on({ kind = "event", type = "raft_leader" }, function(ev) leader = ev.node end)
at("2s", function()
  assert(leader, "no leader by 2s")
  crash_restart(leader, "1s")
end)
raft.check_apply()

expect {
  invariants = { linearizable = 0, raft_apply_agree = 0 },
  metrics = { zk_sessions_expired = 0, raft_applied_indices = { min = 100 } },
}
