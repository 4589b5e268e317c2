-- Availability of kv.quorum against independent node downtime. Each of 5
-- servers crash-restarts forever, up for Exp(mttf) and down for Exp(mttr),
-- so at a random instant it is down with probability p = mttr/(mttf+mttr).
-- A read completes iff at least R of its key's N replicas are up; a write
-- first queries R replicas for the highest version and then needs W acks,
-- so it needs max(R, W) of them (W alone with --set versions=clock):
-- A(k) = sum_{j=k}^{N} C(N,j) (1-p)^j p^(N-j). Set n/r/w with --set; the
-- scenario reports the formula's value next to the measured one.
scenario { name = "kv_availability", duration = "120s", seeds = 8 }

local p = params { n = 3, r = 2, w = 2, mttf = 1.5, mttr = 0.5, versions = "read" }
network { latency = "1ms" }
local servers = {}
for i = 1, 5 do servers[i] = node("s" .. i, "kv.quorum", { replicas = p.n }) end
clients {
  count = 2, model = "kv.quorum.client", params = { r = p.r, w = p.w, versions = p.versions, read_repair = false },
  workload = { mode = "open", rate = 50, ops = { read = 1, write = 1 }, keys = 50,
               timeout = "6ms", start = "5s", stop = "119s" },
}
nemesis.crashes { nodes = servers, mttf = p.mttf, mttr = p.mttr }

local down = p.mttr / (p.mttf + p.mttr)
local write_need = p.versions == "clock" and p.w or math.max(p.r, p.w)
local function choose(n, k)
  local c = 1
  for i = 1, k do c = c * (n - k + i) / i end
  return c
end
local function avail(need, down)
  local a = 0
  for k = need, p.n do a = a + choose(p.n, k) * (1 - down) ^ k * down ^ (p.n - k) end
  return a
end
-- The formula at the nominal p, and at the down fraction this run measured
-- over the workload's window (the test suite compares with the latter).
metric("kv_read_availability_nominal", avail(p.r, down))
metric("kv_write_availability_nominal", avail(write_need, down))
local t0, t1 = 5, 119
local downtime = include("_kv_downtime.lua")(#servers, t0, t1)
at(t1, function()
  local measured = downtime.fraction()
  metric("kv_down_fraction", measured)
  metric("kv_read_availability_formula", avail(p.r, measured))
  metric("kv_write_availability_formula", avail(write_need, measured))
end)
-- One seed is a noisy estimate (downtime is correlated over ~mttr); the
-- test suite compares the mean of many seeds within 3 standard errors.
expect { metrics = {
  kv_read_availability = { min = avail(p.r, down) - 0.1, max = avail(p.r, down) + 0.1 },
  kv_write_availability = { min = avail(write_need, down) - 0.1, max = avail(write_need, down) + 0.1 },
} }
