-- A Kafka partition, no faults: three controllers on Raft, three brokers,
-- an acks=all producer and a consumer. Every acknowledged record is in the
-- final log, the consumer reads what was written, no replica diverges.
scenario { name = "kafka_basic", duration = "3s", seeds = 3 }

local p = params { acks = "all" }
network { latency = "uniform:1ms,5ms", fifo = true }
local kafka = include("_kafka.lua")
local brokers = kafka.cluster {}
kafka.producer(brokers, { acks = p.acks })
kafka.consumer(brokers)

expect {
  invariants = kafka.invariants,
  metrics = { kafka_acked = { min = 100 }, kafka_reads = { min = 100 }, kafka_duplicates = 0 },
  availability_min = 0.9,
}
