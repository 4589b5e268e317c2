-- A partial partition (issue 12, scenario 4): one follower loses only its
-- link to the leader, both ways; every other link works. The pattern of
-- Cloudflare's 2020-11-02 outage ("A Byzantine failure in the real
-- world", Cloudflare blog, 2020-11-27: a switch in a degraded state cut
-- some links of an etcd cluster; a node that could not hear the leader
-- kept calling elections) analysed by Howard and Abraham ("Raft does not
-- Guarantee Liveness in the face of Network Faults", Decentralized
-- Thoughts, 2020), and of etcd issue #9563 ("Leader reelections
-- triggered by broken follower in healthy cluster").
--
-- Five servers, three kv.raft clients (closed loop, reads and writes
-- through the log). At 2 s the current leader and the first other server
-- by name stop hearing each other (cut = "leader", the default), or
-- nothing reaches that follower any more while what it sends still gets
-- through (cut = "inbound", etcd #9563's second experiment); heal at 22 s,
-- end at 24 s.
--
-- protect = false (plain Raft, the paper's Figure 2): the cut follower
-- hears no heartbeat, times out, and asks for votes in a higher term.
-- Every server that sees that term adopts it, so the leader's next
-- heartbeat is answered with a higher term and the working leader steps
-- down (§5.1). The cut follower's log is behind (it missed what was
-- committed since the cut), so it cannot win; another server is elected.
-- With cut = "leader" that settles it unless the old leader wins again:
-- one forced election or a few. With cut = "inbound" the follower hears
-- no leader ever, and forces an election every election timeout: a storm
-- for as long as the cut lasts.
-- protect = true (PreVote, thesis §9.6, with CheckQuorum, thesis §6.2,
-- etcd's pair): the cut follower first asks whether it could win, and
-- servers that heard from a leader within the minimum election timeout
-- refuse; no term changes, the leader stays.
--
-- Metrics over the cut (2 s to 22 s): elections_during_cut (raft_leader
-- events), term_rise (the highest term in any Raft message except
-- PreVote's at 22 s minus the leader's term at 2 s), stall_ms (the gaps
-- of over 100 ms between advances of the highest commit index, summed:
-- the clients keep entries committing every few ms while a leader serves),
-- ok_per_s_cut and avail_cut (ok / invoked of the operations invoked in
-- [3 s, 22 s): the clients' 1 s timeout outlasts an election, so forced
-- elections show as latency and lost throughput, not as failed ops).
-- Expected:
--   protect = true: elections_during_cut = 0, term_rise = 0, stall_ms = 0,
--     avail_cut >= 0.99;
--   protect = false, cut = "leader": elections_during_cut >= 1, term_rise
--     >= 2 (the follower's term and the next election's), stall_ms >= 100
--     (an election needs a timeout of at least 150 ms after the step-down);
--   protect = false, cut = "inbound": elections_during_cut >= 10,
--     term_rise >= 20, stall_ms >= 3000 (the storm: measured 37-39
--     elections and 8.3-8.8 s of stall at seeds 1-3).
-- Both: no violation (a linearizable history; raft_apply_agree: no two
-- servers apply different entries at one index).
-- raft_partial_partition_prevote.lua, _inbound.lua and
-- _inbound_prevote.lua run the other three cases.
scenario { name = "raft_partial_partition", duration = "24s", seeds = 2 }

local defaults = { protect = false, cut = "leader" }
for k, v in pairs(variant or {}) do defaults[k] = v end -- set by a file that includes this one
local p = params(defaults)

network { latency = "uniform:1ms,5ms", fifo = true }
local raft = include("_raft.lua")
local servers = raft.servers(raft.names(5), "raft", { prevote = p.protect, check_quorum = p.protect })
local peers = raft.list(servers)
raft.check_apply()
clients {
  count = 3, model = "kv.raft",
  params = { servers = peers, lincheck = true },
  workload = { ops = { read = 1, write = 1 }, keys = 5, think = "10ms", timeout = "1s", stop = "23.5s" },
}

local leader, leader_term, top_term = nil, 0, 0
on({ kind = "event", type = "raft_leader" }, function(ev)
  if ev.msg.term > leader_term then leader, leader_term = ev.node, ev.msg.term end
end)
-- the highest term any server has put in a message
on({ kind = "send", where = function(ev)
  return ev.msg and ev.msg.term ~= nil and ev.type ~= "PreVote" and ev.type ~= "PreVoteReply"
end }, function(ev)
  if ev.msg.term > top_term then top_term = ev.msg.term end
end)

-- Commit stalls during the cut: the gaps of over 100 ms between advances of
-- the highest commit index (the clients keep one entry committing every
-- few ms while a leader serves), summed.
local committed, last_commit, stall = 0, nil, 0
on({ kind = "event", type = "raft_commit" }, function(ev)
  if ev.msg.index <= committed then return end
  committed = ev.msg.index
  local t = ev.time
  if t >= 2 and t < 22 then
    local from = math.max(2, last_commit or 2)
    if t - from > 0.1 then stall = stall + (t - from) end
  end
  last_commit = t
end)

local invoked, ok, born = 0, 0, {}
on("op", function(ev)
  local op = ev.op
  if op.type == "invoke" then
    if ev.time >= 3 and ev.time < 22 then born[op.id] = true; invoked = invoked + 1 end
  elseif born[op.id] then
    born[op.id] = nil
    if op.type == "ok" then ok = ok + 1 end
  end
end)

local cut_leader, cut_follower, term_at_cut, elections = nil, nil, 0, 0
on({ kind = "event", type = "raft_leader" }, function()
  if cut_leader and now() < 22 then elections = elections + 1 end
end)
at("2s", function()
  assert(leader and state(leader) == "up", "no leader at 2 s")
  cut_leader, term_at_cut = leader, leader_term
  for _, s in ipairs(servers) do
    if s ~= leader then cut_follower = s; break end
  end
  if p.cut == "leader" then
    cut(cut_leader, cut_follower); cut(cut_follower, cut_leader)
  else -- "inbound": nothing reaches the follower; what it sends gets through
    for _, s in ipairs(servers) do if s ~= cut_follower then cut(s, cut_follower) end end
  end
end)
local rise = 0
at("22s", function()
  rise = top_term - term_at_cut
  heal()
end)

invariant("measured", function()
  metric("elections_during_cut", elections)
  metric("term_rise", rise)
  metric("avail_cut", invoked > 0 and ok / invoked or 0)
  metric("stall_ms", stall * 1000)
  metric("ok_per_s_cut", ok / 19)
  return true
end)

if p.cut ~= "leader" and p.cut ~= "inbound" then error("cut must be leader or inbound, not '" .. p.cut .. "'") end
if p.protect then
  expect { violations = 0, metrics = { elections_during_cut = 0, term_rise = 0, stall_ms = 0, avail_cut = { min = 0.99 } } }
elseif p.cut == "leader" then
  expect { violations = 0, metrics = { elections_during_cut = { min = 1 }, term_rise = { min = 2 }, stall_ms = { min = 100 } } }
else
  expect { violations = 0, metrics = { elections_during_cut = { min = 10 }, term_rise = { min = 20 }, stall_ms = { min = 3000 } } }
end
