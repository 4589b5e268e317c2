-- Raft (Ongaro & Ousterhout, USENIX ATC 2014) with a key-value store on
-- it: three servers elect a leader, two kv.raft clients read, write and
-- cas through the log, and at 2 s the leader crashes (restarting 1 s
-- later). A new leader must be elected and the clients must go on; every
-- server that applies an index must apply the same entry there (invariant
-- raft_apply_agree, from the protocol events) and the history must be
-- linearizable.
scenario { name = "raft_basic", duration = "5s", seeds = 10 }

local raft = include("_raft.lua")
network { latency = "uniform:1ms,10ms" }
local servers = raft.servers(raft.names(3), "raft")
clients {
  count = 2, model = "kv.raft",
  params = { servers = raft.list(servers), lincheck = true },
  workload = { ops = { read = 1, write = 1, cas = 1 }, keys = 2, think = "5ms", timeout = "1s", stop = "4.5s" },
}

local leader, crashed, crashed_at = nil, nil, nil
on({ kind = "event", type = "raft_leader" }, function(ev)
  leader = ev.node
  if crashed_at and ev.node ~= crashed then
    sample("raft_reelect_ms", (ev.time - crashed_at) * 1000)
    crashed_at = nil
  end
end)
at("2s", function()
  assert(leader, "no leader by 2s")
  crashed, crashed_at = leader, now()
  crash_restart(leader, "1s")
end)
raft.check_apply()

expect {
  invariants = { linearizable = 0, raft_apply_agree = 0 },
  metrics = { raft_lincheck = 1, raft_reelect_ms = 1, raft_applied_indices = { min = 100 } },
}
