-- The Raft lab's grader. It loads a solution (a file returning
-- { server = model{...} }), runs `n` servers s1..sN and three clients of its
-- own (reads and writes of keys 0-1 through the leader, following
-- NOT_LEADER hints, retrying the same op id elsewhere on silence), with the
-- fault named by `fault` or the schedule named by `schedule`, and checks:
--   the four safety properties of the Raft paper's Figure 3 and four checks
--     of the servers' events against the wire (_raft_check.lua)
--   linearizable   the clients' history, one register per key starting at
--                  0 (../abd/_lincheck.lua)
--   leader_elected a leader is announced within `elect_within` of the start
--                  and of every disruption the fault or schedule causes
--   availability   at least `min_availability` of the operations ok
--
--   build/faultsim check scenarios/labs/raft/grade.lua --set fault=loss
--   build/faultsim run scenarios/labs/raft/grade.lua --set solution=_my_raft.lua --set schedule=figure8 --seed 2
scenario {
  name = "raft_grade",
  description = "a Raft key-value store under elections, faults and restarts",
  duration = "5s",
  seeds = 10,
}

local p = params {
  solution = "_reference_raft.lua", n = 3, fault = "none", schedule = "none",
  min_availability = 0.8, elect_within = "1s",
}
local solution = include(p.solution)
if type(solution) ~= "table" or not solution.server then
  error(p.solution .. " must return { server = model{...} }")
end

local S = {}
for i = 1, p.n do S[i] = "s" .. i end
local timeouts = {}  -- server -> election_timeout parameter
local schedules = { none = true, leader_crash = true, leader_partition = true, restart_all = true,
                    volatile_vote = true, figure8 = true }
assert(schedules[p.schedule], "schedule must be none, leader_crash, leader_partition, restart_all, volatile_vote or figure8")

-- The client: sends each op to the server it believes leads, follows a
-- NOT_LEADER {op, leader = index in `servers`, 0 unknown} hint at once,
-- and after `retry` of silence tries the next server with the same op id.
local Client = model {
  name = "raft.lab.client",
  params = { servers = {}, retry = "100ms", give_up = 20 },
  ops = { "read", "write" },
  init = function(self) self.state.ops, self.state.guess = {}, 1 end,
  on_invoke = function(self, op)
    local o = { op = op, tries = 0, redirects = 0 }
    self.state.ops[op.id] = o
    self:send(self.params.servers[self.state.guess], "REQUEST",
      { op = op.id, f = op.f == "read" and 1 or 2, key = op.key, val = op.value })
    self:timer(self.params.retry, op.id)
  end,
  on_message = function(self, msg)
    local o = self.state.ops[msg.op]
    if not o then return end
    if msg.type == "REPLY" then
      self.state.ops[msg.op] = nil
      self:complete(msg.op, "ok", o.op.f == "read" and msg.val or o.op.value)
    elseif msg.type == "NOT_LEADER" and msg.leader and msg.leader > 0 and msg.leader <= #self.params.servers
        and msg.leader ~= self.state.guess and o.redirects < 3 then
      o.redirects = o.redirects + 1
      self.state.guess = msg.leader
      self:send(self.params.servers[msg.leader], "REQUEST",
        { op = o.op.id, f = o.op.f == "read" and 1 or 2, key = o.op.key, val = o.op.value })
    end
  end,
  on_timer = function(self, id)
    local o = self.state.ops[id]
    if not o then return end
    o.tries, o.redirects = o.tries + 1, 0
    if o.tries > self.params.give_up then self.state.ops[id] = nil return end
    self.state.guess = self.state.guess % #self.params.servers + 1
    self:send(self.params.servers[self.state.guess], "REQUEST",
      { op = o.op.id, f = o.op.f == "read" and 1 or 2, key = o.op.key, val = o.op.value })
    self:timer(self.params.retry, id)
  end,
}

local check = include("_raft_check.lua").install(S)

