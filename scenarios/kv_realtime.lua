-- Do kv.quorum's versions follow real time? N = 5, R = W = 3, no faults at
-- all: six clients read and write the same two keys. The invariant
-- `stale_read` (declared by kv.quorum.client, judged from the history in
-- real time) counts reads that return a value older than a write that
-- completed before the read began.
--
-- Versions used to come from each client's private Lamport clock: two
-- clients that never exchange messages have unrelated clocks, so a write
-- that starts after another completed could carry a smaller version and be
-- discarded (about 2% of reads were stale here). Now a write first asks R
-- replicas for the highest version and writes one above it (ABD's writer),
-- so with R + W > N no read is stale. --set versions=clock stamps writes
-- with the coordinator's clock instead: also 0 here, because every clock is
-- right (see kv_clock_skew.lua for what a wrong one does).
scenario { name = "kv_realtime", duration = "10s", seeds = 10 }

local p = params { versions = "read" }
network { latency = "uniform:1ms,10ms" }
for i = 1, 5 do node("s" .. i, "kv.quorum", { replicas = 5 }) end
clients {
  count = 6, model = "kv.quorum.client", params = { r = 3, w = 3, versions = p.versions },
  workload = { ops = { read = 1, write = 1 }, keys = 2, think = "5ms", timeout = "500ms", stop = "9s" },
}

expect { invariants = { stale_read = 0 }, metrics = { kv_reads_checked = { min = 1000 } } }
