-- The Raft lab's reference solution: Figure 2 of Ongaro & Ousterhout, "In
-- Search of an Understandable Consensus Algorithm" (USENIX ATC 2014), with a
-- key-value map as the state machine. Don't read it before trying the
-- skeleton.
--
-- Part A: randomized election timeouts, RequestVote with the election
-- restriction (§5.4.1). Part B: AppendEntries with the consistency check and
-- conflict truncation (§5.3), one entry per message; a leader counts
-- replicas only for entries of its own term (§5.4.2) and appends a no-op
-- when elected so earlier entries commit soon (§8); reads and writes are log
-- entries, applied once per client op id. Part C: currentTerm, votedFor and
-- the log live in self.durable, so a restart keeps them; commitIndex and the
-- map are volatile and rebuilt as the leader tells the restarted server what
-- is committed.

-- The chain of an entry (_chain.lua, given with the skeleton).
local chain = include("_chain.lua")

-- build(mistake) makes the server; the lab's wrong solutions (_wrong_*.lua)
-- are this one with one plausible mistake named by `mistake`:
-- "volatile_vote" (votedFor kept in self.state, forgotten by a crash) or
-- "commit_old_terms" (a leader commits any entry a majority holds, whatever
-- its term: Figure 8's loss).
local function build(mistake)
  local function voted_for(self)
    if mistake == "volatile_vote" then return self.state.vote end
    return self.durable.vote
  end
  local function set_vote(self, v)
    if mistake == "volatile_vote" then self.state.vote = v else self.durable.vote = v end
  end

  local function others(self)
    local list = {}
    for _, p in ipairs(self.params.peers) do
      if p ~= self.name then list[#list + 1] = p end
    end
    return list
  end
  local function majority(self) return #self.params.peers // 2 + 1 end

  local function reset_election(self)
    local lo, hi = self.params.election_timeout:match("^(%d+)ms,(%d+)ms$")
    assert(lo, "election_timeout must look like \"150ms,300ms\"")
    if self.state.election then self:cancel(self.state.election) end
    self.state.election = self:timer(self:random(tonumber(lo), tonumber(hi)) / 1000, "election")
  end

  local function last_term(self)
    local log = self.durable.log
    return #log > 0 and log[#log].term or 0
  end

  -- Appends one entry to the log and announces it.
  local function append(self, e)
    local log, S = self.durable.log, self.state
    log[#log + 1] = e
    local i = #log
    S.chains[i] = chain(S.chains[i - 1] or 0, e.term, e.op)
    if e.op ~= 0 then S.in_log[e.op] = i end
    self:emit("raft_append", { index = i, term = e.term, chain = S.chains[i], op = e.op })
  end

  local function truncate(self, from)
    local log, S = self.durable.log, self.state
    for i = #log, from, -1 do
      if log[i].op ~= 0 then S.in_log[log[i].op] = nil end
      log[i] = nil
      S.chains[i] = nil
    end
    self:emit("raft_truncate", { from = from })
  end

  local function step_down(self, term)
    if term > self.durable.term then
      self.durable.term = term
      set_vote(self, nil)
    end
    if self.state.role == "leader" and self.state.beat then self:cancel(self.state.beat) end
    self.state.role = "follower"
    -- Only a leader has no election timer to keep. A higher term alone does
    -- not restart a running one (Figure 2 restarts it on AppendEntries from
    -- the leader and on granting a vote): a candidate whose log is behind
    -- would otherwise keep an up-to-date follower from ever standing.
    if not self.state.election then reset_election(self) end
  end

  -- Applies committed entries in order; the server that took a client's
  -- request answers it.
  local function apply(self)
    local S, log = self.state, self.durable.log
    while S.applied < S.commit do
      S.applied = S.applied + 1
      local e = log[S.applied]
      if e.op ~= 0 and S.results[e.op] == nil then
        if e.f == 2 then S.kv[e.key] = e.val end
        S.results[e.op] = e.f == 2 and e.val or (S.kv[e.key] or 0)
      end
      self:emit("raft_apply", { index = S.applied, term = e.term, chain = S.chains[S.applied], op = e.op })
      local client = e.op ~= 0 and S.waiting[e.op]
      if client then
        S.waiting[e.op] = nil
        self:send(client, "REPLY", { op = e.op, val = S.results[e.op] })
      end
    end
  end

  local function set_commit(self, c)
    if c > self.state.commit then
      self.state.commit = c
      self:emit("raft_commit", { index = c })
      apply(self)
    end
  end

  -- Sends follower p its next entry (or none: a heartbeat).
  local function send_append(self, p)
    local S, log = self.state, self.durable.log
    local next = S.next[p]
    local prev = next - 1
    local f = { term = self.durable.term, prev_index = prev, prev_term = prev > 0 and log[prev].term or 0,
                commit = S.commit }
    local e = log[next]
    if e then
      f.eterm, f.eop = e.term, e.op
      if e.op ~= 0 then f.ekey, f.eval = e.key, e.f == 2 and e.val or -1 end
    end
    self:send(p, "AppendEntries", f)
  end

  local function advance_commit(self)
    local S, log = self.state, self.durable.log
    for n = #log, S.commit + 1, -1 do
      if mistake ~= "commit_old_terms" and log[n].term ~= self.durable.term then break end
      local count = 1
      for _, p in ipairs(others(self)) do
        if S.match[p] >= n then count = count + 1 end
      end
      if count >= majority(self) then set_commit(self, n) return end
    end
  end

  local function become_leader(self)
    local S = self.state
    S.role, S.leader = "leader", self.name
    if S.election then self:cancel(S.election) S.election = nil end
    self:emit("raft_leader", { term = self.durable.term })
    for _, p in ipairs(others(self)) do
      S.next[p] = #self.durable.log + 1
      S.match[p] = 0
    end
    append(self, { term = self.durable.term, op = 0 })
    for _, p in ipairs(others(self)) do send_append(self, p) end
    S.beat = self:timer(self.params.heartbeat, "heartbeat")
  end

  local function on_request_vote(self, msg)
    if msg.term > self.durable.term then step_down(self, msg.term) end
    local log_ok = msg.last_term > last_term(self)
      or (msg.last_term == last_term(self) and msg.last_index >= #self.durable.log)
    local v = voted_for(self)
    local grant = msg.term == self.durable.term and (v == nil or v == msg.src) and log_ok
    if grant then
      set_vote(self, msg.src)
      reset_election(self)
    end
    self:send(msg.src, "RequestVoteReply", { term = self.durable.term, granted = grant and 1 or 0 })
  end

  local function on_append_entries(self, msg)
    local S, log = self.state, self.durable.log
    if msg.term < self.durable.term then
      self:send(msg.src, "AppendEntriesReply", { term = self.durable.term, success = 0, hint = 0 })
      return
    end
    if msg.term > self.durable.term or S.role ~= "follower" then step_down(self, msg.term) end
    S.leader = msg.src
    reset_election(self)
    local prev = msg.prev_index
    if prev > #log or (prev > 0 and log[prev].term ~= msg.prev_term) then
      self:send(msg.src, "AppendEntriesReply",
        { term = self.durable.term, success = 0, hint = math.min(prev, #log + 1) })
      return
    end
    local match = prev
    if msg.eterm then
      local i = prev + 1
      if log[i] and log[i].term ~= msg.eterm then truncate(self, i) end
      if not log[i] then
        local e = { term = msg.eterm, op = msg.eop }
        if msg.eop ~= 0 then
          e.key = msg.ekey
          if msg.eval == -1 then e.f = 1 else e.f, e.val = 2, msg.eval end
        end
        append(self, e)
      end
      match = i
    end
    set_commit(self, math.min(msg.commit, match))
    self:send(msg.src, "AppendEntriesReply", { term = self.durable.term, success = 1, match = match })
  end

  local function on_append_reply(self, msg)
    local S = self.state
    if msg.term > self.durable.term then step_down(self, msg.term) return end
    if S.role ~= "leader" or msg.term ~= self.durable.term then return end
    local p = msg.src
    -- Only a reply that moves the follower on sends more: a duplicate or
    -- late one changes nothing, and more sends would multiply.
    if msg.success == 1 then
      if msg.match <= S.match[p] then return end
      S.match[p] = msg.match
      S.next[p] = math.max(S.next[p], msg.match + 1)
      advance_commit(self)
      if S.next[p] <= #self.durable.log then send_append(self, p) end
    else
      local next = math.max(1, math.min(S.next[p] - 1, msg.hint))
      if next >= S.next[p] then return end
      S.next[p] = next
      send_append(self, p)
    end
  end

  local function on_request(self, msg)
    local S = self.state
    if S.role ~= "leader" then
      local hint = 0
      for i, p in ipairs(self.params.peers) do
        if p == S.leader then hint = i end
      end
      self:send(msg.src, "NOT_LEADER", { op = msg.op, leader = hint })
      return
    end
    if S.results[msg.op] ~= nil then
      self:send(msg.src, "REPLY", { op = msg.op, val = S.results[msg.op] })
      return
    end
    S.waiting[msg.op] = msg.src
    if S.in_log[msg.op] then return end
    append(self, { term = self.durable.term, op = msg.op, f = msg.f, key = msg.key, val = msg.val })
    local last = #self.durable.log
    for _, p in ipairs(others(self)) do
      if S.next[p] == last then send_append(self, p) end
    end
  end

  local server = model {
    name = "raft.lab",
    params = { peers = {}, election_timeout = "150ms,300ms", heartbeat = "50ms" },

    init = function(self)
      local D = self.durable
      D.term = D.term or 0
      D.log = D.log or {}
      local S = self.state
      S.role, S.commit, S.applied = "follower", 0, 0
      S.kv, S.results, S.waiting, S.in_log, S.chains, S.next, S.match = {}, {}, {}, {}, {}, {}, {}
      -- A restart: announce the recovered log so checkers mirror it.
      if #D.log > 0 then
        local log = D.log
        D.log = {}
        self:emit("raft_truncate", { from = 1 })
        for _, e in ipairs(log) do append(self, e) end
      end
      reset_election(self)
    end,

    on_message = function(self, msg)
      if msg.type == "RequestVote" then
        on_request_vote(self, msg)
      elseif msg.type == "RequestVoteReply" then
        if msg.term > self.durable.term then step_down(self, msg.term) return end
        local S = self.state
        if S.role == "candidate" and msg.term == self.durable.term and msg.granted == 1 then
          S.votes[msg.src] = true
          local n = 0
          for _ in pairs(S.votes) do n = n + 1 end
          if n >= majority(self) then become_leader(self) end
        end
      elseif msg.type == "AppendEntries" then
        on_append_entries(self, msg)
      elseif msg.type == "AppendEntriesReply" then
        on_append_reply(self, msg)
      elseif msg.type == "REQUEST" then
        on_request(self, msg)
      end
    end,

    on_timer = function(self, tag)
      local S, D = self.state, self.durable
      if tag == "election" then
        S.election = nil
        if S.role == "leader" then return end
        D.term = D.term + 1
        set_vote(self, self.name)
        S.role, S.votes, S.leader = "candidate", { [self.name] = true }, nil
        reset_election(self)
        for _, p in ipairs(others(self)) do
          self:send(p, "RequestVote", { term = D.term, last_index = #D.log, last_term = last_term(self) })
        end
        if #self.params.peers == 1 then become_leader(self) end
      elseif tag == "heartbeat" and S.role == "leader" then
        for _, p in ipairs(others(self)) do send_append(self, p) end
        S.beat = self:timer(self.params.heartbeat, "heartbeat")
      end
    end,
  }
  return { server = server }
end

local reference = build(nil)
reference.build = build
return reference
