-- The Raft paper's Figure 8 (§5.4.2) for the lab's grader: five servers
-- s1..s5 of the solution, s2, s3 and s4 only voting (their timeouts outlast
-- the run), one client of the grader's writing, and the schedule of
-- scenarios/_raft_figure8.lua, the same story scenarios/raft_figure8.lua
-- plays on faultsim's C Raft (it declares invariant `figure8_played`). A
-- solution that commits an entry of an earlier term by counting replicas
-- loses a committed entry: leader_completeness when s5 is elected in term
-- 4, state_machine_safety when it applies.
--   play(S, servers, client_model)  S = { "s1", ..., "s5" }; servers(f)
--   adds the servers with the parameters f(name) returns
local M = {}

function M.play(S, servers, client_model)
  assert(#S == 5, "schedule figure8 needs n = 5")
  network { latency = "uniform:1ms,5ms" }
  servers(function(s)
    local voter = s == "s2" or s == "s3" or s == "s4"
    return { election_timeout = voter and "60000ms,61000ms" or "150ms,300ms" }
  end)
  clients {
    count = 1, model = client_model, prefix = "client", params = { servers = S, retry = "50ms" },
    workload = { ops = { "write" }, keys = 1, think = "20ms", timeout = "2s" },
  }
  include("../../_raft_figure8.lua").play(S)
end

return M
