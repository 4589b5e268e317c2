-- Kafka under each network fault on its own and all combined (the fault
-- matrix of _kv_faults.lua: none, loss, duplicate, reorder, delay, crash,
-- all; crashes take down brokers): the correct configuration — acks=all,
-- min_insync_replicas = 2, three brokers, clean leader election, leader
-- epoch truncation, an idempotent producer. Promised under every fault:
-- nothing acknowledged is lost, nothing read disappears, no replica's
-- committed prefix diverges, no record is appended twice, and writes make
-- progress.
scenario { name = "kafka_faults", duration = "5s", seeds = 3 }

local p = params { fault = "all", idempotent = true }
local faults = include("_kv_faults.lua")
local kafka = include("_kafka.lua")
faults.network(p.fault, { "b1", "b2", "b3" })
local brokers = kafka.cluster { min_isr = 2 }
kafka.producer(brokers, { acks = "all", idempotent = p.idempotent, retries = 5, request_timeout = "100ms", stop = "4.5s" })
kafka.consumer(brokers)

expect {
  invariants = kafka.invariants,
  metrics = { kafka_acked = { min = 25 }, kafka_reads = { min = 25 },
    -- without idempotence a retry after a lost answer (or a duplicated
    -- Produce) appends the record again
    kafka_duplicates = p.idempotent and 0
      or ((p.fault == "loss" or p.fault == "duplicate" or p.fault == "all") and { min = 1 } or { min = 0 }) },
}
