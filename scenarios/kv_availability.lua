-- Availability of kv.quorum against independent node downtime. Each of 5
-- servers crash-restarts forever, up for Exp(mttf) and down for Exp(mttr),
-- so at a random instant it is down with probability p = mttr/(mttf+mttr).
-- A read (write) completes iff at least R (W) of its key's N replicas are
-- up: A(k) = sum_{k=R}^{N} C(N,k) (1-p)^k p^(N-k). Set n/r/w with --set; the
-- scenario reports the formula's value next to the measured one.
scenario { name = "kv_availability", duration = "120s", seeds = 8 }

local p = params { n = 3, r = 2, w = 2, mttf = 1.5, mttr = 0.5 }
network { latency = "1ms" }
local servers = {}
for i = 1, 5 do servers[i] = node("s" .. i, "kv.quorum", { replicas = p.n }) end
clients {
  count = 2, model = "kv.quorum.client", params = { r = p.r, w = p.w, read_repair = false },
  workload = { mode = "open", rate = 50, ops = { read = 1, write = 1 }, keys = 50,
               timeout = "4ms", start = "5s", stop = "119s" },
}
nemesis.crashes { nodes = servers, mttf = p.mttf, mttr = p.mttr }

local down = p.mttr / (p.mttf + p.mttr)
local function choose(n, k)
  local c = 1
  for i = 1, k do c = c * (n - k + i) / i end
  return c
end
local function avail(need)
  local a = 0
  for k = need, p.n do a = a + choose(p.n, k) * (1 - down) ^ k * down ^ (p.n - k) end
  return a
end
metric("kv_read_availability_formula", avail(p.r))
metric("kv_write_availability_formula", avail(p.w))
-- One seed is a noisy estimate (downtime is correlated over ~mttr); the
-- test suite compares the mean of many seeds within 3 standard errors.
expect { metrics = {
  kv_read_availability = { min = avail(p.r) - 0.1, max = avail(p.r) + 0.1 },
  kv_write_availability = { min = avail(p.w) - 0.1, max = avail(p.w) + 0.1 },
} }
