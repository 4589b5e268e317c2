-- libraft 0.15.0 (models/libraft/) under a partial partition: from 1 s to
-- 4 s the leader and one follower stop hearing each other, both ways;
-- every other link works (the pattern of Cloudflare's 2020 etcd outage,
-- see raft_partial_partition.lua). Without pre-vote the cut follower
-- times out and disturbs the leader with higher terms; prevote = true
-- turns on libraft's pre-vote. Safety and linearizability must hold
-- either way; elections_during_cut counts raft_leader events in the cut.
scenario { name = "libraft_partial_partition", duration = "5s", seeds = 5 }
local p = params { impl = "libraft", prevote = false }
local lr = include("_libraft.lua")
lr.cluster { impl = p.impl, stop = "4.5s", libraft = { prevote = p.prevote } }
local elections = 0
on({ kind = "event", type = "raft_leader" }, function() if now() >= 1 and now() < 4 then elections = elections + 1 end end)
at("1s", function()
  local l, f = lr.leader(), lr.follower()
  if l == nil then error("no leader at 1s") end
  cut(l, f)
  cut(f, l)
end)
at("4s", heal)
invariant("measured", function() metric("elections_during_cut", elections) return true end)
expect { invariants = lr.SAFE, metrics = { raft_lincheck = 1, raft_applied_indices = { min = 50 } } }
