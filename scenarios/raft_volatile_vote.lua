-- Why Raft persists votedFor (Figure 2: "updated on stable storage before
-- responding to RPCs"). s1 times out first and asks for votes in term 1;
-- its RequestVote reaches only s3, which grants it; then s3 crashes and
-- restarts at once, and s1's later messages reach nobody. s2 times out,
-- asks in term 1 too, and s3 — which remembers term 1 — must refuse: it
-- already voted. With raft.volatile_vote (--set model=raft.volatile_vote)
-- the restarted s3 has forgotten its vote, grants it again, and term 1 has
-- two leaders (invariant election_safety, from the raft_leader events).
scenario { name = "raft_volatile_vote", duration = "2s", seeds = 3 }

local p = params { model = "raft" }
assert(p.model == "raft" or p.model == "raft.volatile_vote", "model must be raft or raft.volatile_vote")
network { latency = "uniform:1ms,5ms" }
local peers = "s1,s2,s3"
node("s1", p.model, { peers = peers, election_timeout = "100ms,100ms" })
node("s2", p.model, { peers = peers, election_timeout = "300ms,300ms" })
node("s3", p.model, { peers = peers, election_timeout = "5s,5s" })

once({ kind = "send", type = "RequestVote", node = "s1" }, function() cut("s1", "s2") end)
once({ kind = "deliver", type = "RequestVoteReply", node = "s1", peer = "s3" }, function()
  cut("s1", "s3")
  crash_restart("s3", "5ms")
end)

local leader_of = {} -- term → the first node that led it
invariant("election_safety", function() return true end)
on({ kind = "event", type = "raft_leader" }, function(ev)
  local t = ev.msg.term
  if leader_of[t] == nil then
    leader_of[t] = ev.node
  elseif leader_of[t] ~= ev.node then
    violation("election_safety", string.format("term %d has two leaders, %s and %s", t, leader_of[t], ev.node))
  end
end)

if p.model == "raft" then
  expect { invariants = { election_safety = 0 } }
else
  expect { invariants = { election_safety = { min = 1 } } }
end
