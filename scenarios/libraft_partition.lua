-- libraft 0.15.0 (models/libraft/) under partitions, two fault classes:
-- side = "minority" (default): from 1 s to 3 s a follower is cut off from
-- the other two servers (and the clients); the leader and the other
-- follower keep committing. side = "majority": the leader is cut off
-- with one client, the other two servers elect a new leader (libraft's
-- leader steps down itself once it has heard from no majority for an
-- election timeout). Heal at 3 s. Either way no safety property may
-- break and the history stays linearizable. --set impl=raft: faultsim's
-- own Raft under the same script.
scenario { name = "libraft_partition", duration = "5s", seeds = 5 }
local p = params { impl = "libraft", side = "minority" }
local lr = include("_libraft.lua")
local servers = lr.cluster { impl = p.impl, stop = "4.5s" }
local elections = 0
on({ kind = "event", type = "raft_leader" }, function() if now() >= 1 then elections = elections + 1 end end)
at("1s", function()
  local cut = p.side == "majority" and lr.leader() or lr.follower()
  if cut == nil then error("no leader at 1s") end
  local rest = {}
  for _, s in ipairs(servers) do if s ~= cut then rest[#rest + 1] = s end end
  rest[#rest + 1] = "client2"
  partition({ cut, "client1" }, rest)
end)
at("3s", heal)
invariant("measured", function() metric("elections_after_cut", elections) return true end)
local m = { raft_lincheck = 1, raft_applied_indices = { min = 100 } }
if p.side == "majority" then m.elections_after_cut = { min = 1 } end
expect { invariants = lr.SAFE, metrics = m }
