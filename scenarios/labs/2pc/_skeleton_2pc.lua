-- Lab: two-phase commit. Copy this file (e.g. to _my_2pc.lua in this
-- folder), fill in the TODOs, and grade it:
--
--   build/faultsim grade scenarios/labs/2pc scenarios/labs/2pc/_my_2pc.lua
--
-- The grader runs a coordinator "coord", participants p1, p2, p3 and a
-- client, with one test per fault class (no faults, message loss, a
-- coordinator crash before or after its decision, a participant crash while
-- prepared, all together), and checks atomicity (no transaction commits
-- somewhere and aborts elsewhere), termination (every participant that
-- voted yes eventually decides), that the coordinator says "commit" only
-- after every participant's yes VOTE reached it, and that most
-- transactions commit. README.md in this folder lists the tests.
--
-- What the grader relies on (keep these):
--   * the file returns { coordinator = model{...}, participant = model{...} }
--   * the coordinator declares params participants = {} (it gets the list of
--     participant names); participants declare coordinator = "coord" and
--     vote_no = 0.02 (the chance of voting no; use self:random() < vote_no)
--   * the client sends BEGIN{txn} to the coordinator and waits for
--     OUTCOME{txn, commit = 1 | 0} back (to msg.src of the BEGIN)
--   * the coordinator asks with PREPARE{txn}, participants answer
--     VOTE{txn, yes = 1 | 0}, the coordinator announces DECISION{txn,
--     commit = 1 | 0} (the grader reads VOTE and DECISION on the wire)
--   * participants call self:emit("prepared", { txn = t }) when they vote
--     yes, and every node calls self:emit("decide", { txn = t, commit = 1 | 0 })
--     once when it decides
--
-- Everything else (other message names, timeouts, what you log) is yours.
-- Useful self methods: send, broadcast, timer, cancel, log, log_entries,
-- emit, random; self.state is lost on a crash, the log survives (README:
-- "Writing a model in Lua").

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
