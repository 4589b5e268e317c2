-- The Raft paper's Figure 8 (§5.4.2) as a schedule for the lab's grader,
-- the same story as scenarios/raft_figure8.lua plays on faultsim's C Raft:
-- why a leader must not count replicas to commit an entry of an earlier
-- term. Five servers s1..s5; every step waits for a protocol event or a
-- delivery, so it plays out the same at every seed:
--  (a) s1 leads term 1; its entry at index 2 reaches s2 only (s3, s4, s5
--      are partitioned away); s1 crashes.
--  (b) s5 is elected by s3 and s4 (term 2); its no-op stays on s5 (its
--      links out are cut); s5 crashes.
--  (c) s1 restarts and is elected by s2 and s3 (term 3); it sends s3 its
--      old entry at index 2 and no more: index 2 is on a majority, its own
--      no-op at index 3 is not. Once s3 and s2 acknowledged, s1 crashes.
--  (d) s5 restarts, is elected by s3 and s4 (term 4) and overwrites index 2.
-- A solution that committed index 2 in (c) by counting s1, s2, s3 loses a
-- committed entry in (d): leader_completeness when s5 is elected,
-- state_machine_safety when it applies. play() declares invariant
-- `figure8_played`: the whole schedule ran with terms 1, 2, 3, 4.
local M = {}

function M.play(S, servers, client_model)
  assert(#S == 5, "schedule figure8 needs n = 5")
  network { latency = "uniform:1ms,5ms" }
  -- s2, s3 and s4 only vote (their timeouts outlast the run): who leads
  -- each term is set by the schedule.
  servers(function(s)
    local voter = s == "s2" or s == "s3" or s == "s4"
    return { election_timeout = voter and "60000ms,61000ms" or "150ms,300ms" }
  end)
  clients {
    count = 1, model = client_model, prefix = "client", params = { servers = S, retry = "50ms" },
    workload = { ops = { "write" }, keys = 1, think = "20ms", timeout = "2s" },
  }

  local function cut_both(a, b) cut(a, b); cut(b, a) end
  local terms, phase = {}, "a"
  timeline(function()
    -- (a) s5 is down while s1 wins term 1 (its no-op reaches s2..s4), then
    -- comes back and catches up; then s3, s4, s5 are cut off.
    sleep("1ms")
    crash("s5")
    terms[1] = wait_for({ kind = "event", type = "raft_leader", node = "s1" }).msg.term
    restart("s5")
    wait_for { kind = "event", type = "raft_append", node = "s5", index = 1 }
    partition({ "s1", "s2" }, { "s3", "s4", "s5" })
    wait_for { kind = "event", type = "raft_append", node = "s2", index = 2 }
    crash("s1")
    -- (b)
    phase = "b"
    terms[2] = wait_for({ kind = "event", type = "raft_leader", node = "s5" }).msg.term
    wait_for { kind = "event", type = "raft_append", node = "s5", index = 2 }
    crash("s5")
    -- (c)
    phase = "c"
    heal()
    cut_both("s1", "s4")
    cut_both("s1", "s5")
    restart("s1")
    terms[3] = wait_for({ kind = "event", type = "raft_leader", node = "s1" }).msg.term
    wait_for { kind = "event", type = "raft_append", node = "s3", index = 2 }
    cut("s1", "s3")
    wait_for { kind = "deliver", node = "s1", peer = "s3", type = "AppendEntriesReply", success = 1 }
    wait_for { kind = "deliver", node = "s1", peer = "s2", type = "AppendEntriesReply", success = 1 }
    sleep("1ms")
    crash("s1")
    -- (d)
    phase = "d"
    heal()
    cut_both("s1", "s5")
    restart("s5")
    terms[4] = wait_for({ kind = "event", type = "raft_leader", node = "s5" }).msg.term
    phase = "done"
  end)
  -- Cut s5 off the moment it leads in (b), before its no-op goes out.
  on({ kind = "event", type = "raft_leader", node = "s5" }, function()
    if phase == "b" then
      for _, other in ipairs { "s2", "s3", "s4" } do cut("s5", other) end
    end
  end)
  invariant("figure8_played", function()
    if phase ~= "done" then return false, "the schedule stopped in phase " .. phase end
    local got = table.concat(terms, ",")
    return got == "1,2,3,4", "the four leaders had terms " .. got .. ", not 1,2,3,4"
  end)
end

return M
