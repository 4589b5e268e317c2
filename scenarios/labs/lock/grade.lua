-- The lock lab's grader. It loads a solution (a file returning
-- { server = model{...}, client = model{...} }), runs a lock server "lock",
-- three clients and the grader's own storage "store", and checks what the
-- system did on the wire, never what the solution says of itself:
--   mutual_exclusion  the server never GRANTs the lock to a client while
--                     another client's grant is still valid: sent less than
--                     `lease_ms` ago and not RELEASEd (with its token) to
--                     the server
--   fencing_tokens    every new grant carries a larger token than every
--                     grant before it, across server crashes
--   write_token       a WRITE reaching the store carries a token the server
--                     granted to the writer
--   told_ok           a client completes an operation "ok" only after the
--                     store accepted that operation's WRITE
-- and that enough operations succeed (availability_min). The store is the
-- fencing side: it rejects a write whose token is below the largest it has
-- accepted (Kleppmann, "How to do distributed locking", 2016).
--
--   build/faultsim grade scenarios/labs/lock SOLUTION.lua   (tests.lua)
--   build/faultsim run scenarios/labs/lock/grade.lua --set solution=_my_lock.lua --set fault=pause --seed 3
scenario {
  name = "lock_grade",
  description = "a lock service with leases and fencing tokens, under crashes, pauses, loss and duplication",
  duration = "10s",
  seeds = 10,
}

local p = params { solution = "_reference_lock.lua", fault = "none", loss = 0.0, duplicate = 0.0, lease_ms = 300,
                   availability_min = 0.7 }
local solution = include(p.solution)
if type(solution) ~= "table" or not solution.server or not solution.client then
  error(p.solution .. " must return { server = model{...}, client = model{...} }")
end

-- The protected storage: accepts WRITE{token, value} when token is at least
-- the largest accepted so far, answers WRITE_REPLY{value, ok = 1 | 0}.
local Store = model {
  name = "lock_lab.store",
  init = function(self) self.state.max_token = 0 end,
  on_message = function(self, msg)
    if msg.type ~= "WRITE" then return end
    local ok = math.type(msg.token) == "integer" and msg.token >= self.state.max_token
    if ok then
      self.state.max_token = msg.token
    else
      metric_add("stale_writes_rejected")
    end
    self:send(msg.src, "WRITE_REPLY", { value = msg.value, ok = ok and 1 or 0 })
  end,
}

network { latency = "uniform:1ms,5ms", loss = p.loss, duplicate = p.duplicate }
node("store", Store)
node("lock", solution.server, { lease_ms = p.lease_ms })
local clients_list = { "client1", "client2", "client3" }
clients {
  count = 3, model = solution.client, prefix = "client",
  params = { server = "lock", store = "store", lease_ms = p.lease_ms },
  workload = { ops = { "write" }, think = "20ms", timeout = "1s", stop = "9s" },
}

-- Faults, from one stream: `fault` picks the class a test grades.
--   none    no crashes or pauses (loss and duplicate still apply)
--   crash   three times, a client crashes as its GRANT arrives (it holds
--           the lock) and restarts 500 ms later: its lease must expire
--   pause   three times, a client freezes as its GRANT arrives (a GC
--           pause) for two leases, then goes on with its write and release
--   restart the lock server crashes twice and restarts after 100-500 ms
local r = rng("faults")
local lease = p.lease_ms / 1000
for i = 1, 3 do
  local when, victim = r:random(500, 8000) / 1000, r:pick(clients_list)
  if p.fault == "crash" then
    at(when, function()
      once({ kind = "deliver", node = victim, type = "GRANT" }, function() crash_restart(victim, "500ms") end)
    end)
  elseif p.fault == "pause" then
    at(when, function()
      once({ kind = "deliver", node = victim, type = "GRANT" }, function() pause(victim, 2 * lease) end)
    end)
  elseif p.fault == "restart" and i <= 2 then
    local down = r:random(100, 500) / 1000
    at(when, function() crash_restart("lock", down) end)
  elseif p.fault ~= "none" and p.fault ~= "crash" and p.fault ~= "pause" and p.fault ~= "restart" then
    error("fault must be none, crash, pause or restart, not " .. tostring(p.fault))
  end
end

-- What the wire shows. Grants by token: { client, from, to } where `to` is
-- when the grant stops being valid (lease end, or the holder's RELEASE
-- with that token reaching the server).
local grants = {}      -- token -> grant
local max_token = nil
local function active_other(client, t)
  for token, g in pairs(grants) do
    if g.client ~= client and g.to > t then return token, g end
  end
end

invariant("fencing_tokens", function(ev)
  local token = ev.msg.token
  if math.type(token) ~= "integer" then
    return false, string.format("lock sent GRANT to %s at t=%.6fs without an integer token", ev.peer, ev.time)
  end
  local g = grants[token]
  if g and g.client == ev.peer then return true end -- the same grant sent again
  if g then
    return false, string.format("lock granted token %d to %s at t=%.6fs, and before to %s at t=%.6fs",
      token, ev.peer, ev.time, g.client, g.from)
  end
  if max_token and token <= max_token then
    return false, string.format("lock granted token %d to %s at t=%.6fs after it had granted token %d",
      token, ev.peer, ev.time, max_token)
  end
  return true
end, { kind = "send", node = "lock", type = "GRANT" })

invariant("mutual_exclusion", function(ev)
  local token = ev.msg.token
  if math.type(token) ~= "integer" then return true end
  local g = grants[token]
  if g and g.client == ev.peer then return true end
  local other, og = active_other(ev.peer, ev.t_ns / 1e9)
  local ok, why = true, nil
  if other then
    ok = false
    why = string.format("lock granted %s the lock (token %d) at t=%.6fs while %s still held token %d (granted t=%.6fs, lease until t=%.6fs, not released)",
      ev.peer, token, ev.time, og.client, other, og.from, og.from + lease)
  end
  if not g then
    grants[token] = { client = ev.peer, from = ev.time, to = ev.time + lease }
    if not max_token or token > max_token then max_token = token end
  end
  return ok, why
end, { kind = "send", node = "lock", type = "GRANT" })

on({ kind = "deliver", node = "lock", type = "RELEASE" }, function(ev)
  local g = grants[ev.msg.token]
  if g and g.client == ev.peer and ev.time < g.to then g.to = ev.time end
end)

local accepted = {}    -- client .. ":" .. value -> true once the store accepted it
on({ kind = "send", node = "store", type = "WRITE_REPLY", ok = 1 }, function(ev)
  accepted[ev.peer .. ":" .. tostring(ev.msg.value)] = true
end)

invariant("write_token", function(ev)
  local g = grants[ev.msg.token]
  if g and g.client == ev.peer then return true end
  return false, string.format("%s wrote to the store at t=%.6fs with token %s, which the lock never granted it",
    ev.peer, ev.time, tostring(ev.msg.token))
end, { kind = "deliver", node = "store", type = "WRITE" })

invariant("told_ok", function(ev)
  if ev.op.type ~= "ok" then return true end
  if accepted[ev.node .. ":" .. tostring(ev.op.id)] then return true end
  return false, string.format("%s told its user op %d succeeded at t=%.6fs, but the store never accepted a WRITE with value %d from it",
    ev.node, ev.op.id, ev.time, ev.op.id)
end, { kind = "op" })

expect {
  invariants = { mutual_exclusion = 0, fencing_tokens = 0, write_token = 0, told_ok = 0 },
  availability_min = p.availability_min,
}
