-- A cheating "solution", kept so the grader is tested against it: the
-- coordinator answers every BEGIN with "committed" at once and tells every
-- node's story itself (it emits a commit decision), participants do
-- nothing. It never loses atomicity or termination by its own account, and
-- almost every transaction "commits". Before the grader judged the wire it
-- passed all 50 seeds; now votes_before_commit fails it on the first
-- transaction: the coordinator said commit without a single yes VOTE.
local coordinator = model {
  name = "2pc.coordinator",
  params = { participants = {}, vote_timeout = "500ms" },
  on_message = function(self, msg)
    if msg.type == "BEGIN" then
      self:emit("decide", { txn = msg.txn, commit = 1 })
      self:send(msg.src, "OUTCOME", { txn = msg.txn, commit = 1 })
    end
  end,
}

local participant = model {
  name = "2pc.participant",
  params = { coordinator = "coord", vote_no = 0.02, query_every = "200ms" },
  on_message = function() end,
}

return { coordinator = coordinator, participant = participant }
