-- Last writer wins by wall clock, and one clock is wrong. kv.quorum with
-- N = 3, R = W = 2 (a strict quorum: R + W > N); two clients read and write
-- one key. With versions = "clock" each write is stamped with its
-- coordinator's local clock, as Cassandra stamps writes with the client's
-- or coordinator's time; client2's clock runs `skew` behind (50 ms by
-- default). A write of client2 that starts after a write of client1 has
-- completed still carries the older timestamp when the two are less than
-- `skew` apart, so the replicas keep client1's value and the acknowledged
-- write is silently lost: the next reads return the older value, and the
-- invariant `stale_read` counts them. Quorums do not help; only clocks do.
-- --set versions=read (the default of kv.quorum.client: a write reads the
-- highest version first) loses nothing under the same skew; --set skew=0ms
-- shows the clock version losing nothing when the clocks agree.
scenario { name = "kv_clock_skew", duration = "5s", seeds = 10 }

local p = params { versions = "clock", skew = "-50ms" }
network { latency = "uniform:1ms,5ms" }
for i = 1, 3 do node("s" .. i, "kv.quorum", { replicas = 3 }) end
clients {
  count = 2, model = "kv.quorum.client", params = { r = 2, w = 2, versions = p.versions },
  workload = { ops = { read = 1, write = 1 }, keys = 1, think = "5ms", timeout = "300ms", stop = "4.5s" },
}
at(0, function() clock_offset("client2", p.skew) end)

local skewed = p.versions == "clock" and not tostring(p.skew):match("^%-?[0.]+%a*$")
if skewed then
  expect { invariants = { stale_read = { min = 1 } }, metrics = { kv_read_availability = 1, kv_write_availability = 1 } }
else
  expect { invariants = { stale_read = 0 }, metrics = { kv_read_availability = 1, kv_write_availability = 1 } }
end
