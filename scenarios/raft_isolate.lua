-- One Raft server cut off from the other two for 2 s, then healed, with
-- PreVote and CheckQuorum (Ongaro's thesis §9.6 and §6.2) on or off.
--   isolate = "follower": without PreVote the cut-off follower keeps
--     timing out and raising its term, and when it comes back its term
--     deposes the working leader (raft_leaders_elected = 2). With PreVote
--     it never wins a pre-vote, its term stays, and the leader keeps
--     leading (raft_leaders_elected = 1).
--   isolate = "leader": the majority elects a new leader either way; with
--     CheckQuorum the old one, hearing from no majority, steps down by
--     itself (raft_check_quorum_stepdowns = 1), without it it stays leader
--     of its minority until the heal.
-- tests/test_raft.c asserts all four rows over seeds 1-5.
scenario { name = "raft_isolate", duration = "5s", seeds = 5 }

local p = params { isolate = "follower", prevote = false, check_quorum = false }
assert(p.isolate == "follower" or p.isolate == "leader", "isolate must be follower or leader")
local raft = include("_raft.lua")
network { latency = "uniform:1ms,10ms" }
local servers = raft.servers(raft.names(3), "raft", { prevote = p.prevote, check_quorum = p.check_quorum })
clients {
  count = 1, model = "kv.raft",
  params = { servers = raft.list(servers), lincheck = true },
  workload = { ops = { read = 1, write = 1 }, keys = 2, think = "10ms", timeout = "1s", stop = "4.5s" },
}

local leader = nil
on({ kind = "event", type = "raft_leader" }, function(ev) leader = ev.node end)
at("1s", function()
  assert(leader, "no leader by 1s")
  local target = leader
  if p.isolate == "follower" then
    for _, s in ipairs(servers) do if s ~= leader then target = s break end end
  end
  local rest = {}
  for _, s in ipairs(servers) do if s ~= target then rest[#rest + 1] = s end end
  partition({ target }, rest)
end)
at("3s", function() heal() end)
raft.check_apply()

expect { invariants = { linearizable = 0, raft_apply_agree = 0 }, metrics = { raft_lincheck = 1 } }
