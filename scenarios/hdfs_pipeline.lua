-- HDFS: a write pipeline survives a DataNode failure mid-write (issue 13;
-- HDFS Architecture Guide, "Replication Pipelining"). One writer stores
-- 20 files with RF 3 on six DataNodes in two racks. The moment the middle
-- DataNode of the fifth file's pipeline forwards the block downstream, it
-- crashes: the last DataNode's ack never gets through it, so the first
-- one reports it bad; the client asks the NameNode for a new generation
-- stamp and sends the block again to the two left (pipeline recovery),
-- and the write succeeds. The NameNode re-replicates the block to a third
-- DataNode. When the crashed DataNode restarts 20 s later its copy has the
-- old stamp: its block report gets it deleted, or a re-replication to it
-- replaces it (stale_deleted).
--   --set fault=loss|dup|duplicate|reorder|delay|all   a network fault from the start
scenario { name = "hdfs_pipeline", duration = "90s", seeds = 5 }
local p = params { fault = "none", prob = 0.05 }

local hdfs = include("_hdfs.lua")
network(include("_network_faults.lua")(p.fault, p.prob))
local c = hdfs.cluster {
  racks = 2, per_rack = 3,
  namenode = { dead_after = "10s", replication_interval = "1s", pending_timeout = "10s" },
  datanode = { heartbeat = "1s", block_report = "10s", socket_timeout = "2s", timeout_extension = "100ms" },
}
hdfs.writers { count = 1, files = 20,
  params = { block_size = "1MB", start = "2s", socket_timeout = "2s", timeout_extension = "100ms" } }

local is_dn = {}
for _, n in ipairs(c.dns) do is_dn[n] = true end
local victim, victim_gen
-- The fifth block (id 5) forwarded by a DataNode that received it from
-- another DataNode: the middle of the pipeline. Or, when the first
-- pipeline failed before its middle forwarded the block (the client's
-- WriteBlock or dn1's copy lost: 14 of seeds 1-200 with fault=loss, 5
-- with all, which then crashed nobody), the first DataNode of the
-- recovered pipeline (a new stamp, at most two DataNodes: no middle) as
-- it forwards: its copy is stale after the next recovery just the same.
once({ kind = "send", type = "WriteBlock", block = 5,
       where = function(ev)
         return is_dn[ev.node] and is_dn[ev.peer] and (ev.msg.d0 >= 0 or ev.msg.gen > 1)
       end },
     function(ev)
  victim, victim_gen = ev.node, ev.msg.gen
  metric("victim_crashed_at_s", now())
  crash_restart(ev.node, "20s")
end)
-- The victim's middle copy is at the old stamp when it comes back, and
-- must go: deleted after its block report, or replaced in place when the
-- NameNode, not yet knowing of the stale copy, picks the victim as the
-- target of a re-replication (the DataNode keeps the newer stamp, as
-- HDFS's FsDatasetImpl drops an older-stamp replica for a newer one).
-- Replaced, not deleted: 3 of seeds 1-200 with fault=loss, 1 with all.
metric("stale_deleted", 0)
on({ kind = "event", type = "hdfs_replica_del", block = 5 }, function(ev)
  if ev.node == victim then metric("stale_deleted", 1) end
end)
on({ kind = "event", type = "hdfs_replica", block = 5 }, function(ev)
  if ev.node == victim and ev.msg.gen > victim_gen then metric("stale_deleted", 1) end
end)

expect {
  invariants = { hdfs_read_content = 0 },
  availability_min = p.fault == "none" and 1 or 0.9,
  metrics = { hdfs_pipeline_recoveries = { min = 1 }, hdfs_blocks_lost = 0, hdfs_truth_under_replicated = 0,
              hdfs_under_replicated = 0, victim_crashed_at_s = { min = 2 }, stale_deleted = 1 },
}
