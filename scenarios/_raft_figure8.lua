-- The Raft paper's Figure 8 (Ongaro & Ousterhout, USENIX ATC 2014, §5.4.2)
-- as a schedule, shared by scenarios/raft_figure8.lua (faultsim's C Raft)
-- and the Raft lab's grader (scenarios/labs/raft/_figure8.lua). Five
-- servers, named here S1..S5 (`names` gives the real names in that order),
-- already set up so that S2, S3 and S4 only vote; every step waits for a
-- protocol event or a delivery, never for a time (the 1 ms sleeps only let
-- a handler finish before a crash), so the same story plays out at every
-- seed:
--
--  (a) S1 leads (term 1); its entry at index 2 reaches S2 only (S3, S4, S5
--      are partitioned away), then S1 crashes.
--  (b) S5 is elected by S3 and S4 (term 2); its no-op lands at index 2 of
--      its own log only (its outgoing links are cut), then S5 crashes.
--  (c) S1 restarts and is elected by S2 and S3 (term 3, S4 cut off from
--      it). It sends S3 its old entry at index 2 and no more (S1 -> S3 is cut
--      the moment S3 has it): index 2 is on S1, S2 and S3, a majority, but
--      S1's own no-op at index 3 is only on S1 and S2. Once S1 has heard S3
--      (and S2) acknowledge, S1 crashes.
--  (d) S5 restarts and is elected by S3 and S4 (term 4: its last entry, of
--      term 2, is newer than theirs, of term 1) and overwrites index 2
--      everywhere with its own entry.
--
-- A server that committed index 2 in (c) by counting S1, S2, S3 loses a
-- committed entry in (d). play(names, done) starts the schedule, calls
-- done() (if given) when it has played, declares invariant
-- `figure8_played` (the whole schedule ran, with terms 1, 2, 3, 4) and
-- returns a function giving the current phase ("a".."d", "done").
local M = {}

function M.play(names, done)
  local S1, S2, S3, S4, S5 = names[1], names[2], names[3], names[4], names[5]
  local function cut_both(a, b) cut(a, b); cut(b, a) end
  local terms = {}            -- the term of each of the four elections
  local phase = "a"

  timeline(function()
    -- (a) S5 is down while S1 wins term 1 (its no-op, index 1, reaches S2..S4),
    -- then comes back and catches up; then S3, S4, S5 are cut off.
    sleep("1ms")
    crash(S5)
    terms[1] = wait_for({ kind = "event", type = "raft_leader", node = S1 }).msg.term
    restart(S5)
    wait_for { kind = "event", type = "raft_append", node = S5, index = 1 }
    partition({ S1, S2 }, { S3, S4, S5 })
    wait_for { kind = "event", type = "raft_append", node = S2, index = 2 }
    crash(S1)

    -- (b) S5's no-op at index 2 stays on S5.
    phase = "b"
    terms[2] = wait_for({ kind = "event", type = "raft_leader", node = S5 }).msg.term
    wait_for { kind = "event", type = "raft_append", node = S5, index = 2 }
    crash(S5)

    -- (c) S1 comes back; S4 cannot hear it.
    phase = "c"
    heal()
    cut_both(S1, S4)
    cut_both(S1, S5)
    restart(S1)
    terms[3] = wait_for({ kind = "event", type = "raft_leader", node = S1 }).msg.term
    wait_for { kind = "event", type = "raft_append", node = S3, index = 2 }
    cut(S1, S3)
    wait_for { kind = "deliver", node = S1, peer = S3, type = "AppendEntriesReply", success = 1 }
    wait_for { kind = "deliver", node = S1, peer = S2, type = "AppendEntriesReply", success = 1 }
    sleep("1ms")
    crash(S1)

    -- (d) S5 comes back and is elected by S3 and S4.
    phase = "d"
    heal()
    cut_both(S1, S5)
    restart(S5)
    terms[4] = wait_for({ kind = "event", type = "raft_leader", node = S5 }).msg.term
    phase = "done"
    if done then done() end
  end)

  -- Cut S5 off the moment it leads in (b), before its no-op goes out.
  on({ kind = "event", type = "raft_leader", node = S5 }, function()
    if phase == "b" then
      for _, other in ipairs { S2, S3, S4 } do cut(S5, other) end
    end
  end)

  invariant("figure8_played", function()
    if phase ~= "done" then return false, "the schedule stopped in phase " .. phase end
    local got = table.concat(terms, ",")
    return got == "1,2,3,4", "the four leaders had terms " .. got .. ", not 1,2,3,4"
  end)

  return function() return phase end
end

return M
