-- A metastable failure (Bronson, Aghayev, Charapko and Zhu, "Metastable
-- Failures in Distributed Systems", HotOS 2021) and three ways out of it.
--
-- One echo server (exponential service of mean 2 ms, mu = 500 per second,
-- 600 waiting places: 1.2 s of work) is loaded at `load` = 75%: the
-- "vulnerable" state, fine as long as nothing happens. Clients give each
-- attempt 200 ms and retry at once, up to 3 times. The trigger: the server
-- pauses for 2 s at t = 10 s. The backlog it leaves takes longer than the
-- timeout to serve, so every attempt times out in the queue and is retried:
-- the sustaining effect is the retries' work amplification. Each failed
-- operation makes max + 1 = 4 attempts, the server is offered 4 x 375 =
-- 1500 per second for the 500 it serves, stays full of requests whose
-- clients have given up, and availability stays at 0 after the trigger is
-- gone, until the end of the run.
--
-- It leaves that state only if less work arrives in it than the server
-- does: the attempt rate of failing operations (offered_fail) below mu.
--   mitigation = "none"     immediate retries (the failure above)
--   mitigation = "backoff"  exponential backoff with full jitter,
--                           exp:500ms,2,4s (waits of up to 0.5, 1, 2 s)
--   mitigation = "budget"   a retry budget per client (ratio 0.1, burst
--                           10): about 1.1 attempts per operation at most
--   mitigation = "shed"     the server keeps 50 waiting places (100 ms of
--                           work, under the timeout) and answers BUSY when
--                           full: what it accepts is answered in time, and
--                           a BUSY fails the operation without a retry
-- loop = "open": 10 clients with Poisson arrivals at load x mu in all,
-- whatever the server does. loop = "closed": a fixed population, each
-- client one operation at a time with a think time in between, 800 ms on
-- average, sized for the same load. The think times are spread evenly
-- over 400 ms to 1.2 s and the starts over the first 800 ms: clients in
-- step would fail together, think together, and leave the server idle
-- together, long enough to drain it now and then (a population that
-- starts at once is a trigger of its own).
--
-- The theory: offered_fail is lambda x attempts per operation in the open
-- loop, N x attempts / (attempts x timeout + mean backoff + think) in the
-- closed loop. Backoff leaves the open loop's rate as it is (each failed
-- operation still makes 4 attempts, later; Brooker, "What is Backoff
-- For?", 2022) and lowers the closed loop's, whose clients wait instead
-- of starting new operations. Above 1.15 mu the run expects the failure
-- to stay: never back (recovery_s = 99), clients still offering more than
-- mu after the trigger, and with immediate retries availability after it
-- at most 0.1. (Open-loop backoff is not at 0: its operations live long
-- enough for a reply to an earlier attempt, queued behind the backlog, to
-- complete them a second late.) Below 0.85 mu it expects survival:
-- availability after the trigger >= 0.99, back within 12 s, at most 1.2
-- attempts per operation; so does a run without trigger (trigger = 0; the
-- pause in seconds). In between, nothing.
--
-- Metrics: offered_fail_theory; avail_before (2 s to 9 s), avail_after
-- (24 s to 44 s), recovery_s (from the end of the trigger until every
-- later 500 ms window has availability >= 0.99; 99 if never), and, from
-- the clients over 24 s to 44 s, attempts_per_op and offered_per_s.
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

local clients_made, thinks = nil, {}
local spec = { ops = { "ping" }, timeout = "200ms", stop = stop .. "s" }
if p.loop == "open" then
  spec.mode, spec.rate = "open", p.load * mu / 10
  clients_made = clients { count = 10, model = "echo.client", params = { target = "server", interval = 0 },
                           retry = retry, workload = spec }
else
  -- Client i thinks think x (0.5 + (i - 0.5) / N): spread evenly over
  -- [0.5, 1.5] x think, so that no two clients keep in step, and N such
  -- that sum over i of 1 / (think_i + response) = load x mu, with about
  -- 10 ms of response.
  local per_client = math.log((1.5 * think + 0.010) / (0.5 * think + 0.010)) / think
  local n = math.floor(p.load * mu / per_client + 0.5)
  clients_made = clients { count = n, model = "echo.client", params = { target = "server", interval = 0 },
                           retry = retry }
  spec.mode = "closed"
  for i, name in ipairs(clients_made) do
    thinks[i] = think * (0.5 + (i - 0.5) / n)
    spec.think = thinks[i] .. "s"
    -- starts spread over one think time: a population that starts at
    -- once is itself a trigger
    spec.start = (i - 1) * think / n .. "s"
    workload(name, spec)
  end
end

-- The theory's attempt rate of failing operations.
local attempts = shed and 1 or (p.mitigation == "budget" and 1 + retry.budget.ratio or retry.max + 1)
local backoff_s = p.mitigation == "backoff" and (0.5 + 1.0 + 2.0) / 2 or 0 -- full jitter: half of each delay
local offered_fail = 0
if p.loop == "open" then
  offered_fail = p.load * mu * attempts
else
  for _, z in ipairs(thinks) do offered_fail = offered_fail + attempts / (attempts * timeout + backoff_s + z) end
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
