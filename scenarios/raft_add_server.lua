-- Adding a server to a running Raft cluster (Ongaro's thesis, Stanford
-- 2014, §4.1 single-server changes, §4.2.1 catching up new servers).
-- Three servers s1-s3 serve three kv.raft clients; s4 starts with
-- join = true: in no configuration, it never campaigns. At 1 s a
-- raft.admin node asks the cluster to add s4 (AddServer, redirected to the
-- leader, resent until answered): the leader replicates its log to s4 in
-- rounds until a round takes less than the minimum election timeout, then
-- appends the configuration entry {s1, s2, s3, s4}, which every server
-- uses as soon as it has it, and answers once it is committed. At 4 s s1
-- crashes for good: of the four members only s2, s3 and s4 are left, and a
-- majority of four is three, so every commit after that needs s4's vote
-- and acknowledgement (metric ok_after_crash).
--
-- Under each network fault of _kv_faults.lua (param fault: none, loss,
-- duplicate, reorder, delay, crash, all): the history is linearizable,
-- every server applies the same entry at an index (raft_apply_agree) and
-- the Raft checker's four invariants hold (election safety, log matching,
-- leader completeness, state-machine safety). tests/test_raft_members.c
-- runs every fault.
--
-- Metrics: raft_admin_ms (AddServer sent -> answered OK), raft_catchup_rounds,
-- raft_admin_timeouts and raft_admin_busy (answers the admin asked again),
-- s4_applied (entries s4 applied), ok_after_crash (ops completed ok after
-- s1's crash) and reads_after_crash (reads among them: with read =
-- "readindex" or "lease" they need s4's acknowledgements of the rounds),
-- the clients' availability.
scenario { name = "raft_add_server", duration = "8s", seeds = 5 }

local p = params { fault = "none", s4_down = "0s", remove_too = false, read = "log", snapshot_every = 0 }
local faults = include("_kv_faults.lua")
local raft = include("_raft.lua")
local old = raft.names(3)
local all = raft.names(4)
-- The crash faults pick among s2-s4: s1 is crashed for good at 4 s.
faults.network(p.fault, { "s2", "s3", "s4" })
-- Reads outside the log (read = "readindex" or "lease"; a lease needs
-- CheckQuorum) and snapshots (snapshot_every) work beside the change: their
-- majorities are the latest configuration's, and a snapshot carries the
-- configuration it covers.
local opts = { read = p.read, snapshot_every = p.snapshot_every, check_quorum = p.read == "lease" }
raft.servers(old, "raft", opts)
node("s4", "raft", { peers = raft.list(all), join = true, read = p.read, snapshot_every = p.snapshot_every,
                     check_quorum = opts.check_quorum })
clients {
  count = 3, model = "kv.raft",
  params = { servers = raft.list(all), lincheck = true },
  workload = { ops = { read = 1, write = 1, cas = 1 }, keys = 3, think = "20ms", timeout = "1s", stop = "7.5s" },
}
raft.check_apply()

at("1s", function() node("admin", "raft.admin", { add = "s4", servers = raft.list(old) }) end)
-- Variants: s4 down from 0.9 s for `s4_down` (the leader cannot catch it
-- up: TIMEOUT, asked again until it is back); a second admin removing s3
-- at the same time (one change at a time: BUSY, asked again).
if p.s4_down ~= "0s" then at("0.9s", function() crash_restart("s4", p.s4_down) end) end
if p.remove_too then
  at("1s", function() node("admin2", "raft.admin", { remove = "s3", servers = raft.list(old) }) end)
end
local crash_at = 4
at(crash_at .. "s", function() crash("s1") end)

on({ kind = "event", type = "raft_apply" }, function(ev)
  if ev.node == "s4" then metric_add("s4_applied") end
end)

-- Once s4 is a committed member and s1 is down, every majority of the four
-- includes s4: an index s1 did not hold when it crashed cannot be
-- committed unless s4 holds it (invariant s4_in_quorum; the logs' lengths
-- are mirrored from the raft_append and raft_truncate events).
local last, added = { s1 = 0, s4 = 0 }, false
on({ kind = "event", type = "raft_append" }, function(ev)
  if last[ev.node] then last[ev.node] = ev.msg.index end
end)
on({ kind = "event", type = "raft_truncate" }, function(ev)
  if last[ev.node] then last[ev.node] = math.min(last[ev.node], ev.msg.from - 1) end
end)
on({ kind = "deliver", type = "AddServerReply" }, function(ev)
  if ev.msg.status == 1 then added = true end
end)
invariant("s4_in_quorum", function() return true end)
on({ kind = "event", type = "raft_commit" }, function(ev)
  local i = ev.msg.index
  if added and state("s1") ~= "up" and i > last.s1 and i > last.s4 then
    violation("s4_in_quorum", string.format("%s committed index %d, s1 held %d, s4 holds %d", ev.node, i, last.s1, last.s4))
  end
end)
-- s4 is in no configuration until the admin asks at 1 s: it must not
-- campaign before (invariant joiner_waits).
invariant("joiner_waits", function() return true end)
on({ kind = "send", type = "RequestVote" }, function(ev)
  if ev.node == "s4" and ev.time < 1 then violation("joiner_waits", "s4 campaigned before it was added") end
end)
on("op", function(ev)
  if ev.op.type == "ok" and ev.time > crash_at + 0.5 then
    metric_add("ok_after_crash")
    if ev.op.f == "read" then metric_add("reads_after_crash") end
  end
end)

-- raft_config_changes counts the changes committed by the leader that
-- appended them; raft_config_entries the entries appended. A leader can
-- crash (s1 at 4 s) after appending the entry and before it commits: the
-- next leader, which has it in its log, commits it and answers the admin
-- OK (raft_admin_done), but counts no change of its own. So at least one
-- entry is promised, not a change committed by the same leader. That
-- happened at fault = reorder seed 10 (1 of seeds 1-200) while s4 caught up
-- slowly; since s4 keeps early entries (raft_server.c) it happens on none
-- of seeds 1-200 under any fault, but nothing in the protocol rules it out.
expect {
  violations = 0,
  invariants = { linearizable = 0, raft_apply_agree = 0, s4_in_quorum = 0, joiner_waits = 0 },
  metrics = { raft_lincheck = 1, raft_admin_done = p.remove_too and 2 or 1, raft_config_entries = { min = 1 },
              raft_catchup_rounds = { min = 1 }, s4_applied = { min = 50 }, ok_after_crash = { min = 1 }, reads_after_crash = { min = 1 } },
  availability_min = 0.2,
}
