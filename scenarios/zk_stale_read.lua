-- ZooKeeper's reads are served from the state of the server a client is
-- connected to, without the log (Programmer's Guide, "Consistency
-- Guarantees": sequential consistency, not linearizable reads; sync()
-- before a read is the remedy). At 1 s the leader is cut off with the
-- reader; not knowing it was deposed (no CheckQuorum), it goes on
-- answering the reader's getData from its old tree while the writer
-- writes through the new leader on the other side: lincheck catches the
-- stale reads. With sync_reads = true the reader reads after a sync(),
-- which cannot commit on the minority side, so it reads nothing stale.
scenario { name = "zk_stale_read", duration = "4s", seeds = 3 }

local p = params { sync_reads = false }
local raft = include("_raft.lua")
network { latency = "uniform:1ms,5ms" }
local servers = raft.servers(raft.names(3), "zk.server")
local zp = { servers = raft.list(servers), session_timeout = "1.5s", sync_reads = p.sync_reads, lincheck = true }
node("reader", "zk.client", zp)
node("writer", "zk.client", zp)
workload("reader", { ops = { "read" }, keys = 1, think = "10ms", timeout = "500ms", stop = "3.5s" })
workload("writer", { ops = { "write" }, keys = 1, think = "20ms", timeout = "500ms", stop = "3.5s" })

local leader = nil
on({ kind = "event", type = "raft_leader" }, function(ev) leader = leader or ev.node end)
at("1s", function()
  assert(leader, "no leader by 1s")
  local rest = { "writer" }
  for _, s in ipairs(servers) do if s ~= leader then rest[#rest + 1] = s end end
  partition({ leader, "reader" }, rest)
end)
raft.check_apply()

expect {
  invariants = { linearizable = p.sync_reads and 0 or { min = 1 }, raft_apply_agree = 0 },
}
