-- Lab: two-phase commit. Copy this file (e.g. to my_2pc.lua in this folder),
-- fill in the TODOs, and grade it:
--
--   build/faultsim check scenarios/labs/2pc/grade.lua --set solution=my_2pc.lua
--
-- The grader runs a coordinator "coord", participants p1, p2, p3 and a
-- client over 50 seeds, with a coordinator crash, a participant crash and
-- 1% message loss at random points, and checks atomicity (no transaction
-- commits somewhere and aborts elsewhere), termination (every participant
-- that voted yes eventually decides) and that most transactions commit.
--
-- What the grader relies on (keep these):
--   * the file returns { coordinator = model{...}, participant = model{...} }
--   * the coordinator declares params participants = {} (it gets the list of
--     participant names); participants declare coordinator = "coord" and
--     vote_no = 0.02 (the chance of voting no; use self:random() < vote_no)
--   * the client sends BEGIN{txn} to the coordinator and waits for
--     OUTCOME{txn, commit = 1 | 0} back (to msg.src of the BEGIN)
--   * participants call self:emit("prepared", { txn = t }) when they vote
--     yes, and every node calls self:emit("decide", { txn = t, commit = 1 | 0 })
--     once when it decides
--
-- Everything else (message names, timeouts, what you log) is yours. Useful
-- self methods: send, broadcast, timer, cancel, log, log_entries, emit,
-- random; self.state is lost on a crash, the log survives (README: "Writing
-- a model in Lua").

local coordinator = model {
  name = "2pc.coordinator",
  params = { participants = {}, vote_timeout = "500ms" },

  -- Runs at the first start and, unless you write on_restart, after every
  -- restart, with self.state empty: rebuild what you need from the log.
  init = function(self)
    self.state.txns = {}
    -- TODO: read self:log_entries() and remember the decisions logged
    -- before a crash.
  end,

  on_message = function(self, msg)
    if msg.type == "BEGIN" then
      -- TODO: remember the client (msg.src), send PREPARE{txn} to every
      -- participant (self:broadcast(self.params.participants, ...)) and arm a
      -- timer so a missing vote cannot block the transaction forever.
    elseif msg.type == "VOTE" then
      -- TODO: a no vote means abort; when every participant voted yes,
      -- commit. Which write must be durable before anyone hears "commit"?
    end
    -- TODO: participants in doubt will ask what was decided. What do you
    -- answer for a transaction you have no record of after a restart?
  end,

  on_timer = function(self, tag)
    -- TODO: votes did not all arrive in time.
  end,
}

local participant = model {
  name = "2pc.participant",
  params = { coordinator = "coord", vote_no = 0.02, query_every = "200ms" },

  init = function(self)
    self.state.prepared = {}
    -- TODO: after a restart, find the transactions you voted yes on but
    -- never learned the outcome of (in the log), and ask the coordinator.
  end,

  on_message = function(self, msg)
    if msg.type == "PREPARE" then
      if self:random() < self.params.vote_no then
        -- TODO: vote no; you may abort right away.
      else
        -- TODO: vote yes. What must be in your log before the vote leaves?
        -- From now on you are in doubt: you may not decide alone.
      end
    elseif msg.type == "DECISION" then
      -- TODO: record the decision durably and emit "decide" (once).
    end
  end,

  on_timer = function(self, tag)
    -- TODO: still in doubt? Ask the coordinator again.
  end,
}

return { coordinator = coordinator, participant = participant }
