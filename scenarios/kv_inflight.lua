-- One coordinator with many writes in flight to one key. A write gets
-- (highest version seen + 1, tie-break); writes started together see the
-- same highest version, so the tie-break alone orders them, and it must be
-- unique per write. With the client's node id, two values got the same
-- version, each replica kept whichever arrived first, and the replicas
-- never agreed again (read repair cannot settle equal versions). Checked at
-- the end: every replica of the key holds the same cell
-- (kv_divergent_keys = 0; read repair is off so that only the versions
-- decide), and no read was stale. --set store=abd runs kv.abd the same way
-- (its linearizability checker is off: it wants one operation per client
-- at a time).
scenario { name = "kv_inflight", duration = "2s", seeds = 10 }

local p = params { store = "quorum" }
assert(p.store == "quorum" or p.store == "abd", "store must be quorum or abd")
local quorum = p.store == "quorum"
network { latency = "uniform:1ms,10ms" }
for i = 1, 3 do node("s" .. i, quorum and "kv.quorum" or "kv.abd", { replicas = 3 }) end
clients {
  count = 1, model = quorum and "kv.quorum.client" or "kv.abd.client",
  params = quorum and { r = 2, w = 2, read_repair = false } or { lincheck = false },
  workload = { mode = "open", rate = 1000, ops = { read = 1, write = 3 }, keys = 1, timeout = "500ms", stop = "1s" },
}

local prefix = quorum and "kv" or "abd"
expect { invariants = { stale_read = 0 }, metrics = { [prefix .. "_divergent_keys"] = 0, [prefix .. "_write_ok"] = { min = 500 } } }
