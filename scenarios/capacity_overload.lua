-- Capacity turning into unavailability. One echo server serves PINGs in
-- exponential times of mean 2 ms (mu = 500/s) with room for `queue`
-- waiting; a full queue rejects, and echo.server answers BUSY, which the
-- client records as a failed ping. Poisson pings arrive at rho * mu. This
-- is the M/M/1/K queue with K = queue + 1 places in the system: an arrival
-- finds it full with probability
--   P_K = (1 - rho) rho^K / (1 - rho^(K+1))
-- and every other ping is answered, so availability (ok / invoked) must be
-- 1 - P_K, within 0.03 (more than five standard deviations of one run; the
-- mean over 20 seeds is in docs/capacity.md). At rho = 1.2 the server
-- cannot keep up: a fifth of the pings are turned away, however long the
-- run. Links take a constant 1 ms, so arrivals at the server are still
-- Poisson and every answer comes well before the 1 s timeout.
scenario { name = "capacity_overload", duration = "110s", seeds = 2 }

local p = params { rho = 1.2, queue = 9 }
local mu = 500
network { latency = "1ms" }
node("server", "echo.server", nil, { service = { time = "exp:2ms", queue = p.queue, overflow = "reject" } })
clients {
  count = 1, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { mode = "open", rate = p.rho * mu, ops = { "ping" }, timeout = "1s", stop = "100s" },
}

local k = p.queue + 1
local p_full = p.rho == 1 and 1 / (k + 1) or (1 - p.rho) * p.rho ^ k / (1 - p.rho ^ (k + 1))
metric("blocking_theory", p_full)
invariant("mm1k_blocking", function()
  local s = service_stats("server")
  local st = stats()
  metric("blocking_measured", s.rejected / (s.rejected + s.arrivals))
  metric("availability_theory", 1 - p_full)
  local a = st.ok / st.invoked
  return math.abs(a - (1 - p_full)) <= 0.03,
         string.format("availability %.4f, M/M/1/K predicts %.4f", a, 1 - p_full)
end)

expect { violations = 0 }
