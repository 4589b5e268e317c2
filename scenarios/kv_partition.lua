-- kv.quorum (N = 3) under a partition that leaves client1 with one replica
-- and client2 with the other two, for 3 s. With R = W = 1 both sides keep
-- answering and each side's reads miss the other side's writes (invariant
-- `stale_read`, judged in real time from the history). With R = W = 2
-- (--set r=2 --set w=2) no read is stale, and client1, cut off from a
-- majority, loses availability.
scenario { name = "kv_partition", duration = "8s", seeds = 10 }

local p = params { r = 1, w = 1, keys = 2, sloppy = false }
network { latency = "uniform:1ms,3ms" }
for i = 1, 3 do node("s" .. i, "kv.quorum", { replicas = 3 }) end
clients {
  count = 2, model = "kv.quorum.client", params = { r = p.r, w = p.w, sloppy = p.sloppy },
  workload = { mode = "open", rate = 100, ops = { read = 1, write = 1 }, keys = p.keys, timeout = "100ms", stop = "7s" },
}
at("2s", function() partition({ "s1", "client1" }, { "s2", "s3", "client2" }) end)
at("5s", heal)

if p.r + p.w > 3 then
  expect { invariants = { stale_read = 0 }, metrics = { kv_read_availability = { max = 0.9 } } }
else
  expect { invariants = { stale_read = { min = 1 } }, metrics = { kv_read_availability = { min = 0.99 } } }
end
