-- Shared pieces of the libraft_* scenarios (issue 19: the Raft library
-- Debian ships, libraft 0.15.0, run unmodified on simulated nodes:
-- models/libraft/, docs/libraft.md). Returns a table:
--   cluster(p)   p.impl = "libraft" (libraft.server + libraft.client) or
--                "raft" (faultsim's own raft + kv.raft, for comparison);
--                p.n servers s1..sN (default 3) with election timeouts in
--                [150 ms, 300 ms] and 50 ms heartbeats, two clients
--                (read/write/cas on two keys, 5 ms think, 1 s timeout,
--                lincheck), links uniform:1ms,10ms (p.latency) with
--                p.loss and p.duplicate (p.clients = false: none);
--                p.libraft: more parameters of
--                the libraft servers (disk_latency, prevote, ...); faultsim's Raft checker and
--                raft_apply_agree watch the servers. Tracks the leader.
--   leader()     the leader of the highest term announced so far, or nil
--   follower()   a server that is up and not that leader
--   measure_failover(t [, trials [, settle]]) at time t crash the leader,
--                sample failover_ms (until a raft_leader of a later term)
--                and restart it then; `trials` times, each after the
--                cluster had a leader for `settle` (default 1 s) and a
--                random part of a heartbeat
--   SAFE         the invariants every scenario expects at 0
local M = {}
local raft = include("_raft.lua")

local leader, leader_term = nil, 0

function M.cluster(p)
  network { latency = p.latency or "uniform:1ms,10ms", loss = p.loss or 0, duplicate = p.duplicate or 0 }
  local server, client = "libraft.server", "libraft.client"
  if p.impl == "raft" then
    server, client = "raft", "kv.raft"
  elseif p.impl ~= "libraft" then
    error("impl must be \"libraft\" or \"raft\", not \"" .. tostring(p.impl) .. "\"")
  end
  M.servers = raft.names(p.n or 3)
  for _, name in ipairs(M.servers) do
    local sp = { peers = raft.list(M.servers), election_timeout = "150ms,300ms", heartbeat = "50ms" }
    if server == "libraft.server" then
      for k, v in pairs(p.libraft or {}) do sp[k] = v end
    end
    node(name, server, sp)
  end
  if p.clients ~= false then clients {
    count = 2, model = client,
    params = { servers = raft.list(M.servers), lincheck = true },
    workload = { ops = { read = 1, write = 1, cas = 1 }, keys = 2, think = "5ms", timeout = "1s", stop = p.stop },
  } end
  on({ kind = "event", type = "raft_leader" }, function(ev)
    if ev.msg.term > leader_term then leader, leader_term = ev.node, ev.msg.term end
  end)
  raft.check_apply()
  return M.servers
end

function M.leader() return leader end

function M.follower()
  for _, s in ipairs(M.servers) do
    if s ~= leader and state(s) == "up" then return s end
  end
  return nil
end

function M.measure_failover(t, trials, settle)
  local phase = rng("failover_phase")
  timeline(function()
    sleep(t)
    for i = 1, trials or 1 do
      if i > 1 then
        while leader == nil or state(leader) ~= "up" do sleep("50ms") end
        sleep(settle or "1s")
        sleep(phase:random() * 0.05) -- a uniform part of the 50 ms heartbeat
      end
      local victim, old_term = leader, leader_term
      if victim == nil then error("no leader at " .. tostring(now())) end
      crash(victim)
      local t0 = now()
      wait_for({ kind = "event", type = "raft_leader", where = function(e) return e.msg.term > old_term end })
      local ms = (now() - t0) * 1000
      sample("failover_ms", ms)
      M.failover_max_ms = math.max(M.failover_max_ms or 0, ms)
      restart(victim)
    end
    if M.stop_after_failovers then stop() end
  end)
end

M.SAFE = { linearizable = 0, raft_apply_agree = 0, election_safety = 0, log_matching = 0,
           leader_completeness = 0, state_machine_safety = 0 }

return M
