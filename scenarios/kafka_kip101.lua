-- Issue 13, scenario 3: KIP-101's case — two brokers restart in turn.
-- Two brokers, leader A and follower B, acks=all with min_isr = 1. The
-- moment A acknowledges its N-th record (N drawn per seed in 30..150),
-- B has that record but not yet the HW that covers it (the HW reaches a
-- follower one fetch later): B crash-restarts (50 ms down, inside its
-- session: it stays in the ISR). When B, back, sends its first request
-- to A, A crashes (back after 1.5 s); the controller makes B leader.
--   truncation = "hw"     (before KIP-101) B truncated to its HW when it
--                         became follower again, dropping the acknowledged
--                         record; as leader it takes new records at that
--                         offset, and A, back, truncates only to its own
--                         HW and keeps the old one there: the record is
--                         lost (acked_loss) and A's log diverges from the
--                         leader's below its HW (divergence)
--   truncation = "epoch"  (KIP-101) B asks A for the end offset of its
--                         last leader epoch before truncating; A is gone
--                         before answering, so B truncates nothing and
--                         leads with the record; A, back, asks B and
--                         truncates only what B does not have: no loss,
--                         no divergence
scenario { name = "kafka_kip101", duration = "5s", seeds = 5 }

local p = params { truncation = "hw" }
network { latency = "uniform:1ms,5ms", fifo = true }
local kafka = include("_kafka.lua")
local brokers = kafka.cluster { rf = 2, truncation = p.truncation }
kafka.producer(brokers, { acks = "all", stop = "4.5s" })
kafka.consumer(brokers)

local nth = rng("kafka_kip101"):random(30, 150)
local replies, a, b, b_back = 0, nil, nil, false
on({ kind = "send", type = "ProduceReply" }, function(ev)
  if a or ev.msg.err ~= 0 then return end
  replies = replies + 1
  if replies < nth then return end
  a = ev.node
  b = a == "b1" and "b2" or "b1"
  crash_restart(b, "50ms")
  after("50ms", function() b_back = true end)
end)
on({ kind = "send", type = { "Fetch", "EpochQuery" }, where = function(ev)
  return b_back and ev.node == b
end }, function(ev)
  b_back = false
  crash(a)
  metric("kip101_crashed_at_ack", replies)
  after("1.5s", function() restart(a) end)
end)

local broken = p.truncation == "hw"
expect {
  invariants = {
    acked_loss = broken and { min = 1 } or 0,
    divergence = broken and { min = 1 } or 0,
    -- the consumer may have read the lost record (A's HW had passed it)
    read_then_lost = broken and { max = 1 } or 0,
  },
  metrics = { kafka_acked = { min = 100 }, kip101_crashed_at_ack = { min = 30 } },
}
