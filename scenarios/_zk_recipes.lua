-- Shared pieces of the ZooKeeper recipe scenarios (zk_lock_gc_pause.lua,
-- zk_herd.lua, zk_election*.lua, zk_recipe_faults.lua). Returns a table:
--   ensemble(n)   adds n zk.server nodes z1..zN, peers of each other;
--                 returns their names joined by commas (the recipes'
--                 `servers` parameter)
local M = {}

M.server_model = "zk.server"

function M.ensemble(n)
  local names = {}
  for i = 1, n do names[i] = "z" .. i end
  local list = table.concat(names, ",")
  for i = 1, n do node(names[i], M.server_model, { peers = list }) end
  return list
end

return M
