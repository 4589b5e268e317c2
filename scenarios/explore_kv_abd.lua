-- kv.abd, the multi-writer ABD register (Attiya, Bar-Noy, Dolev 1995;
-- Lynch and Shvartsman's multi-writer form), for `faultsim explore`: three
-- replicas and four clients with no scripted fault; the swarm brings every
-- fault kind to the replicas. ABD keeps its register durable and needs
-- only a live majority for progress, never for safety, so exploring finds
-- no violation of linearizability or of real-time reads:
--   faultsim explore scenarios/explore_kv_abd.lua --runs 1000
scenario { name = "explore_kv_abd", duration = "3s", seeds = 2 }
network { latency = "uniform:1ms,5ms" }
local servers = {}
for i = 1, 3 do servers[i] = node("s" .. i, "kv.abd", { replicas = 3 }) end
clients {
  count = 4, model = "kv.abd.client",
  workload = { ops = { read = 1, write = 1 }, keys = 2, think = "5ms", timeout = "300ms", stop = "2.5s" },
}
explore { nodes = servers, stop = "2.5s" }
expect { invariants = { linearizable = 0, stale_read = 0 } }
