-- A plausible student solution with one bug, kept to show what the grader
-- finds. It is the reference (_reference_2pc.lua) except for the
-- participant's timer: a participant in doubt that has waited three query
-- periods without a decision "knows" it voted yes and commits on its own.
-- But the coordinator may have aborted (a vote was no or lost, or it crashed
-- before deciding) and its DECISION may be lost: a participant in doubt must
-- wait. The bug needs two unlucky events, so it shows in few seeds: the
-- grader finds seed 5 (txn 64: the coordinator aborted on a lost vote, its
-- DECISION to p2 was lost, p2 committed).
--
--   build/faultsim run scenarios/labs/2pc/grade.lua --set solution=_wrong_decide_alone.lua --seed N
local function coordinator_recover(self)
  local s = self.state
  s.txns = {}    -- txn -> { client = name, yes = count, voted = { name = true } }
  s.decided = {} -- txn -> 1 (commit) | 0 (abort)
  for _, rec in ipairs(self:log_entries()) do
    if rec.type == "COMMIT" then s.decided[rec.txn] = 1 end
  end
end

local function coordinator_decide(self, txn, commit)
  local s = self.state
  if commit == 1 then
    self:log({ type = "COMMIT", txn = txn }, true) -- durable before anyone hears of it
  end
  s.decided[txn] = commit
  self:emit("decide", { txn = txn, commit = commit })
  self:broadcast(self.params.participants, "DECISION", { txn = txn, commit = commit })
  local t = s.txns[txn]
  if t then
    self:send(t.client, "OUTCOME", { txn = txn, commit = commit })
    s.txns[txn] = nil
  end
end

local coordinator = model {
  name = "2pc.coordinator",
  params = { participants = {}, vote_timeout = "500ms" },
  init = coordinator_recover, -- also on restart (on_restart defaults to init)
  on_message = function(self, msg)
    local s = self.state
    if msg.type == "BEGIN" then
      if s.txns[msg.txn] or s.decided[msg.txn] ~= nil then return end
      s.txns[msg.txn] = { client = msg.src, yes = 0, voted = {} }
      self:broadcast(self.params.participants, "PREPARE", { txn = msg.txn })
      self:timer(self.params.vote_timeout, { txn = msg.txn })
    elseif msg.type == "VOTE" then
      local t = s.txns[msg.txn]
      if not t then return end -- decided already, or from before a crash
      if msg.yes == 0 then
        coordinator_decide(self, msg.txn, 0)
      elseif not t.voted[msg.src] then
        t.voted[msg.src] = true
        t.yes = t.yes + 1
        if t.yes == #self.params.participants then coordinator_decide(self, msg.txn, 1) end
      end
    elseif msg.type == "QUERY" then
      local d = s.decided[msg.txn]
      if d == nil then
        if s.txns[msg.txn] then return end -- still voting: the timeout will decide
        d = 0 -- unknown here: presumed abort (a commit would be in the log)
        s.decided[msg.txn] = 0
        self:emit("decide", { txn = msg.txn, commit = 0 })
      end
      self:send(msg.src, "DECISION", { txn = msg.txn, commit = d })
    end
  end,
  on_timer = function(self, tag)
    if self.state.txns[tag.txn] then coordinator_decide(self, tag.txn, 0) end
  end,
}

local function participant_decide(self, txn, commit)
  local s = self.state
  if s.decided[txn] ~= nil then return end
  self:log({ type = "DECIDED", txn = txn, commit = commit }, true)
  s.decided[txn] = commit
  s.prepared[txn] = nil
  self:emit("decide", { txn = txn, commit = commit })
end

local function participant_query(self, txn)
  self:send(self.params.coordinator, "QUERY", { txn = txn })
  self:timer(self.params.query_every, { txn = txn })
end

local participant = model {
  name = "2pc.participant",
  params = { coordinator = "coord", vote_no = 0.02, query_every = "200ms" },
  init = function(self)
    local s = self.state
    s.prepared = {} -- txn -> true while in doubt
    s.decided = {}  -- txn -> 1 | 0
    for _, rec in ipairs(self:log_entries()) do
      if rec.type == "PREPARED" then
        s.prepared[rec.txn] = true
      elseif rec.type == "DECIDED" then
        s.decided[rec.txn] = rec.commit
        s.prepared[rec.txn] = nil
      end
    end
    -- In doubt after a restart: ask at once.
    for txn in pairs(s.prepared) do participant_query(self, txn) end
  end,
  on_message = function(self, msg)
    local s = self.state
    if msg.type == "PREPARE" then
      local d = s.decided[msg.txn]
      if d ~= nil then
        self:send(msg.src, "VOTE", { txn = msg.txn, yes = d })
      elseif s.prepared[msg.txn] then
        self:send(msg.src, "VOTE", { txn = msg.txn, yes = 1 })
      elseif self:random() < self.params.vote_no then
        participant_decide(self, msg.txn, 0) -- a no vote aborts here and now
        self:send(msg.src, "VOTE", { txn = msg.txn, yes = 0 })
      else
        self:log({ type = "PREPARED", txn = msg.txn }, true) -- before voting yes
        s.prepared[msg.txn] = true
        self:emit("prepared", { txn = msg.txn })
        self:send(msg.src, "VOTE", { txn = msg.txn, yes = 1 })
        self:timer(self.params.query_every, { txn = msg.txn })
      end
    elseif msg.type == "DECISION" then
      participant_decide(self, msg.txn, msg.commit)
    end
  end,
  on_timer = function(self, tag)
    local s = self.state
    if not s.prepared[tag.txn] then return end
    s.asked = s.asked or {}
    s.asked[tag.txn] = (s.asked[tag.txn] or 0) + 1
    if s.asked[tag.txn] >= 3 then
      -- "I voted yes and the coordinator is slow: it must have committed."
      participant_decide(self, tag.txn, 1)
      return
    end
    participant_query(self, tag.txn)
  end,
}

return { coordinator = coordinator, participant = participant }
