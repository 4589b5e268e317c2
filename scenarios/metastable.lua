-- A metastable failure (Bronson, Aghayev, Charapko and Zhu, "Metastable
-- Failures in Distributed Systems", HotOS 2021) and three ways out of it.
--
-- One echo server (exponential service of mean 2 ms, mu = 500 per second,
-- 500 waiting places: a second of work) is loaded at `load` = 75%: the
-- "vulnerable" state, fine as long as nothing happens. Clients give each
-- attempt 200 ms and retry at once, up to 3 times. The trigger: the server
-- pauses for 2 s at t = 10 s. The backlog it leaves takes longer than the
-- timeout to serve, so every attempt times out in the queue and is retried:
-- the sustaining effect is the retries' work amplification. Each failed
-- operation makes max + 1 = 4 attempts, the server sees 4 x 375 = 1500 per
-- second for the 500 it can serve, stays full of requests whose clients
-- have given up, and availability stays at 0 after the trigger is gone,
-- until the end of the run.
--
-- It leaves the metastable state only if, in that state, less work arrives
-- than the server does (the offered load of failing operations below mu):
--   mitigation = "none"     immediate retries (the failure above)
--   mitigation = "backoff"  exponential backoff with full jitter
--                           (exp:250ms,2,2s): delays each retry, but an
--                           open-loop client still makes 4 attempts per
--                           failed operation, so the rate is unchanged and
--                           the failure stays (Brooker, "What is Backoff
--                           For?", 2022); a closed-loop client (loop =
--                           "closed") waits through its backoff instead of
--                           starting new operations, and that lowers it
--   mitigation = "budget"   a retry budget (ratio 0.1, burst 10): at most
--                           1.1 attempts per operation in the long run
--   mitigation = "shed"     the server keeps 50 waiting places (100 ms of
--                           work, under the timeout) and answers BUSY when
--                           full: whatever it accepts is answered in time,
--                           and a BUSY is a failed operation, not a retry
-- The clients: loop = "open" (10 clients, Poisson arrivals at load x mu in
-- all, independent of how the server is doing) or "closed" (a fixed
-- population, each client one operation at a time with 600 ms of think
-- time in between; sized for the same load).
--
-- The theory: offered_fail is the attempt rate of failing operations,
-- open loop lambda x attempts per op, closed loop
-- N x attempts / (attempts x timeout + mean backoff + think). The run
-- expects the failure to stay (avail_after <= 0.05) when offered_fail >
-- 1.15 mu, to be survived (avail_after >= 0.99, back within 12 s) when it
-- is < 0.85 mu, and nothing in between; without a trigger (trigger = 0),
-- it expects no failure at all (trigger: the pause in seconds). Metrics: avail_before (2 s to 9 s),
-- avail_after (24 s to 44 s), recovery_s (after the trigger ends until
-- every 500 ms window has availability >= 0.99; 99 if never),
-- attempts_per_op and offered_per_s (the clients, 24 s to 44 s).
scenario { name = "metastable", duration = "48s", seeds = 2 }

local p = params { mitigation = "none", loop = "open", load = 0.75, trigger = 2.0 } -- trigger: seconds of pause
local windows = include("_op_windows.lua")

local mu = 500
local timeout, think = 0.2, 0.8
local trigger_at, measure_from, stop = 10, 24, 44
local policies = {
  none = { max = 3, backoff = 0 },
  backoff = { max = 3, backoff = "exp:500ms,2,4s", jitter = true },
  budget = { max = 3, backoff = 0, budget = { ratio = 0.1, burst = 10 } },
  shed = { max = 3, backoff = 0 },
}
local retry = policies[p.mitigation]
if not retry then error("mitigation must be none, backoff, budget or shed, not '" .. p.mitigation .. "'") end
if p.loop ~= "open" and p.loop ~= "closed" then error("loop must be open or closed, not '" .. p.loop .. "'") end
if not (p.load > 0 and p.load < 1) then error("load must be in (0, 1)") end

network { latency = "1ms" }
local shed = p.mitigation == "shed"
node("server", "echo.server", nil, { service = {
  time = "exp:2ms", queue = shed and 50 or 600, overflow = shed and "reject" or "drop" } })

local clients_made
local spec = { ops = { "ping" }, timeout = "200ms", stop = stop .. "s" }
if p.loop == "open" then
  spec.mode, spec.rate = "open", p.load * mu / 10
  clients_made = clients { count = 10, model = "echo.client", params = { target = "server", interval = 0 },
                           retry = retry, workload = spec }
else
  -- N / (think + response) = load x mu, with about 10 ms of response
  local n = math.floor(p.load * mu * (think + 0.010) + 0.5)
  clients_made = clients { count = n, model = "echo.client", params = { target = "server", interval = 0 },
                           retry = retry }
  spec.mode, spec.think = "closed", think .. "s"
  for i, name in ipairs(clients_made) do
    -- staggered over one think time: a population that starts at once is
    -- itself a trigger
    spec.start = (i - 1) * think / n .. "s"
    workload(name, spec)
  end
end

-- The theory's attempt rate of failing operations.
local attempts = shed and 1 or (p.mitigation == "budget" and 1 + retry.budget.ratio or retry.max + 1)
local backoff_s = p.mitigation == "backoff" and (0.5 + 1.0 + 2.0) / 2 or 0 -- full jitter: half of each delay
local offered_fail
if p.loop == "open" then
  offered_fail = p.load * mu * attempts
else
  offered_fail = #clients_made * attempts / (attempts * timeout + backoff_s + think)
end
metric("offered_fail_theory", offered_fail)

local track = windows.track(500)
local triggered = p.trigger > 0
if triggered then at(trigger_at .. "s", function() pause("server", p.trigger .. "s") end) end

-- The clients' attempts and operations so far, summed.
local function client_totals()
  local a, o = 0, 0
  for _, name in ipairs(clients_made) do
    local s = client_stats(name)
    a, o = a + s.attempts, o + s.ops
  end
  return { attempts = a, ops = o }
end
local from, to
at(measure_from .. "s", function() from = client_totals() end)
at(stop .. "s", function() to = client_totals() end)

invariant("measured", function()
  metric("avail_before", track:availability(2, trigger_at - 1) or 0)
  metric("avail_after", track:availability(measure_from, stop) or 0)
  metric("recovery_s", track:recovery(trigger_at + p.trigger, stop, 0.99) or 99)
  metric("attempts_per_op", (to.attempts - from.attempts) / math.max(1, to.ops - from.ops))
  metric("offered_per_s", (to.attempts - from.attempts) / (stop - measure_from))
  return true
end)

local expected = { avail_before = { min = 0.99 } }
if not triggered or offered_fail < 0.85 * mu then
  expected.avail_after = { min = 0.99 }
  expected.recovery_s = { max = 12 }
  expected.attempts_per_op = { max = 1.2 }
elseif offered_fail > 1.15 * mu then
  expected.recovery_s = 99
  expected.offered_per_s = { min = mu }
  if backoff_s == 0 then expected.avail_after = { max = 0.1 } end
end
expect { violations = 0, metrics = expected }
