-- HDFS: re-replication after one DataNode of a loaded cluster dies (issue
-- 13, scenario 5). Twelve DataNodes in three racks hold `files` blocks of
-- 128 MB with three replicas each (written over unlimited links). Then
-- every link between DataNodes gets `bandwidth`, and DataNode r1n1 crashes
-- and stays down. After `dead_after` without its heartbeats the NameNode
-- declares it dead and re-replicates its blocks, at most `max_streams`
-- copies sent and received per DataNode at once
-- (dfs.namenode.replication.max-streams), each copy a 128 MB message on
-- a link of `bandwidth`. The lower bound on the time this takes is
--     bytes to copy / (live DataNodes x max_streams x bandwidth)
-- (every DataNode sending max_streams copies all the time, each on its
-- own link); metric predicted_s. The NameNode schedules every
-- `replication_interval` and a DataNode learns its commands at its next
-- heartbeat, so each copy also waits up to an interval and a heartbeat:
-- the measured time (rereplication_s, from the declaration to no block
-- under-replicated) is above the bound by about that per wave of copies.
-- Readers read 64 kB of random files all along; a read that picks the dead
-- DataNode first waits `socket_timeout` before the next replica, so until
-- the declaration some reads miss their deadline (read_avail_undetected);
-- afterwards the NameNode no longer offers the dead replica
-- (read_avail_rereplicating).
--   --set bandwidth=1Gbit   faster links: the scheduling overheads dominate
--   --set fault=...         a network fault (_network_faults.lua)
scenario { name = "hdfs_rereplication", duration = "400s", seeds = 3 }
local p = params { bandwidth = "100Mbit", max_streams = 2, files = 240, dead_after = "30s",
                   fault = "none", prob = 0.02 }

local hdfs = include("_hdfs.lua")
network(include("_network_faults.lua")(p.fault, p.prob))
local c = hdfs.cluster {
  racks = 3, per_rack = 4,
  namenode = { dead_after = p.dead_after, replication_interval = "3s", max_streams = p.max_streams,
               pending_timeout = "120s" },
  datanode = { heartbeat = "3s", socket_timeout = "60s", timeout_extension = "5s" },
}
hdfs.writers { count = 10, files = p.files, params = { start = "5s", socket_timeout = "5s", timeout_extension = "1s" } }
hdfs.readers { count = 4, files = p.files, params = { socket_timeout = "3s" },
               workload = { think = "200ms", timeout = "1s", start = "10s" } }

local BLOCK = 128e6
local num, unit = string.match(p.bandwidth, "^([%d.]+)(%a+)$")
local scale = ({ kbit = 1e3, Mbit = 1e6, Gbit = 1e9 })[unit or ""]
if not num or not scale then error("bandwidth must be a number of kbit, Mbit or Gbit (\"100Mbit\")", 0) end
local bits_per_s = tonumber(num) * scale

-- Phases: loaded (every write answered, nothing under-replicated), crash,
-- declared dead, fully re-replicated.
-- Bytes of re-replication copies sent so far.
local copied = 0
on({ kind = "send", type = "BlockData" }, function(ev) copied = copied + ev.msg.size end)
local function stats_moved() return copied end

local under, written = 0, 0
local crash_at, dead_at, done_at, moved_before
on({ kind = "event", type = "hdfs_blocks" }, function(ev)
  under = ev.msg.under + ev.msg.missing
  if dead_at and not done_at and under == 0 then
    done_at = now()
    metric("rereplication_s", done_at - dead_at)
    local moved = stats_moved() - moved_before
    metric("bytes_copied", moved)
    metric("predicted_s", moved * 8 / ((#c.dns - 1) * p.max_streams * bits_per_s))
    metric("ratio", (done_at - dead_at) / (moved * 8 / ((#c.dns - 1) * p.max_streams * bits_per_s)))
  end
end)
on({ kind = "event", type = "hdfs_dn_dead" }, function(ev)
  if crash_at and not dead_at then
    dead_at = now()
    metric("detect_s", dead_at - crash_at)
  end
end)
on("op", function(ev)
  if ev.op.f == "write" and ev.op.type ~= "invoke" then written = written + 1 end
end)

-- Read availability by phase: each read counts in the phase it was invoked in.
local phase_of, reads = {}, {}
local function phase()
  if not crash_at then return "before" end
  if not dead_at then return "undetected" end
  if not done_at then return "rereplicating" end
  return "after"
end
on("op", function(ev)
  if ev.op.f ~= "read" then return end
  local k = ev.node .. "/" .. ev.op.id
  if ev.op.type == "invoke" then phase_of[k] = phase(); return end
  local ph = phase_of[k]
  if not ph then return end
  phase_of[k] = nil
  reads[ph] = reads[ph] or { n = 0, ok = 0 }
  reads[ph].n = reads[ph].n + 1
  if ev.op.type == "ok" then reads[ph].ok = reads[ph].ok + 1 end
end)

timeline(function()
  sleep("10s")
  while written < p.files or under > 0 do sleep("1s") end
  sleep("3s")
  for _, a in ipairs(c.dns) do
    for _, b in ipairs(c.dns) do
      if a < b then link(a, b, { bandwidth = p.bandwidth }) end
    end
  end
  moved_before = stats_moved()
  crash_at = now()
  metric("crash_at_s", crash_at)
  crash("r1n1")
end)

at("399s", function()
  for _, ph in ipairs({ "before", "undetected", "rereplicating", "after" }) do
    local r = reads[ph]
    if r and r.n > 0 then metric("read_avail_" .. ph, r.ok / r.n) end
  end
  -- A read picks the dead DataNode first when its block had a replica
  -- there (one of the dead node's k blocks of `files`) and the NameNode
  -- listed it first (1/3): k / (3 files) of the reads, which then miss
  -- their 1 s deadline waiting 3 s for it.
  local k = copied / BLOCK
  local theory = 1 - k / (3 * p.files)
  metric("read_avail_undetected_theory", theory)
  if reads.undetected then metric("read_avail_undetected_dev", reads.undetected.ok / reads.undetected.n - theory) end
end)

local common = { hdfs_blocks_lost = 0, hdfs_truth_under_replicated = 0, hdfs_under_replicated = 0,
                 hdfs_missing_blocks = 0, rereplication_s = { min = 0 } }
if p.fault == "none" then
  common.ratio = bits_per_s <= 2e8 and { min = 1, max = 2.5 } or { min = 1 }
  common.read_avail_before = { min = 0.99 }
  common.read_avail_undetected_dev = { min = -0.05, max = 0.05 }
  common.read_avail_rereplicating = { min = 0.99 }
  common.read_avail_after = { min = 0.99 }
end
expect { invariants = { hdfs_read_content = 0 }, metrics = common }
