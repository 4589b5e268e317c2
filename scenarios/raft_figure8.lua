-- The Raft paper's Figure 8 (Ongaro & Ousterhout, USENIX ATC 2014, §5.4.2):
-- why a leader must not count replicas to commit an entry of an earlier
-- term. Five servers S1..S5; every step of the schedule waits for a
-- protocol event or a delivery, never for a time (the 1 ms sleeps only let
-- a handler finish before a crash), so the same story plays out at every
-- seed:
--
--  (a) S1 leads (term 1); its entry at index 2 reaches S2 only (S3, S4, S5
--      are partitioned away), then S1 crashes.
--  (b) S5 is elected by S3 and S4 (term 2); its no-op lands at index 2 of
--      its own log only (its outgoing links are cut), then S5 crashes.
--  (c) S1 restarts and is elected by S2 and S3 (term 3, S4 cut off from
--      it). It sends S3 its old entry at index 2 and no more (S1 → S3 is cut
--      the moment S3 has it): index 2 is on S1, S2 and S3, a majority, but
--      S1's own no-op at index 3 is only on S1 and S2. Once S1 has heard S3
--      (and S2) acknowledge, S1 crashes.
--  (d) S5 restarts and is elected by S3 and S4 (term 4: its last entry, of
--      term 2, is newer than theirs, of term 1) and overwrites index 2
--      everywhere with its own entry.
--
-- With variant = "raft.commit_old_terms" S1 committed and applied index 2
-- in (c) by counting S1, S2, S3, and (d) replaces a committed entry:
-- leader_completeness fails when S5 is elected and state_machine_safety
-- when it applies its index 2. With variant = "raft" (the rule of §5.4.2:
-- only entries of the leader's own term are committed by counting) S1
-- never committed index 2 and nothing is violated.
--
-- A kv.raft client writes throughout, so the leaders have client entries
-- to replicate (index 2 in (a) is one of its writes).
scenario {
  name = "raft_figure8",
  description = "Raft Figure 8: committing an earlier term's entry by counting replicas loses it",
  duration = "3s",
  seeds = 20,
}

local p = params { variant = "raft.commit_old_terms" }
network { latency = "uniform:1ms,5ms" }

-- S1 and S5 run elections; S2, S3 and S4 only vote (their timeouts outlast
-- the run), so who leads each term is set by the schedule, not by chance.
-- One entry in flight per follower (max_batch = 1) lets the schedule stop
-- S1's replication to S3 right after index 2.
local S = { "S1", "S2", "S3", "S4", "S5" }
local peers = table.concat(S, ",")
for i, name in ipairs(S) do
  local voter = i >= 2 and i <= 4
  node(name, p.variant, {
    peers = peers, max_batch = 1,
    election_timeout = voter and "60s,61s" or "150ms,300ms",
  })
end
node("c", "kv.raft", { servers = peers, retry_after = "50ms" })
workload("c", { ops = { "write" }, keys = 1, think = "20ms", timeout = "2s" })

-- The schedule (scenarios/_raft_figure8.lua) declares figure8_played.
local committed_old = false -- S1 reported index 2 committed in (c): metric figure8_old_entry_committed
local phase = include("_raft_figure8.lua").play(S, function()
  metric("figure8_old_entry_committed", committed_old and 1 or 0)
end)
on({ kind = "event", type = "raft_commit", node = "S1" }, function(ev)
  if phase() == "c" and ev.msg.index >= 2 then committed_old = true end
end)

if p.variant == "raft.commit_old_terms" then
  expect {
    invariants = { figure8_played = 0, leader_completeness = { min = 1 }, state_machine_safety = { min = 1 },
                   election_safety = 0, log_matching = 0 },
    metrics = { figure8_old_entry_committed = 1 },
  }
else
  expect {
    invariants = { figure8_played = 0, leader_completeness = 0, state_machine_safety = 0,
                   election_safety = 0, log_matching = 0 },
    metrics = { figure8_old_entry_committed = 0 },
  }
end
