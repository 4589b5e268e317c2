-- Removing the current leader from a Raft cluster (Ongaro's thesis,
-- Stanford 2014, §4.1 single-server changes, §4.2.2 removing the current
-- leader). Five servers serve three kv.raft clients. At 1.5 s a
-- raft.admin node asks the cluster to remove whichever server leads then
-- (RemoveServer, redirected to the leader, resent until answered). The
-- leader appends the configuration without itself, uses it at once (it
-- keeps replicating but no longer counts itself in majorities), answers OK
-- once the entry is committed by the four others and steps down; the four
-- time out and elect a leader among themselves. The removed server knows
-- the change is committed, so it never campaigns again.
--
-- Under each network fault of _kv_faults.lua (param fault: none, loss,
-- duplicate, reorder, delay, crash, all): the history is linearizable,
-- every server applies the same entry at an index (raft_apply_agree), the
-- Raft checker's four invariants hold, and the removed server sends no
-- RequestVote and leads no term after its removal was answered
-- (invariant removed_stays_out). tests/test_raft_members.c runs every
-- fault.
--
-- Disruptive servers (§4.2.3), with --set restart_removed=true: at 3 s the
-- removed server restarts. It has forgotten its commit index, so it no
-- longer knows its removal is committed: it campaigns, with ever higher
-- terms. Without protection its RequestVote makes the members adopt its
-- term and depose their leader (metric disruptions: leaders elected after
-- 3 s >= 1), until a leader of a newer term replicates its removal to it
-- again; with check_quorum (members that hear from a leader refuse it
-- without adopting its term) or prevote (they refuse its pre-votes) there
-- are none. It can never win: its log lacks what was committed since.
--
-- Metrics: raft_admin_ms (RemoveServer sent -> OK), leaderless_ms (the
-- old leader's OK -> the next raft_leader), unavail_ms (the old leader's
-- OK -> the new leader's first commit: no write can commit in between),
-- removed_by_successor (the leader was deposed before its removal
-- committed; a later leader committed it: nothing to time), the clients'
-- availability.
scenario { name = "raft_remove_leader", duration = "5s", seeds = 5 }

local p = params { fault = "none", restart_removed = false, check_quorum = false, prevote = false,
                   read = "log", snapshot_every = 0 }
local faults = include("_kv_faults.lua")
local raft = include("_raft.lua")
local servers = raft.names(5)
faults.network(p.fault, servers)
-- Reads outside the log (read = "readindex" or "lease", which turns
-- check_quorum on) and snapshots (snapshot_every) work beside the change.
raft.servers(servers, "raft", { check_quorum = p.check_quorum or p.read == "lease", prevote = p.prevote,
                                read = p.read, snapshot_every = p.snapshot_every })
clients {
  count = 3, model = "kv.raft",
  params = { servers = raft.list(servers), lincheck = true },
  workload = { ops = { read = 1, write = 1, cas = 1 }, keys = 3, think = "5ms", timeout = "1s", stop = "4.5s" },
}
raft.check_apply()

local leader, leader_term, removed, removed_at, new_leader = nil, 0, nil, nil, nil
local stepdown = { leaderless = false, unavail = false } -- sampled
on({ kind = "event", type = "raft_leader" }, function(ev)
  leader, leader_term = ev.node, ev.msg.term
  if removed_at and not new_leader and ev.node ~= removed then
    new_leader = ev.node
    sample("leaderless_ms", (ev.time - removed_at) * 1000)
    stepdown.leaderless = true
  end
end)
on({ kind = "event", type = "raft_commit" }, function(ev)
  if new_leader and ev.node == new_leader and removed_at then
    sample("unavail_ms", (ev.time - removed_at) * 1000)
    stepdown.unavail = true
    removed_at = nil
  end
end)
-- A leader that sends a message of a later term than the one it leads
-- has adopted that term from a candidate (Figure 2: a server that sees a
-- higher term becomes follower): it no longer leads, and which server
-- does is unknown until the next raft_leader. Without this, an admin
-- started just after a stale server's election had deposed the leader
-- asked to remove a follower, the new leader answered, and nothing of
-- §4.2.2 happened (fault = delay seed 17: 4 of seeds 1-200 before, none
-- now).
for _, t in ipairs({ "RequestVote", "RequestVoteReply", "AppendEntriesReply" }) do
  on({ kind = "send", type = t }, function(ev)
    if ev.node == leader and ev.msg.term > leader_term then leader = nil end
  end)
end
-- From 1.5 s, the first moment a leader is known and up: it is removed.
local function remove_leader()
  if removed then return end
  if not leader or state(leader) ~= "up" then after("20ms", remove_leader) return end
  removed = leader
  node("admin", "raft.admin", { remove = removed, servers = raft.list(servers) })
end
at("1.5s", remove_leader)

-- The removed leader answers OK when its removal commits, and steps down.
invariant("removed_stays_out", function() return true end)
local out, by_successor = false, false
on({ kind = "send", type = "RemoveServerReply" }, function(ev)
  -- The leader can still be deposed after it appended its removal and
  -- before that commits (a stale server's election): the next leader has
  -- the entry, commits it and answers OK itself. Then no leader stepped
  -- down because of the change, and leaderless_ms and unavail_ms measure
  -- nothing (fault = delay seed 136, 1 of seeds 1-200; the other faults
  -- none): metric removed_by_successor counts it.
  if ev.node ~= removed and ev.msg.status == 1 and not out and not by_successor then
    by_successor = true
    metric_add("removed_by_successor")
  end
  if ev.node == removed and ev.msg.status == 1 and not out then
    out, removed_at = true, ev.time
    -- Shut out of the crash faults from now on: a restarted server forgets
    -- its commit index and, not knowing its removal is committed, would
    -- campaign again (§4.2.2; §4.2.3 is what stops it disrupting).
    for i, s in ipairs(servers) do
      if s == removed then table.remove(servers, i) break end
    end
  end
end)
local restarted = false
on({ kind = "send", type = "RequestVote" }, function(ev)
  if out and not restarted and ev.node == removed then
    violation("removed_stays_out", ev.node .. " campaigned after its removal committed")
  end
end)
on({ kind = "event", type = "raft_leader" }, function(ev)
  if out and ev.node == removed then
    violation("removed_stays_out", ev.node .. " became leader after its removal committed")
  end
end)

local disruptions = 0
if p.restart_removed then
  at("3s", function()
    if out then
      restarted = true
      crash_restart(removed, "50ms")
    end
  end)
  on({ kind = "event", type = "raft_leader" }, function(ev)
    if restarted then disruptions = disruptions + 1 end
  end)
end
invariant("measured", function()
  metric("disruptions", disruptions)
  return true
end)

-- The removed leader's step-down was measured, unless a successor
-- committed the removal (see removed_by_successor above).
-- raft_config_entries, not raft_config_changes: those count only changes
-- committed by the leader that appended them.
invariant("stepdown_measured", function()
  if by_successor or (stepdown.leaderless and stepdown.unavail) then return true end
  return false, "the removed leader answered OK, but no new leader (leaderless_ms) or no commit of it (unavail_ms) followed"
end)
local m = { raft_lincheck = 1, raft_admin_done = 1, raft_config_entries = { min = 1 } }
if p.restart_removed then
  m.disruptions = (p.check_quorum or p.prevote) and 0 or { min = 1 }
end
expect {
  violations = 0,
  invariants = { linearizable = 0, raft_apply_agree = 0, removed_stays_out = 0, stepdown_measured = 0 },
  metrics = m,
  availability_min = 0.2,
}
