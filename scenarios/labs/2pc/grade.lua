-- The 2PC lab's grader. It loads a solution (a file returning
-- { coordinator = model{...}, participant = model{...} }), runs it with a
-- coordinator, three participants and a client issuing transactions, injects
-- faults at random points, and checks:
--   atomicity    no transaction is decided commit by one node and abort by
--                another (participants and coordinator emit "decide")
--   termination  every participant that voted yes ("prepared") has decided
--                by the end, once faults are over
--   availability at least 60% of transactions commit (availability_min below)
--   votes_before_commit  judged on the wire, not on what the solution says
--                of itself: the coordinator tells no one "commit" (OUTCOME
--                or DECISION with commit = 1) before it has received a yes
--                VOTE for that transaction from every participant
-- `faultsim grade scenarios/labs/2pc SOLUTION.lua` runs the tests of
-- tests.lua, one per fault class (the `fault` parameter below).
--
--   build/faultsim check scenarios/labs/2pc/grade.lua     (the reference)
--   build/faultsim run scenarios/labs/2pc/grade.lua --set solution=my_2pc.lua --seed 7 --trace t.jsonl
scenario {
  name = "2pc_grade",
  description = "two-phase commit under crashes and message loss",
  duration = "14s",
  seeds = 50,
}

local p = params { solution = "_reference_2pc.lua", loss = 0.01, fault = "mixed", availability_min = 0.6 }
local solution = include(p.solution)
if type(solution) ~= "table" or not solution.coordinator or not solution.participant then
  error(p.solution .. " must return { coordinator = model{...}, participant = model{...} }")
end

-- The client: one transaction per operation; the coordinator answers
-- OUTCOME{txn, commit}. A commit is ok, an abort fail, no answer info.
local Client = model {
  name = "2pc.client",
  params = { coordinator = "coord" },
  init = function(self) self.state.open = {} end,
  on_invoke = function(self, op)
    self.state.open[op.id] = true
    self:send(self.params.coordinator, "BEGIN", { txn = op.id })
  end,
  on_message = function(self, msg)
    if msg.type == "OUTCOME" and self.state.open[msg.txn] then
      self.state.open[msg.txn] = nil
      self:complete(msg.txn, msg.commit == 1 and "ok" or "fail", msg.txn)
    end
  end,
}

local participants = { "p1", "p2", "p3" }
network { latency = "uniform:1ms,5ms", loss = p.loss }
node("coord", solution.coordinator, { participants = participants })
for _, name in ipairs(participants) do node(name, solution.participant, { coordinator = "coord" }) end
clients {
  count = 1, model = Client, prefix = "client",
  workload = { ops = { "txn" }, think = "30ms", timeout = "1s", stop = "9s" },
}

-- Faults, all drawn from one stream. `fault` picks the class a test grades:
--   mixed         the coordinator crashes at a random moment and restarts,
--                 one random participant crashes and restarts (the default)
--   none          no crashes (loss still applies)
--   coord_before  the coordinator crashes as it sends the PREPAREs of a
--                 transaction (before any decision on it)
--   coord_after   the coordinator crashes as it sends its first
--                 DECISION{commit = 1} of a transaction (decided; the other
--                 participants have not heard)
--   prepared      a participant crashes as it sends a yes VOTE (it is
--                 prepared and in doubt)
-- The three triggered classes arm their trigger at a random moment in
-- 1-8 s. All faults are over by 9.5 s; the last 4.5 s let every
-- transaction finish.
local r = rng("faults")
local coord_at, coord_down = r:random(1000, 8000), r:random(100, 1500)
if p.fault == "mixed" then
  at(coord_at / 1000, function() crash_restart("coord", coord_down / 1000) end)
  local victim = r:pick(participants)
  local victim_at, victim_down = r:random(1000, 8000), r:random(100, 1000)
  at(victim_at / 1000, function() crash_restart(victim, victim_down / 1000) end)
elseif p.fault == "coord_before" or p.fault == "coord_after" then
  local filter = p.fault == "coord_before" and { kind = "send", node = "coord", type = "PREPARE" }
    or { kind = "send", node = "coord", type = "DECISION", commit = 1 }
  at(coord_at / 1000, function()
    once(filter, function() crash_restart("coord", coord_down / 1000) end)
  end)
