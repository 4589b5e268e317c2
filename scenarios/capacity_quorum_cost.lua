-- Quorum cost: what W costs in capacity. N = 3 kv.quorum replicas, each a
-- single server with exponential service of mean 2 ms (mu = 500 messages
-- per second) and a queue long enough never to drop. One open-loop client
-- writes at `rate` per second for 10 s (Poisson; `keys` keys, 100), waits for
-- W = `w` acks, and the run ends at 12 s.
-- Writes take their version from the client's clock (versions = "clock"):
-- one round trip, so a write is exactly the PUTs its coordinator sends.
-- (With --set versions=read a write first queries R = `r` replicas: R + W
-- messages, or 2N with send_to = "all".)
-- Every message costs a replica one service, so a write costs m services
-- spread over 3 replicas, and the replicas saturate at
--   capacity = 3 mu / m writes per second
-- with m = 3 whatever W when the client sends to all replicas
-- (send_to = "all": W only picks the ack it waits for), and m = W when it
-- sends to the W it needs (send_to = "quorum"): 750 for W = 2, 500 for
-- W = 3, a ratio of 3/2.
-- Capacity is measured as goodput at saturation: the writes acknowledged
-- per second from 2 s to 10 s. Above capacity the queues grow without
-- bound, every message is still served (the 30 s timeout never fires) and
-- the replicas serve at full speed, so the goodput is the capacity; below
-- it, the goodput is the offered rate. Invariant `capacity_as_predicted`:
--   - messages per write (replica arrivals / writes invoked) is m exactly;
--   - goodput is within 10% of min(rate, capacity) (one run's spread is
--     about 1% for one standard deviation; tests/sh/t_quorum_cost.sh
--     compares W = 2 with W = 3 over seeds, docs/capacity.md has the
--     table).
-- `sloppy_after` is the client's: with send_to = "quorum" it is also how
-- long a phase waits before asking more replicas. Here it is longer than
-- the run, so overload does not turn into extra requests (docs/capacity.md
-- shows what the default 20 ms does at saturation).
-- `faultsim capacity --param rate` can search this scenario's `rate`.
scenario { name = "capacity_quorum_cost", duration = "12s", seeds = 2 }

local p = params { rate = 1000, w = 2, r = 2, send_to = "quorum", versions = "clock",
                   sloppy_after = "60s", timeout = "30s", keys = 100 }
assert(p.w == 2 or p.w == 3, "w must be 2 or 3")
assert(p.send_to == "all" or p.send_to == "quorum", "send_to must be \"all\" or \"quorum\"")
local n, mu = 3, 500
local warm, load_until = 2, 10 -- seconds

network { latency = "1ms" }
local servers = {}
for i = 1, n do
  servers[i] = node("s" .. i, "kv.quorum", { replicas = n }, { service = { time = "exp:2ms", queue = 1000000 } })
end
clients {
  count = 1, model = "kv.quorum.client",
  params = { w = p.w, r = p.r, versions = p.versions, send_to = p.send_to, sloppy_after = p.sloppy_after },
  workload = { mode = "open", rate = p.rate, ops = { write = 1 }, keys = p.keys, timeout = p.timeout,
               stop = load_until .. "s" },
}

-- Messages a write costs the replicas, and the rate at which they saturate.
local phases = p.versions == "read" and 2 or 1
local per_write
if p.send_to == "all" then per_write = n * phases
else per_write = p.w + (phases == 2 and math.min(p.r, n) or 0) end
local capacity = n * mu / per_write
local predicted = math.min(p.rate, capacity)
metric("messages_per_write_predicted", per_write)
metric("capacity_predicted", capacity)
metric("goodput_predicted", predicted)

local writes, acked, invoked_at, latency_sum, latency_n = 0, 0, {}, 0, 0
on("op", function(ev)
  local op = ev.op
  if op.type == "invoke" then
    writes = writes + 1
    invoked_at[op.id] = ev.time
    return
  end
  if op.type == "ok" then
    latency_sum, latency_n = latency_sum + ev.time - invoked_at[op.id], latency_n + 1
    if ev.time >= warm and ev.time <= load_until then acked = acked + 1 end
  end
  invoked_at[op.id] = nil
end)

-- Utilization over the load (0 to 10 s), before the queues drain.
at(load_until, function()
  local umin, umax = 1, 0
  for i, s in ipairs(servers) do
    local u = service_stats(s).utilization
    metric("utilization_s" .. i, u)
    umin, umax = math.min(umin, u), math.max(umax, u)
  end
  metric("utilization_min", umin)
  metric("utilization_max", umax)
end)

invariant("capacity_as_predicted", function()
  local arrivals = 0
  for _, s in ipairs(servers) do
    local st = service_stats(s)
    arrivals = arrivals + st.arrivals + st.overload_drops
  end
  local m = arrivals / writes
  local goodput = acked / (load_until - warm)
  metric("messages_per_write", m)
  metric("goodput_per_s", goodput)
  metric("goodput_ratio", goodput / predicted)
  metric("write_latency_mean_ms", latency_n > 0 and 1000 * latency_sum / latency_n or 0)
  local bad = {}
  if m ~= per_write then
    bad[#bad + 1] = string.format("%.4f messages per write, predicted %d", m, per_write)
  end
  if math.abs(goodput / predicted - 1) > 0.10 then
    bad[#bad + 1] = string.format("goodput %.1f/s, predicted min(rate %g, capacity %.1f) = %.1f",
      goodput, p.rate, capacity, predicted)
  end
  return #bad == 0, table.concat(bad, "; ")
end)

expect { violations = 0, metrics = { goodput_ratio = { min = 0.9, max = 1.1 } } }
