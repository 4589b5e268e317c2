-- Raft snapshots and log compaction (paper §7, Figure 13; thesis §5) under
-- each network fault on its own and all combined (the fault matrix of
-- _kv_faults.lua: none, loss, duplicate, reorder, delay, crash, all).
-- `servers` (3 or 5) Raft servers snapshot their key-value map every
-- `every` applied entries and discard the log up to it; three kv.raft
-- clients read, write and cas three keys through the log. At 1.5 s one
-- follower crashes for `down`: the leader compacts its log past what that
-- follower holds, so when it comes back it recovers from its own last
-- snapshot and the entries after it, then catches up through
-- InstallSnapshot (chunks of 3 words, over whatever the links do).
--
-- Promised under every fault: the clients make progress, the history is
-- linearizable, every server that applies an index applies the same entry
-- there (raft_apply_agree), the Raft checker's four invariants hold, and:
--   lagging_chunks          InstallSnapshot chunks delivered to the
--                           follower that was down (>= 1; with fault=all
--                           measured only: other crashes during its
--                           downtime can leave no quorum, so no leader
--                           compacts past it and it catches up from the
--                           log alone. Of seeds 1-1000 that happened in 4
--                           with read=log, 16 with lease, 2 with readindex;
--                           20 with lease before snapshots held sessions)
--   recovered_from_snapshot restarts that recovered a snapshot (>= 1)
--   raft_snapshots_taken, raft_snapshots_installed (>= 1 each)
-- and measured: max_log_entries, the most entries any server held in its
-- log at once (last index minus the snapshot's; run with --set every=0 to
-- see the log grow without compaction).
scenario { name = "raft_snapshot", duration = "5s", seeds = 5 }

local p = params { fault = "none", servers = 3, every = 20, down = "1500ms", read = "log" }
local faults = include("_kv_faults.lua")
local raft = include("_raft.lua")
local servers = raft.names(p.servers)
faults.network(p.fault, servers)
-- read = readindex | lease: reads answered from a state that snapshots
-- and InstallSnapshot replace under them.
raft.servers(servers, "raft", { snapshot_every = p.every, read = p.read, check_quorum = p.read == "lease" })
clients {
  count = 3, model = "kv.raft",
  params = { servers = raft.list(servers), lincheck = true },
  workload = { ops = { read = 1, write = 1, cas = 1 }, keys = 3, think = "5ms", timeout = "1s", stop = "4.5s" },
}
raft.check_apply()

raft.lag_follower(servers, "1500ms", p.down)

-- The in-memory log of each server: its last index and where its
-- snapshot ends, from the protocol events.
local last, base, max_log = {}, {}, 0
local function held(node)
  local n = (last[node] or 0) - (base[node] or 0)
  if n > max_log then max_log = n end
end
on({ kind = "event", type = "raft_append" }, function(ev)
  last[ev.node] = ev.msg.index
  held(ev.node)
end)
on({ kind = "event", type = "raft_truncate" }, function(ev)
  last[ev.node] = ev.msg.from - 1
  if ev.msg.from == 1 then base[ev.node] = 0 end
end)
on({ kind = "event", type = "raft_snapshot" }, function(ev)
  base[ev.node] = ev.msg.index
  if (last[ev.node] or 0) < ev.msg.index then last[ev.node] = ev.msg.index end
end)
invariant("measured", function()
  metric("max_log_entries", max_log)
  return true
end)

expect {
  violations = 0,
  metrics = {
    raft_lincheck = 1, raft_applied_indices = { min = 50 },
    lagging_chunks = p.fault ~= "all" and { min = 1 } or nil, recovered_from_snapshot = { min = 1 },
    raft_snapshots_taken = { min = 1 }, raft_snapshots_installed = { min = 1 },
  },
  availability_min = 0.2,
}
