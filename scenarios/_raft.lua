-- Shared pieces of the Raft scenarios (raft_basic.lua, raft_faults.lua).
-- Returns a table:
--   names(n)                   { "s1", ..., "sN" }
--   servers(names, model, params)  adds the servers `names` running `model`
--                              (e.g. "raft"), each with `params` plus
--                              peers = all of them; returns the names
--   list(names)                the names joined by commas
--   check_apply()              declares invariant `raft_apply_agree`: every
--                              raft_apply at an index carries the chain the
--                              first one there did (no two servers apply
--                              different logs up to that index: Figure 3's
--                              state-machine safety); counts the distinct
--                              indices applied in metric raft_applied_indices
--   lag_follower(servers, t, down)  at time t a follower (not the leader of
--                              the highest term seen) crashes for `down`;
--                              counts InstallSnapshot chunks delivered to it
--                              (metric lagging_chunks) and restarts that
--                              recovered a snapshot (recovered_from_snapshot)
local M = {}

function M.list(names) return table.concat(names, ",") end

function M.names(n)
  local names = {}
  for i = 1, n do names[i] = "s" .. i end
  return names
end

function M.servers(names, model, params)
  for i = 1, #names do
    local p = { peers = M.list(names) }
    for _, k in ipairs({ "election_timeout", "heartbeat", "prevote", "check_quorum", "max_batch", "read", "clock_drift", "snapshot_every" }) do
      if params and params[k] ~= nil then p[k] = params[k] end
    end
    node(names[i], model, p)
  end
  return names
end

function M.check_apply()
  local applied = {} -- index → chain of the first raft_apply there
  invariant("raft_apply_agree", function() return true end)
  on({ kind = "event", type = "raft_apply" }, function(ev)
    local i, c = ev.msg.index, ev.msg.chain
    if applied[i] == nil then
      applied[i] = c
      metric_add("raft_applied_indices")
    elseif applied[i] ~= c then
      violation("raft_apply_agree", string.format("%s applied chain %d at index %d, another server %d",
        ev.node, c, i, applied[i]))
    end
  end)
end


function M.lag_follower(servers, t, down)
  -- The leader of the highest term seen: the follower to take down is
  -- another server.
  local leader, leader_term = nil, 0
  on({ kind = "event", type = "raft_leader" }, function(ev)
    if ev.msg.term > leader_term then leader, leader_term = ev.node, ev.msg.term end
  end)

  local lagging = nil
  at(t, function()
    for _, s in ipairs(servers) do
      if s ~= leader and state(s) == "up" then lagging = s break end
    end
    crash_restart(lagging, down)
  end)

  on({ kind = "deliver", type = "InstallSnapshot" }, function(ev)
    if ev.node == lagging then metric_add("lagging_chunks") end
  end)

  -- A restart emits raft_truncate {from = 1}, then raft_snapshot at the
  -- same instant when it recovered one.
  local restarted_at = {}
  on({ kind = "event", type = "raft_truncate" }, function(ev)
    if ev.msg.from == 1 then restarted_at[ev.node] = ev.t_ns end
  end)
  on({ kind = "event", type = "raft_snapshot" }, function(ev)
    if restarted_at[ev.node] == ev.t_ns then metric_add("recovered_from_snapshot") end
  end)
end

return M
