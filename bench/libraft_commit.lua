-- The libraft_commit benchmark (bench/bench_libraft.c): three servers and
-- one closed-loop client (read, write, cas on 5 keys, no think time) over
-- links of uniform 1-2 ms in send order, no faults, 100 simulated seconds;
-- impl = "libraft" runs libraft 0.15.0 (libraft.server, libraft.client),
-- impl = "raft" faultsim's own model (raft, kv.raft). Metric `applied`:
-- entries s1 applied (every committed entry, in order: s1 never fails).
scenario { name = "libraft_commit", duration = "100s" }
local p = params { impl = "libraft" }
local server, client = "libraft.server", "libraft.client"
if p.impl == "raft" then server, client = "raft", "kv.raft" end
network { latency = "uniform:1ms,2ms", fifo = true }
for i = 1, 3 do node("s" .. i, server, { peers = "s1,s2,s3" }) end
clients {
  count = 1, model = client, params = { servers = "s1,s2,s3" },
  workload = { ops = { read = 1, write = 1, cas = 1 }, keys = 5, think = 0, timeout = "1s" },
}
metric_add("applied", 0)
on({ kind = "event", type = "raft_apply" }, function(ev)
  if ev.node == "s1" then metric_add("applied") end
end)
expect { invariants = { election_safety = 0, log_matching = 0, leader_completeness = 0, state_machine_safety = 0 } }
