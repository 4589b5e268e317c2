-- Kafka with every node failing: crashes, partitions and GC-style pauses
-- hit brokers and controllers alike (each nemesis on its own stream), over
-- a lossy, duplicating, reordering network. The correct configuration
-- (acks=all, min_isr = 2, clean election, epoch truncation, controllers
-- that confirm their leadership before telling brokers anything) must
-- keep every invariant; progress is not promised.
--   mode = "part"   partitions only; "crash" crashes only; "both" (the
--                   default) partitions, crashes and pauses together
-- Seeds that once broke the model (tests/sh/t_kafka.sh runs them):
--   135  a restarted controller, elected before applying its log, told a
--        restarted broker the partition state of the cluster's creation
--   178  a follower whose last epoch the leader never had kept a record
--        the leader did not (KIP-279: ask again for the next epoch down)
--   675  (idempotent=false) a deposed controller told a restarted broker
--        an older ISR, and it acknowledged records without a member the
--        controller then elected (answers now wait for a ReadIndex round)
scenario { name = "kafka_nemesis", duration = "6s", seeds = 3 }
local p = params { idempotent = true, mode = "both" }
network { latency = "lognormal:3ms,1.2", fifo = false, loss = 0.05, duplicate = 0.1 }
local kafka = include("_kafka.lua")
local brokers = kafka.cluster { min_isr = 2 }
kafka.producer(brokers, { acks = "all", idempotent = p.idempotent, retries = 5, request_timeout = "100ms", stop = "5.5s" })
kafka.consumer(brokers)
local all = { "b1", "b2", "b3", "c1", "c2", "c3" }
if p.mode == "part" then
  nemesis.partitions { nodes = all, every = "700ms", duration = "400ms" }
elseif p.mode == "crash" then
  nemesis.crashes { nodes = all, mttf = "1.5s", mttr = "300ms" }
else
  nemesis.partitions { nodes = all, every = "700ms", duration = "400ms" }
  nemesis.crashes { nodes = all, mttf = "2s", mttr = "300ms" }
  nemesis.pauses { nodes = all, every = "900ms", duration = "300ms" }
end
expect { invariants = kafka.invariants, metrics = { kafka_acked = { min = 0 } } }
