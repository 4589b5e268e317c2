-- The Raft lab's checks, included by grade.lua: the four safety properties
-- of the Raft paper's Figure 3, judged from the protocol events the servers
-- emit exactly as faultsim's own Raft checker judges its C servers
-- (models/raft/raft_check.h, docs/raft_invariants.md), and checks of those
-- events against the messages on the wire, so that a server cannot claim
-- what it did not do.
--
--   local check = include("_raft_check.lua")
--   check.install(servers)    declares the invariants below, watches the run
--
-- Events (fields are integers; `op` is the client op id of the entry's
-- command, 0 for a no-op):
--   raft_leader {term}  raft_append {index, term, chain, op}
--   raft_truncate {from}  raft_commit {index}  raft_apply {index, term, chain, op}
-- Safety (Figure 3):
--   election_safety       at most one leader per term
--   log_matching          entries with equal index and term have equal
--                         chains (on any two servers, at any two times)
--   leader_completeness   a leader of term U holds every entry committed
--                         in a term before U
--   state_machine_safety  no two servers apply different entries at an index
-- Against the wire:
--   votes                 a server announces leadership of term T only after
--                         a majority (itself included) granted it their vote
--                         in RequestVoteReply {term = T, granted = 1}
--                         messages delivered to it
--   replication           a server appends an entry only as the leader of
--                         the entry's term, while handling a delivered
--                         AppendEntries, or when it restarts (replaying its
--                         log)
--   commit_majority       an entry is first reported committed only while a
--                         majority of servers hold it
--   replies               a server answers a client (REPLY {op}) only after
--                         it applied an entry carrying that op
-- "Committed" is what servers reported: the first raft_commit covering an
-- index fixes the entry there, and the term it was committed in is the
-- highest term any server had become leader of by then.
local M = {}