elseif p.fault == "prepared" then
  local victim = r:pick(participants)
  local victim_down = r:random(100, 1000)
  at(coord_at / 1000, function()
    once({ kind = "send", node = victim, type = "VOTE", yes = 1 }, function()
      crash_restart(victim, victim_down / 1000)
    end)
  end)
elseif p.fault ~= "none" then
  error("fault must be mixed, none, coord_before, coord_after or prepared, not " .. tostring(p.fault))
end

local function word(commit) return commit == 1 and "commit" or "abort" end

-- atomicity: checked at every "decide" event.
local first = {}     -- txn -> { node, commit, time } of its first decision
local decided = {}   -- node .. ":" .. txn -> true
invariant("atomicity", function(ev)
  local txn, commit = ev.msg.txn, ev.msg.commit
  if math.type(txn) ~= "integer" or (commit ~= 0 and commit ~= 1) then
    return false, ev.node .. " emitted decide without integer txn and commit = 0|1"
  end
  decided[ev.node .. ":" .. txn] = true
  local f = first[txn]
  if not f then
    first[txn] = { node = ev.node, commit = commit, time = ev.time }
    return true
  end
  if f.commit == commit then return true end
  return false, string.format("txn %d: %s decided %s at t=%.6fs but %s decided %s at t=%.6fs",
    txn, f.node, word(f.commit), f.time, ev.node, word(commit), ev.time)
end, { kind = "event", type = "decide" })

-- termination: every yes vote is followed by a decision at that participant.
-- A yes vote is what the participant emits ("prepared") or sends (VOTE with
-- yes = 1), so a solution cannot escape the check by staying silent.
local prepared = {}  -- list of { node, txn, time }
on({ kind = "event", type = "prepared" }, function(ev)
  prepared[#prepared + 1] = { node = ev.node, txn = ev.msg.txn, time = ev.time }
end)
on({ kind = "send", type = "VOTE", yes = 1 }, function(ev)
  if math.type(ev.msg.txn) == "integer" then
    prepared[#prepared + 1] = { node = ev.node, txn = ev.msg.txn, time = ev.time }
  end
end)

-- votes_before_commit: from the messages alone. Yes votes delivered to the
-- coordinator, by transaction; every "commit" it sends must follow one
-- from each participant.
local yes_votes = {} -- txn -> { participant = true }
on({ kind = "deliver", node = "coord", type = "VOTE", yes = 1 }, function(ev)
  local v = yes_votes[ev.msg.txn] or {}
  v[ev.peer] = true
  yes_votes[ev.msg.txn] = v
end)
local function commit_sent(ev)
  if ev.msg.commit ~= 1 then return true end
  local v = yes_votes[ev.msg.txn] or {}
  for _, name in ipairs(participants) do
    if not v[name] then
      return false, string.format("txn %s: coord sent %s commit to %s at t=%.6fs without a yes VOTE from %s",
        tostring(ev.msg.txn), ev.type, ev.peer, ev.time, name)
    end
  end
  return true
end
invariant("votes_before_commit", commit_sent, { kind = "send", node = "coord", type = "OUTCOME" })
invariant("votes_before_commit", commit_sent, { kind = "send", node = "coord", type = "DECISION" })
invariant("termination", function()
  for _, pr in ipairs(prepared) do
    if not decided[pr.node .. ":" .. pr.txn] then
      return false, string.format("txn %d: %s voted yes at t=%.6fs and never decided", pr.txn, pr.node, pr.time)
    end
  end
  return true
end)

at("13999ms", function()
  local n = 0
  for _ in pairs(first) do n = n + 1 end
  metric("transactions_decided", n)
  metric("coordinator_crash_s", coord_at / 1000)
end)

-- The reference solution's availability over seeds 1-1000: mean 0.84, lowest
-- 0.644 (seed 964); a solution that blocks or aborts needlessly falls below.
expect { invariants = { atomicity = 0, termination = 0, votes_before_commit = 0 }, availability_min = p.availability_min }
