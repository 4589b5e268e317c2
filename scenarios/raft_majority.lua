-- Raft needs a majority, and only a majority (issue 12, scenario 2;
-- Ongaro and Ousterhout, "In Search of an Understandable Consensus
-- Algorithm", USENIX ATC 2014, §5.3: an entry is committed once the leader
-- has replicated it on a majority; thesis §6.2 for CheckQuorum). Five
-- servers, two kv.raft clients with Poisson arrivals (open loop, 80 per
-- second each: requests keep coming whatever the servers do), five keys,
-- the history checked by lincheck.
--
--   0-2 s    all five up.
--   2 s      the leader and one follower crash: three of five remain, a
--            majority. A new leader is elected and commits go on:
--            commits_2down (the rise of the highest raft_commit index
--            over [3 s, 7 s)) >= 100.
--   7 s      a third server crashes (a follower, so that a leader may
--            remain): two of five. Nothing may commit: commits_3down
--            ([8 s, 12 s)) = 0 and ok_3down (operations invoked in [8 s,
--            11.5 s) that completed ok; a later one may complete after the
--            restart) = 0, with no violation: the operations time out
--            (info), nothing is lost or invented.
--   12 s     the three restart: commits resume, commits_after ([13 s,
--            16 s)) >= 100.
--   16 s     the leader and client1 are cut off from the rest ({leader,
--            client1} | {four servers, client2}). The majority elects a
--            leader of a later term and serves client2. The cut-off leader
--            has no majority:
--              check_quorum = true (default): it steps down once no
--              majority has answered it for the minimum election timeout
--              (150 ms) and stops serving: stale_appends, the entries it
--              appends in its old term from 16.5 s to the heal, = 0;
--              check_quorum = false: it stays leader of its old term and
--              keeps appending client1's requests: stale_appends >= 1.
--   20 s     heal. isolated_entries: the entries of the old leader's term
--            that it holds at the heal and no other server does (so
--            uncommitted: a committed entry is on a majority); >= 1: client1
--            sends requests to it until it steps down. All are
--            discarded: not_discarded (those no later raft_truncate on
--            that server removed) = 0 and isolated_applied (those any
--            server applied) = 0.
--   22 s     end (the clients stop at 21.5 s).
--
-- Invariants: linearizable (the clients' history, by lincheck) and
-- raft_apply_agree (no two servers apply different entries at one index,
-- from the raft_apply events' chains; scenarios/_raft.lua).
scenario { name = "raft_majority", duration = "22s", seeds = 2 }

local p = params { check_quorum = true }

network { latency = "uniform:1ms,5ms", fifo = true }
local raft = include("_raft.lua")
local servers = raft.servers(raft.names(5), "raft", { check_quorum = p.check_quorum })
local peers = raft.list(servers)
raft.check_apply()
clients {
  count = 2, model = "kv.raft",
  params = { servers = peers, lincheck = true },
  workload = { mode = "open", rate = 80, ops = { read = 1, write = 2 }, keys = 5, timeout = "500ms", stop = "21.5s" },
}

-- The leader of the latest term, the highest commit index any server has
-- announced.
local leader, leader_term, committed = nil, 0, 0
on({ kind = "event", type = "raft_leader" }, function(ev)
  if ev.msg.term > leader_term then leader, leader_term = ev.node, ev.msg.term end
end)
on({ kind = "event", type = "raft_commit" }, function(ev)
  if ev.msg.index > committed then committed = ev.msg.index end
end)

-- The chain first applied at each index (raft_apply_agree checks that
-- every other server applies the same).
local applied = {}
on({ kind = "event", type = "raft_apply" }, function(ev)
  if applied[ev.msg.index] == nil then applied[ev.msg.index] = ev.msg.chain end
end)

-- Operations invoked in [from, to) that completed ok.
local born, ok_in = {}, {}
on("op", function(ev)
  local op = ev.op
  if op.type == "invoke" then
    born[op.id] = ev.time
  elseif op.type == "ok" and born[op.id] then
    local t = born[op.id]
    for _, w in ipairs(ok_in) do
      if t >= w.from and t < w.to then w.n = w.n + 1 end
    end
  end
end)
local function count_ok(name, from, to) ok_in[#ok_in + 1] = { name = name, from = from, to = to, n = 0 } end
count_ok("ok_3down", 8, 11.5) -- 11.5: an op invoked later may still complete after the restart

-- commits over [from, to): the highest commit index at `to` minus at `from`
local function count_commits(name, from, to)
  local base
  at(from .. "s", function() base = committed end)
  at(to .. "s", function() metric(name, committed - base) end)
end
count_commits("commits_2down", 3, 7)
count_commits("commits_3down", 8, 12)
count_commits("commits_after", 13, 16)

local down = {}
at("2s", function()
  assert(leader and state(leader) == "up", "no leader at 2 s")
  down[1] = leader
  for _, s in ipairs(servers) do
    if s ~= leader then down[2] = s; break end
  end
  crash(down[1]); crash(down[2])
end)
at("7s", function()
  assert(leader and state(leader) == "up", "no leader at 7 s")
  for _, s in ipairs(servers) do
    if s ~= leader and state(s) == "up" then down[3] = s; break end
  end
  crash(down[3])
end)
at("12s", function() for _, s in ipairs(down) do restart(s) end end)

-- Every server's log, mirrored from its raft_append and raft_truncate
-- events (a restart re-announces the whole log after a truncate from 1),
-- and which servers hold each (index, chain).
local logs, holders = {}, {}
for _, s in ipairs(servers) do logs[s] = {} end
on({ kind = "event", type = "raft_append" }, function(ev)
  local i, c = ev.msg.index, ev.msg.chain
  logs[ev.node][i] = { term = ev.msg.term, chain = c }
  local key = i .. ":" .. c
  holders[key] = holders[key] or {}
  holders[key][ev.node] = true
end)

-- The isolation. isolated_entries: the entries of the cut-off leader's
-- term that, at the heal, it holds and no other server does: uncommitted,
-- since a committed entry is on a majority. stale_appends: entries it
-- appended in its old term from 16.5 s until the heal.
local isolated, isolated_term, cut = nil, nil, false
local orphans, gone = {}, {} -- index -> chain; index -> true once truncated
local stale, discarded, isolated_entries = 0, 0, 0
at("16s", function()
  assert(leader and state(leader) == "up", "no leader at 16 s")
  isolated, isolated_term, cut = leader, leader_term, true
  local rest = { "client2" }
  for _, s in ipairs(servers) do if s ~= isolated then rest[#rest + 1] = s end end
  partition({ isolated, "client1" }, rest)
end)
at("20s", function()
  cut = false
  for i, e in pairs(logs[isolated]) do
    local others = 0
    for s, _ in pairs(holders[i .. ":" .. e.chain]) do if s ~= isolated then others = others + 1 end end
    if e.term == isolated_term and others == 0 then
      orphans[i] = e.chain
      isolated_entries = isolated_entries + 1
    end
  end
  heal()
end)
on({ kind = "event", type = "raft_append" }, function(ev)
  if cut and ev.node == isolated and ev.msg.term == isolated_term and ev.time >= 16.5 then stale = stale + 1 end
end)
on({ kind = "event", type = "raft_truncate" }, function(ev)
  for i, _ in pairs(logs[ev.node]) do
    if i >= ev.msg.from then logs[ev.node][i] = nil end
  end
  if ev.node ~= isolated or cut then return end
  for i, _ in pairs(orphans) do
    if not gone[i] and i >= ev.msg.from then gone[i] = true; discarded = discarded + 1 end
  end
end)

invariant("measured", function()
  local isolated_applied = 0
  for i, c in pairs(orphans) do
    if applied[i] == c then isolated_applied = isolated_applied + 1 end
  end
  for _, w in ipairs(ok_in) do metric(w.name, w.n) end
  metric("isolated_entries", isolated_entries)
  metric("stale_appends", stale)
  metric("discarded", discarded)
  metric("isolated_applied", isolated_applied)
  metric("not_discarded", isolated_entries - discarded)
  return true
end)

local expected = {
  commits_2down = { min = 100 }, commits_3down = 0, ok_3down = 0, commits_after = { min = 100 },
  isolated_entries = { min = 1 }, not_discarded = 0, isolated_applied = 0,
  stale_appends = p.check_quorum and 0 or { min = 1 },
}
expect { violations = 0, metrics = expected }
