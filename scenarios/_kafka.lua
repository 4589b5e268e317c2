-- Shared pieces of the Kafka scenarios (kafka_*.lua). Returns a table:
--   cluster(opts)   three kafka.controller nodes c1-c3 (Raft) and `rf`
--                   kafka.broker nodes b1..bRF of one partition; opts:
--                   rf (3), unclean (false), truncation ("epoch"),
--                   min_isr (1), lag ("300ms"), session ("500ms"),
--                   fetch ("20ms"); returns the broker names
--   producer(brokers, opts)  one kafka.producer "producer" with a closed
--                   workload of send ops: opts acks ("all"), retries (3),
--                   request_timeout ("200ms"),
--                   idempotent (false), think ("5ms"), timeout ("1s"),
--                   stop (nil: the whole run)
--   consumer(brokers)        one kafka.consumer "consumer"
--   leader_of()     the broker that announced the highest leader epoch
--                   so far (kafka_leader events), or nil
--   invariants      { acked_loss = 0, read_then_lost = 0, divergence = 0 }
-- and records metric kafka_write_gap_s (the longest time between two
-- successful sends).
local M = {}

M.invariants = { acked_loss = 0, read_then_lost = 0, divergence = 0 }

local leader, leader_epoch = nil, 0
on({ kind = "event", type = "kafka_leader" }, function(ev)
  if ev.msg.epoch > leader_epoch then leader, leader_epoch = ev.node, ev.msg.epoch end
end)
function M.leader_of() return leader end

-- Metric kafka_write_gap_s: the longest time without a successful send
-- (between the first and the last ok), the unavailability a client sees.
local last_ok, gap = nil, 0
on("op", function(ev)
  if ev.op.type ~= "ok" or ev.op.f ~= "send" then return end
  if last_ok and ev.time - last_ok > gap then
    gap = ev.time - last_ok
    metric("kafka_write_gap_s", gap)
  end
  last_ok = ev.time
end)

function M.cluster(o)
  o = o or {}
  local rf = o.rf or 3
  local brokers = {}
  for i = 1, rf do brokers[i] = "b" .. i end
  local list = table.concat(brokers, ",")
  for i = 1, 3 do
    node("c" .. i, "kafka.controller", {
      peers = "c1,c2,c3", replicas = list, read = "readindex",
      unclean_leader_election = o.unclean or false,
      broker_session_timeout = o.session or "500ms",
    })
  end
  for i = 1, rf do
    node(brokers[i], "kafka.broker", {
      replicas = list, controllers = "c1,c2,c3",
      truncation = o.truncation or "epoch", min_insync_replicas = o.min_isr or 1,
      replica_lag_time = o.lag or "300ms", fetch_interval = o.fetch or "20ms",
    })
  end
  return brokers
end

function M.producer(brokers, o)
  o = o or {}
  local n = node("producer", "kafka.producer", {
    brokers = table.concat(brokers, ","), acks = o.acks or "all",
    retries = o.retries or 3, idempotent = o.idempotent or false,
    request_timeout = o.request_timeout or "200ms",
  })
  workload(n, { ops = { "send" }, think = o.think or "5ms", timeout = o.timeout or "1s", stop = o.stop })
  return n
end

function M.consumer(brokers)
  return node("consumer", "kafka.consumer", { brokers = table.concat(brokers, ",") })
end

return M
