-- M/M/c against the Erlang C formula. One station of c = 4 servers, each
-- serving in exponential times of mean 1/mu = 2 ms, loaded by a Poisson
-- source at lambda = rho * c * mu with rho = 0.8 (offered load a = 3.2).
-- An arrival waits with probability C(c, a) (Erlang C), and then for
-- 1 / (c mu - lambda) on average, so the mean response time is
-- W = C(c, a) / (c mu - lambda) + 1 / mu (3.49 ms here). One seed must be
-- within 20% of it (see capacity_mm1.lua); the 5% claim is on the mean over
-- seeds (tests/sh/t_capacity_queueing.sh, docs/capacity.md).
scenario { name = "capacity_mmc", seeds = 2 }

local p = params { scale = 1, servers = 4, rho = 0.8 }
local q = include("_queueing.lua")
local mu = 500
local c = p.servers
local lambda = p.rho * c * mu
duration(300 * p.scale + 10)

network { latency = "0" }
q.station("mmc", lambda, 300 * p.scale, { time = "exp:2ms", servers = c, queue = 1000000 })
local point = { name = "mmc", theory_ms = 1000 * (q.erlang_c(c, lambda / mu) / (c * mu - lambda) + 1 / mu) }
metric("erlang_c", q.erlang_c(c, lambda / mu))
expect { violations = 0, metrics = q.check({ point }, 0.20) }