function M.install(servers)
  local majority = #servers // 2 + 1
  local is_server = {}
  for _, s in ipairs(servers) do is_server[s] = true end
  local logs = {}              -- server -> { n = last index, [i] = { term, chain } }
  for _, s in ipairs(servers) do logs[s] = { n = 0 } end
  local chain_at = {}          -- index .. ":" .. term -> chain first seen
  local leader_of = {}         -- term -> server
  local leads = {}             -- server -> the highest term it announced leading
  local max_term = 0
  local committed = {}         -- index -> { chain, term }
  local committed_upto = 0
  local applied = {}           -- index -> { chain, server }
  local applied_ops = {}       -- server .. "/" .. op -> true
  local grants = {}            -- server .. "/" .. term -> { voter -> true }
  local delivered_at = {}      -- server -> { t_ns, type } of its last delivery
  local restarted_at = {}      -- server -> t_ns of its last restart
  local reported = {}          -- "name/what" -> true: each log_matching pair once

  for _, name in ipairs({ "election_safety", "log_matching", "leader_completeness", "state_machine_safety",
                          "votes", "replication", "commit_majority", "replies" }) do
    invariant(name, function() return true end)
  end

  on("deliver", function(ev)
    if not is_server[ev.node] or not ev.msg then return end
    delivered_at[ev.node] = { t = ev.t_ns, type = ev.msg.type }
    local m = ev.msg
    if m.type == "RequestVoteReply" and m.granted == 1 and is_server[ev.peer] then
      local k = ev.node .. "/" .. tostring(m.term)
      grants[k] = grants[k] or {}
      grants[k][ev.peer] = true
    end
  end)
  on("restart", function(ev) if ev.node then restarted_at[ev.node] = ev.t_ns end end)

  on("send", function(ev)
    if not is_server[ev.node] or not ev.msg or ev.msg.type ~= "REPLY" then return end
    if not applied_ops[ev.node .. "/" .. tostring(ev.msg.op)] then
      violation("replies", string.format("%s answered %s's op %s at t=%.6fs without having applied an entry carrying it",
        ev.node, ev.peer or "?", tostring(ev.msg.op), ev.time))
    end
  end)

  on({ kind = "event", type = "raft_leader" }, function(ev)
    local s, term = ev.node, ev.msg.term
    if not is_server[s] or math.type(term) ~= "integer" then return end
    if leader_of[term] and leader_of[term] ~= s then
      violation("election_safety", string.format("%s and %s both became leader of term %d (t=%.6fs)",
        leader_of[term], s, term, ev.time))
    end
    leader_of[term] = leader_of[term] or s
    leads[s] = math.max(leads[s] or 0, term)
    local n = 1
    for voter in pairs(grants[s .. "/" .. term] or {}) do
      if voter ~= s then n = n + 1 end
    end
    if n < majority then
      violation("votes", string.format("%s announced leadership of term %d at t=%.6fs with %d vote(s) "
        .. "(its own included) delivered to it; a majority is %d", s, term, ev.time, n, majority))
    end
    local log = logs[s]
    for i = 1, committed_upto do
      local c = committed[i]
      if c.term < term and (not log[i] or log[i].chain ~= c.chain) then
        violation("leader_completeness", string.format("%s became leader of term %d at t=%.6fs without entry %d "
          .. "committed in term %d: %s", s, term, ev.time, i, c.term,
          log[i] and ("its log has an entry of term " .. log[i].term .. " there") or "its log is shorter"))
        break
      end
    end
    if term > max_term then max_term = term end
  end)

  on({ kind = "event", type = "raft_append" }, function(ev)
    local s, m = ev.node, ev.msg
    if not is_server[s] or math.type(m.index) ~= "integer" or m.index < 1 then return end
    local d = delivered_at[s]
    local as_leader = leads[s] == m.term
    local replaying = restarted_at[s] == ev.t_ns
    local handling = d and d.t == ev.t_ns and d.type == "AppendEntries"
    if not (as_leader or replaying or handling) then
      violation("replication", string.format("%s appended entry %d (term %s) at t=%.6fs neither as leader of "
        .. "that term nor while handling an AppendEntries", s, m.index, tostring(m.term), ev.time))
    end
    local log = logs[s]
    log[m.index] = { term = m.term, chain = m.chain }
    if m.index > log.n then log.n = m.index end
    local k = m.index .. ":" .. tostring(m.term)
    if chain_at[k] == nil then
      chain_at[k] = m.chain
    elseif chain_at[k] ~= m.chain and not reported[k] then
      reported[k] = true
      violation("log_matching", string.format("%s has at index %d an entry of term %s unlike another server's "
        .. "(chain %s vs %s)", s, m.index, tostring(m.term), tostring(m.chain), tostring(chain_at[k])))
    end
  end)

  on({ kind = "event", type = "raft_truncate" }, function(ev)
    local log = logs[ev.node]
    if not log or math.type(ev.msg.from) ~= "integer" then return end
    for i = math.max(ev.msg.from, 1), log.n do log[i] = nil end
    log.n = math.min(log.n, math.max(ev.msg.from - 1, 0))
  end)

  on({ kind = "event", type = "raft_commit" }, function(ev)
    local s, index = ev.node, ev.msg.index
    local log = logs[s]
    if not log or math.type(index) ~= "integer" then return end
    while committed_upto < index and log[committed_upto + 1] do
      local i = committed_upto + 1
      local c = log[i].chain
      committed[i] = { chain = c, term = max_term }
      committed_upto = i
      local holders = 0
      for _, other in ipairs(servers) do
        if logs[other][i] and logs[other][i].chain == c then holders = holders + 1 end
      end
      if holders < majority then
        violation("commit_majority", string.format("%s reported entry %d committed at t=%.6fs while %d server(s) "
          .. "held it; a majority is %d", s, i, ev.time, holders, majority))
      end
    end
  end)

  on({ kind = "event", type = "raft_apply" }, function(ev)
    local s, m = ev.node, ev.msg
    if not is_server[s] or math.type(m.index) ~= "integer" then return end
    applied_ops[s .. "/" .. tostring(m.op)] = true
    local a = applied[m.index]
    if not a then
      applied[m.index] = { chain = m.chain, server = s }
    elseif a.chain ~= m.chain and not reported[s .. "/apply/" .. m.index] then
      reported[s .. "/apply/" .. m.index] = true
      violation("state_machine_safety", string.format("%s applied at index %d another entry than %s did "
        .. "(chain %s vs %s) at t=%.6fs", s, m.index, a.server, tostring(m.chain), tostring(a.chain), ev.time))
    end
  end)

  -- The leaders seen so far, for schedules and liveness checks.
  return {
    leader = function()
      local best, who = 0, nil
      for term, s in pairs(leader_of) do
        if term > best then best, who = term, s end
      end
      return who, best
    end,
  }
end

return M
