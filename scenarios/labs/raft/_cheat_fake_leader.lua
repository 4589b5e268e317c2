-- A cheating solution for the Raft lab: s1 declares itself leader of term 1
-- and answers every client from its own map at once; the others point
-- clients at s1. Nothing is replicated, no vote is asked for, no entry is
-- appended or applied. A single copy is linearizable, so the history alone
-- would pass; the grader judges the wire and the events and fails it with
-- `replies` (an answer with no applied entry behind it) and `votes` (a
-- leader no majority voted for).
local server = model {
  name = "raft.lab",
  params = { peers = {}, election_timeout = "150ms,300ms", heartbeat = "50ms" },
  init = function(self)
    self.state.kv = {}
    if self.name == self.params.peers[1] then self:emit("raft_leader", { term = 1 }) end
  end,
  on_message = function(self, msg)
    if msg.type ~= "REQUEST" then return end
    if self.name ~= self.params.peers[1] then
      self:send(msg.src, "NOT_LEADER", { op = msg.op, leader = 1 })
    elseif msg.f == 2 then
      self.state.kv[msg.key] = msg.val
      self:send(msg.src, "REPLY", { op = msg.op, val = msg.val })
    else
      self:send(msg.src, "REPLY", { op = msg.op, val = self.state.kv[msg.key] or 0 })
    end
  end,
}
return { server = server }
