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

return M
