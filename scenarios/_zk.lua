-- Shared pieces of the ZooKeeper service scenarios (zk_faults.lua,
-- zk_snapshot.lua). Returns a table:
--   sessions(list)   three zk.client sessions on the zk.server nodes of
--                    `list` (sync + getData, setData on two znodes,
--                    checked by lincheck) and three zk.probe sessions
--                    (every request and watch path; ZooKeeper's
--                    guarantees as invariants)
--   invariants       those invariants, each expected 0, for expect{}
local M = {}

function M.sessions(list)
  clients {
    count = 3, model = "zk.client",
    params = { servers = list, session_timeout = "1s", sync_reads = true, lincheck = true },
    workload = { ops = { read = 1, write = 1 }, keys = 2, think = "10ms", timeout = "1s", stop = "5.5s" },
  }
  for i = 1, 3 do
    node("probe" .. i, "zk.probe", { servers = list, session_timeout = "1s", period = "100ms" })
  end
end

M.invariants = {
  linearizable = 0, raft_apply_agree = 0, zk_results_ordered = 0, zk_watch_once = 0,
  zk_watch_first = 0, zk_watch_fresh = 0, zk_exactly_once = 0, zk_ephemeral = 0, zk_sequential = 0,
}

return M
