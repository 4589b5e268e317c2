-- Lab: Raft. Copy this file (e.g. to _my_raft.lua in this folder, where it
-- finds _chain.lua; keep the leading "_"), fill in the TODOs part by part,
-- and grade it:
--
--   build/faultsim check scenarios/labs/raft/grade.lua --set solution=_my_raft.lua --set min_availability=0
--
-- (README.md in this folder lists every test and its --set values.) Read
-- Figure 2 of the Raft paper (Ongaro & Ousterhout, "In Search of an
-- Understandable Consensus Algorithm", USENIX ATC 2014): it is the spec.
--
-- What the grader relies on (keep these):
--   * the file returns { server = model{...} }, with params peers = {} (it
--     gets every server's name, itself included: { "s1", "s2", "s3" }),
--     election_timeout = "150ms,300ms" (draw each timeout uniformly in that
--     range of milliseconds) and heartbeat = "50ms"
--   * votes travel as RequestVote and RequestVoteReply {term, granted = 1|0};
--     log entries only in AppendEntries messages (other fields are yours;
--     a message has at most 8 integer fields, so send one entry per
--     AppendEntries) answered by AppendEntriesReply
--   * clients send REQUEST {op, f, key, val}: f = 1 read key, f = 2 write
--     val to key (a key never written reads 0); op is the client's op id,
--     the same when it retries. The leader answers REPLY {op, val} (a read:
--     the value; a write: val) once the entry is applied; anyone else
--     answers NOT_LEADER {op, leader = position of the leader in peers, 0
--     if unknown}. Apply each op once, however often it was sent.
--   * the events (self:emit), which the grader checks against each other
--     and against the messages:
--       raft_leader   {term}                   you became leader of term
--       raft_append   {index, term, chain, op} an entry is now at index
--       raft_truncate {from}                   entries from.. were removed
--       raft_commit   {index}                  commitIndex rose to index
--       raft_apply    {index, term, chain, op} you applied that entry
--     op is the entry's client op id (0 for a no-op); chain is
--     chain(chain at index - 1, term, op) with chain() from _chain.lua (0 before
--     index 1). After a restart, emit raft_truncate {from = 1} and then
--     raft_append for every entry you recovered.
--
-- self.state is lost when a server crashes; self.durable survives. Which of
-- currentTerm, votedFor, log, commitIndex and the key-value map must
-- survive? (Figure 2 says; part C tests it.)

-- chain(prev, term, op): see _chain.lua (include it from your copy too).
local chain = include("_chain.lua")

local server = model {
  name = "raft.lab",
  params = { peers = {}, election_timeout = "150ms,300ms", heartbeat = "50ms" },

  init = function(self)
    -- TODO (A): start as a follower and arm the election timer:
    --   local lo, hi = self.params.election_timeout:match("^(%d+)ms,(%d+)ms$")
    --   self.state.election = self:timer(self:random(tonumber(lo), tonumber(hi)) / 1000, "election")
    -- TODO (C): after a restart, recover what self.durable kept and announce
    -- the log (raft_truncate {from = 1}, then raft_append per entry).
  end,

  on_message = function(self, msg)
    if msg.type == "RequestVote" then
      -- TODO (A): grant at most one vote per term, and only to a candidate
      -- whose log is at least as up to date as yours (§5.4.1).
    elseif msg.type == "RequestVoteReply" then
      -- TODO (A): with votes from a majority (yourself included), lead:
      -- emit raft_leader, send AppendEntries to everyone at once.
    elseif msg.type == "AppendEntries" then
      -- TODO (A): a leader of your term or newer: reset the election timer.
      -- TODO (B): the consistency check on the entry before, conflict
      -- truncation, append, commitIndex = min(leaderCommit, last new entry).
    elseif msg.type == "AppendEntriesReply" then
      -- TODO (B): move nextIndex / matchIndex; commit an entry of YOUR term
      -- once a majority holds it (§5.4.2), apply, answer the client.
    elseif msg.type == "REQUEST" then
      -- TODO (B): not the leader? NOT_LEADER. Otherwise append the command
      -- (unless that op is already in your log or applied) and replicate.
    end
    -- Every message: a higher term than yours makes you a follower of it.
  end,

  on_timer = function(self, tag)
    if tag == "election" then
      -- TODO (A): become a candidate of the next term, vote for yourself,
      -- ask the others, arm a new timer (split votes happen).
    end
    -- TODO (A): a leader sends AppendEntries every heartbeat.
  end,
}

return { server = server }
