-- ReadIndex's first step (Ongaro's thesis, §6.4): a new leader may answer
-- reads only once it has committed an entry of its own term, because
-- until then its commitIndex can lag entries its predecessor committed.
-- Every step of the schedule waits for an event, so it plays out the same
-- at every seed:
--
--  1. S1 leads; `writer`'s first write is committed at S1 (by S1 and S2)
--     and S1 answers it, then crashes before any AppendEntries tells S2
--     the new commitIndex: S2 holds the entry, uncommitted as far as it
--     knows.
--  2. S2 is elected (S3 only votes; its timeout outlasts the run); its
--     outgoing link to S3 is cut for 1 ms, so its no-op never reaches S3
--     until the next heartbeat resends it, 50 ms later.
--  3. `reader`, which asks S2 only, reads key 0 every few ms. Its reads
--     reach S2 right after the election; S2's heartbeat round for them
--     is acknowledged by S3 at once (S3 accepts S2's term). Answering then
--     would return the value from before the committed write: stale. S2
--     waits for its no-op to commit (which commits the write too).
--
-- Promised: no stale read (a read invoked after the write completed that
-- returns an older value), the history is linearizable, and the reader
-- does get answers from S2 after the election.
scenario {
  name = "raft_readindex_new_leader",
  description = "ReadIndex waits for the new leader's first commit: no stale read after a leader change",
  duration = "1.5s",
  seeds = 3,
}

network { latency = "uniform:1ms,2ms", fifo = true }
local peers = "S1,S2,S3"
local timeouts = { S1 = "100ms,100ms", S2 = "150ms,150ms", S3 = "10s,11s" }
for _, name in ipairs { "S1", "S2", "S3" } do
  node(name, "raft", { peers = peers, election_timeout = timeouts[name], read = "readindex" })
end
node("writer", "kv.raft", { servers = "S1", retry_after = "1s", lincheck = true })
node("reader", "kv.raft", { servers = "S2", retry_after = "5ms", lincheck = true })
workload("writer", { ops = { "write" }, keys = 1, think = "1s", timeout = "2s", start = "500ms" })
workload("reader", { ops = { "read" }, keys = 1, think = "1ms", timeout = "20ms" })

local written_at, elected = nil, false
once({ kind = "send", node = "S1", type = "Reply" }, function()
  after("1us", function() crash("S1") end)
end)
once({ kind = "event", type = "raft_leader", node = "S2" }, function()
  elected = true
  cut("S2", "S3")
  after("1ms", function() heal() end)
end)

local stale, answered = 0, 0
local floor = {}
on("op", function(ev)
  local o = ev.op
  if ev.node == "writer" and o.type == "ok" then
    written_at = written_at or ev.time
  elseif ev.node == "reader" and o.type == "invoke" then
    floor[o.id] = written_at ~= nil
  elseif ev.node == "reader" and o.type == "ok" then
    if floor[o.id] and o.value == nil then stale = stale + 1 end
    if elected then answered = answered + 1 end
  end
end)
at("1.4s", function()
  metric("stale_reads", stale)
  metric("reads_from_new_leader", answered)
  metric("write_completed", written_at and 1 or 0)
  metric("new_leader", elected and 1 or 0)
end)

expect {
  invariants = { linearizable = 0 },
  metrics = { stale_reads = 0, write_completed = 1, new_leader = 1, reads_from_new_leader = { min = 10 },
              raft_lincheck = 1 },
}
