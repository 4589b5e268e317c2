-- Issue 13, scenario 2: the availability–durability trade-off of unclean
-- leader election. Three brokers; at 1 s the leader is cut off from both
-- followers (not from the controllers or the clients), so after
-- replica_lag_time the ISR shrinks to the leader alone and acks=all
-- (min_isr = 1) keeps being acknowledged by it alone. At 2 s the leader
-- crashes (the cut heals); it comes back at 4 s.
--   unclean = false  no ISR member is left: the partition has no leader
--                    until the old one returns — nothing acknowledged is
--                    lost, writes fail meanwhile
--   unclean = true   the controller elects a live follower out of the
--                    ISR: writes go on, and what the old leader alone
--                    acknowledged is lost (and read by the consumer, then
--                    gone)
scenario { name = "kafka_unclean", duration = "6s", seeds = 5 }

local p = params { unclean = false }
network { latency = "uniform:1ms,5ms", fifo = true }
local kafka = include("_kafka.lua")
local brokers = kafka.cluster { unclean = p.unclean }
kafka.producer(brokers, { acks = "all", timeout = "500ms", stop = "5.5s" })
kafka.consumer(brokers)

local old
at("1s", function()
  old = kafka.leader_of()
  for _, b in ipairs(brokers) do
    if b ~= old then cut(old, b); cut(b, old) end
  end
end)
at("2s", function() heal(); crash(old) end)
at("4s", function() restart(old) end)

expect {
  invariants = {
    acked_loss = p.unclean and { min = 1 } or 0,
    read_then_lost = p.unclean and { min = 1 } or 0,
    divergence = 0,
  },
  metrics = { kafka_acked = { min = 100 },
    kafka_write_gap_s = p.unclean and { max = 1 } or { min = 1.8 } },
}
