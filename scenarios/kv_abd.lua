-- kv.abd, the multi-writer ABD register, under crashes of a minority and
-- random message loss: three replicas per key, one replica at a time
-- crash-restarts, 5% of messages are lost. The clients' finish hook runs the
-- linearizability checker on the history (invariant `linearizable`) and the
-- real-time stale-read check (invariant `stale_read`).
scenario { name = "kv_abd", duration = "6s", seeds = 20 }

local p = params { loss = 0.05, keys = 3, clients = 4 }
network { latency = "uniform:1ms,5ms", loss = p.loss }
local servers = {}
for i = 1, 3 do servers[i] = node("s" .. i, "kv.abd", { replicas = 3 }) end
clients {
  count = p.clients, model = "kv.abd.client",
  workload = { ops = { read = 1, write = 1 }, keys = p.keys, think = "5ms", timeout = "300ms", stop = "5s" },
}
-- one replica down at a time: a majority of every key's replicas stays up
local r = rng("minority")
every("1s", function()
  crash_restart(servers[r:random(1, #servers)], r:random() * 0.6 + 0.1)
end)

expect { invariants = { linearizable = 0, stale_read = 0 }, metrics = { abd_lincheck = 1,
         abd_read_availability = { min = 0.9 } } }
