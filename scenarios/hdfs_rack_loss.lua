-- HDFS: a whole rack is lost (issue 13, scenario 4). Twelve DataNodes in
-- three racks of four; ten writers store `files` one-block files with
-- replication factor 3; once all are written and fully replicated, every
-- DataNode of rack 1 crashes for good
-- with its disks (wipe_on_crash). HDFS's default placement (the HDFS
-- Architecture Guide: one replica on the writer's node or a random one,
-- the second on another rack, the third on the second's rack) never puts
-- all three replicas on one rack, so no block is lost, and the NameNode
-- re-replicates the blocks that lost one or two replicas. Random placement
-- puts all three in rack 1 with probability C(4,3)/C(12,3) = 1/55: about
-- files/55 blocks are lost (metric expected_lost; the shell test
-- t_hdfs_rack_loss.sh compares the mean over seeds with it).
--   --set placement=random    the random policy
--   --set fault=loss|dup|duplicate|reorder|delay|all   a network fault from the start
scenario { name = "hdfs_rack_loss", duration = "300s", seeds = 5 }
local p = params { placement = "rack_aware", fault = "none", prob = 0.05, files = 550 }

local hdfs = include("_hdfs.lua")
network(include("_network_faults.lua")(p.fault, p.prob))
local timing = { socket_timeout = "2s", timeout_extension = "100ms" }
local c = hdfs.cluster {
  racks = 3, per_rack = 4,
  namenode = { placement = p.placement, dead_after = "10s", replication_interval = "1s", pending_timeout = "10s" },
  datanode = { heartbeat = "1s", socket_timeout = "2s", timeout_extension = "100ms", wipe_on_crash = true },
}
hdfs.writers { count = 10, files = p.files,
  params = { block_size = "1MB", start = "2s", socket_timeout = timing.socket_timeout,
             timeout_extension = timing.timeout_extension } }

-- The combinatorial expectation for random placement: a block's three
-- replicas are a uniformly random 3-set of the 12 DataNodes.
local function choose(n, k)
  local r = 1
  for i = 1, k do r = r * (n - k + i) / i end
  return r
end
local rack, nodes = #c.rack[1], #c.dns
metric("expected_lost", p.placement == "random" and p.files * choose(rack, 3) / choose(nodes, 3) or 0)

-- The rack goes once the cluster is loaded: every write answered and no
-- block under-replicated (a write whose pipeline lost a DataNode leaves
-- its block short, possibly with both replicas left on one rack, until
-- the NameNode re-replicates it).
local lost_at, under, done = nil, 0, 0
on({ kind = "event", type = "hdfs_blocks" }, function(ev) under = ev.msg.under + ev.msg.missing end)
on("op", function(ev) if ev.op.type ~= "invoke" and ev.op.f == "write" then done = done + 1 end end)
timeline(function()
  sleep("5s")
  while done < p.files or under > 0 do sleep("1s") end
  sleep("2s")
  lost_at = now()
  metric("rack_lost_at_s", lost_at)
  for _, n in ipairs(c.rack[1]) do crash(n) end
end)
-- Time from the rack's loss to no block under-replicated (NameNode's view).
on({ kind = "event", type = "hdfs_blocks", under = 0 }, function(ev)
  if lost_at and ev.time > lost_at + 10 then
    metric("rereplicated_after_s", ev.time - lost_at)
    lost_at = nil
  end
end)

local invariants = { hdfs_read_content = 0 }
-- With messages lost (fault=loss or all), writes fail before the rack goes:
-- the model has no TCP under the pipeline, so a lost WriteBlock or
-- WriteAck is a DataNode that failed to answer, and a write that loses
-- three drops its whole pipeline ("All datanodes are bad", the write
-- fails). Seeds 1-200: availability below 0.99 in 19 with loss and 10 with
-- all, never below 0.9855 (8 of 550 writes). Lost Transfer or BlockData
-- commands are scheduled again only after pending_timeout (10 s, HDFS's
-- pending reconstruction timeout), so re-replication takes longer: 96 s
-- median, at most 124 s with loss (46 s and 51 s without), over 120 s in 3
-- of those 400 runs.
local lossy = p.fault == "loss" or p.fault == "all"
local availability_min = lossy and 0.98 or 0.99
if p.placement == "rack_aware" then
  expect {
    invariants = invariants, availability_min = availability_min,
    metrics = { hdfs_blocks_lost = 0, hdfs_truth_under_replicated = 0, hdfs_under_replicated = 0,
                hdfs_missing_blocks = 0, rereplicated_after_s = { min = 10, max = lossy and 150 or 120 } },
  }
else
  -- At least one block lost, and no more than a binomial tail allows
  -- (mean files/55, 10 for 550 files; 30 is over six standard deviations).
  expect {
    invariants = invariants, availability_min = availability_min,
    metrics = { hdfs_blocks_lost = { min = 1, max = 3 * p.files / 55 },
                hdfs_truth_under_replicated = 0, hdfs_under_replicated = 0 },
  }
end
