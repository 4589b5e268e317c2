-- The scenario `faultsim capacity` is tested on (tests/sh/t_capacity_search.sh,
-- docs/capacity.md "Capacity search"): one echo server with exponential
-- service times of mean 2 ms (mu = 500/s) and an unbounded queue, pinged
-- by Poisson arrivals at `rate` per second over links that take no time.
-- This is M/M/1: the response time of a ping (its latency) is exponential
-- with rate mu - lambda, so its p99 is ln(100) / (mu - lambda) and the
-- highest rate meeting `p99 <= D` is lambda_max = mu - ln(100) / D
-- (269.7/s for D = 20 ms).
--
-- The analytic curve is declared as metrics named theory_*: theory_p99_ms
-- (the p99 above, at this rate) and theory_mean_ms (1 / (mu - lambda)),
-- absent at or past saturation. `faultsim capacity --csv` keeps every
-- theory_* metric as a column and tools/plot-capacity.sh draws it.
scenario { name = "capacity_search_mm1", duration = "60s", seeds = 2 }

local p = params { rate = 100 }
local mu = 500
network { latency = "0" }
node("server", "echo.server", nil, { service = { time = "exp:2ms", queue = 1000000 } })
clients {
  count = 1, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { mode = "open", rate = p.rate, ops = { "ping" }, timeout = "10s", stop = "50s" },
}
if p.rate < mu then
  metric("theory_p99_ms", 1000 * math.log(100) / (mu - p.rate))
  metric("theory_mean_ms", 1000 / (mu - p.rate))
end
expect { violations = 0 }
