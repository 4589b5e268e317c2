-- M/D/1 against the Pollaczek-Khinchine formula. Two independent servers
-- with a constant service time 1/mu = 2 ms, loaded by Poisson sources at
-- rho = 0.5 and 0.9. For M/G/1 the mean wait is lambda E[S^2] / (2 (1 - rho));
-- with a constant S that is rho / (2 mu (1 - rho)), half the M/M/1 wait,
-- so W = 1/mu + rho / (2 mu (1 - rho)) (3 ms and 11 ms). One seed must be
-- within 20% of it (see capacity_mm1.lua); the 5% claim is on the mean over
-- seeds (tests/sh/t_capacity_queueing.sh, docs/capacity.md).
scenario { name = "capacity_md1", seeds = 2 }

local p = params { scale = 1 }
local q = include("_queueing.lua")
local mu = 500
local points = { { rho = 0.5, stop = 100 }, { rho = 0.9, stop = 900 } }
duration(900 * p.scale + 10)

network { latency = "0" }
q.single_servers(points, mu, p.scale, { time = "2ms", queue = 1000000 },
                 function(rho) return 1000 * (1 / mu + rho / (2 * mu * (1 - rho))) end)
expect { violations = 0, metrics = q.check(points, 0.20) }
