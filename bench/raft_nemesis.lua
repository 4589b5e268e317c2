-- The nemesis benchmark of issue 12 ("a 10-second nemesis run of kv.raft
-- with lincheck finishes in under 2 s"), run by `make bench` (bench
-- raft_nemesis, which times the whole run, lincheck included) and by
-- tests/sh/t_bench_raft.sh (which checks only that it holds).
--
-- Five `raft` servers with their default parameters, links uniform 1-2 ms
-- in send order (like TCP), ten closed-loop kv.raft clients without think
-- time (read, write and cas on 5 keys), and two nemeses on the servers:
-- crashes (exponential up times of mean 3 s, down 500 ms) and random
-- halves cut apart every 2 s for 500 ms. The Raft invariants are checked
-- as the run goes and the clients' history by lincheck at the end.
scenario { name = "bench_raft_nemesis", duration = "10s", seeds = 1 }

local raft = include("../scenarios/_raft.lua")
network { latency = "uniform:1ms,2ms", fifo = true }
local servers = raft.servers(raft.names(5), "raft")
clients {
  count = 10, model = "kv.raft",
  params = { servers = raft.list(servers), lincheck = true },
  workload = { ops = { read = 1, write = 1, cas = 1 }, keys = 5, think = "0ms", timeout = "1s" },
}
nemesis.crashes { nodes = servers, mttf = "3s", mttr = "500ms" }
nemesis.partitions { nodes = servers, every = "2s", duration = "500ms" }

expect {
  invariants = { linearizable = 0, election_safety = 0, log_matching = 0, leader_completeness = 0,
                 state_machine_safety = 0 },
  metrics = { raft_lincheck = 1, nemesis_crashes = { min = 1 }, nemesis_partitions = { min = 1 } },
}