-- Liveness: a leader announced in [t, t + elect_within] for every t in
-- `disruptions` (the start, and the moments the fault or schedule acts).
local disruptions = { 0 }
local leader_times = {}
on({ kind = "event", type = "raft_leader" }, function(ev) leader_times[#leader_times + 1] = ev.time end)

local function servers(params_of)
  for _, s in ipairs(S) do
    local sp = { peers = S }
    if params_of then for k, v in pairs(params_of(s)) do sp[k] = v end end
    node(s, solution.server, sp)
  end
end
local function clients_from(start)
  local list = clients {
    count = 3, model = Client, prefix = "client", params = { servers = S },
    workload = { ops = { read = 1, write = 1 }, keys = 2, think = "10ms", timeout = "1s", start = start, stop = "4.5s" },
  }
  return list
end

local client_names
if p.schedule == "volatile_vote" then
  -- Why votedFor is durable (Figure 2). s1 times out first and asks for votes
  -- in term 1; only s3's grant reaches it; s3 crashes and restarts at once
  -- and s1's later messages reach nobody. s2 times out and asks in term 1
  -- too: s3 must refuse, it already voted in term 1.
  assert(p.n == 3, "schedule volatile_vote needs n = 3")
  network { latency = "uniform:1ms,5ms" }
  local t = { s1 = "100ms,100ms", s2 = "300ms,300ms", s3 = "5000ms,5000ms" }
  servers(function(s) return { election_timeout = t[s] } end)
  once({ kind = "send", type = "RequestVote", node = "s1" }, function() cut("s1", "s2") end)
  once({ kind = "deliver", type = "RequestVoteReply", node = "s1", peer = "s3" }, function()
    cut("s1", "s3")
    crash_restart("s3", "5ms")
  end)
  local s1_led, s3_restarted = false, false
  on({ kind = "event", type = "raft_leader", node = "s1" }, function(ev) s1_led = s1_led or ev.msg.term == 1 end)
  on("restart", function(ev) if ev.node == "s3" then s3_restarted = true end end)
  invariant("schedule_played", function()
    return s1_led and s3_restarted, "the schedule did not play: s1 led term 1: " .. tostring(s1_led)
      .. ", s3 restarted: " .. tostring(s3_restarted)
  end)
  client_names = {}
elseif p.schedule == "figure8" then
  include("_figure8.lua").play(S, servers, Client)
  client_names = { "client1" }
else
  local f = p.fault
  include("../../_kv_faults.lua").network(f, S)
  servers()
  client_names = clients_from("300ms")
  local function current_leader()
    local who = check.leader()
    return who
  end
  if p.schedule == "leader_crash" then
    at("1.5s", function()
      local l = current_leader()
      if l then crash_restart(l, "1s") end
    end)
    disruptions[#disruptions + 1] = 1.5
  elseif p.schedule == "leader_partition" then
    at("1.5s", function()
      local l = current_leader()
      if not l then return end
      local rest = {}
      for _, s in ipairs(S) do if s ~= l then rest[#rest + 1] = s end end
      partition({ l }, rest)
    end)
    at("2.5s", function() heal() end)
    disruptions[#disruptions + 1] = 1.5
  elseif p.schedule == "restart_all" then
    at("2s", function() for _, s in ipairs(S) do crash(s) end end)
    at("2.3s", function() for _, s in ipairs(S) do restart(s) end end)
    disruptions[#disruptions + 1] = 2.3
  end
end

if #client_names == 0 then
  -- No workload: a schedule of elections only.
else
  local lin = include("../abd/_lincheck.lua").new()
  local is_client = {}
  for _, c in ipairs(client_names) do is_client[c] = true end
  on("op", function(ev) if is_client[ev.node] then lin.observe(ev) end end)
  invariant("linearizable", function() return lin.verdict() end)
end

local within = p.elect_within
local within_s = tonumber(within:match("^([%d.]+)s$")) or tonumber(within:match("^([%d.]+)ms$")) / 1000
invariant("leader_elected", function()
  if p.schedule == "volatile_vote" or p.schedule == "figure8" then return true end
  for _, t in ipairs(disruptions) do
    local ok = false
    for _, lt in ipairs(leader_times) do
      if lt >= t and lt <= t + within_s then ok = true break end
    end
    if not ok then
      return false, string.format("no server announced leadership (raft_leader) within %s after t=%.3fs", within, t)
    end
  end
  return true
end)

local safety = { election_safety = 0, log_matching = 0, leader_completeness = 0, state_machine_safety = 0,
                 votes = 0, replication = 0, commit_majority = 0, replies = 0, leader_elected = 0 }
if #client_names > 0 then safety.linearizable = 0 end
local e = { invariants = safety }
if p.schedule == "none" or p.schedule == "restart_all" or p.schedule == "leader_crash"
    or p.schedule == "leader_partition" then
  e.availability_min = p.min_availability
end
if p.schedule == "figure8" then e.invariants.figure8_played = 0 end
if p.schedule == "volatile_vote" then e.invariants.schedule_played = 0 end
expect(e)
