-- N-1 capacity planning: is a 3-replica service still available when it
-- loses one replica? Three echo servers, each one server with exponential
-- service of mean 2 ms (mu = 500 per second, 1000 waiting places), so the
-- service's full capacity is 3 mu = 1500 per second. Ten open-loop clients
-- send Poisson pings at `rate` per second in all (default 1125, 75% of
-- full capacity; `load`, when set, a fraction of it, overrides) to a
-- uniformly random server they have not ejected: an attempt gets 500 ms,
-- a timed-out attempt is retried once at once, and 3 timed-out attempts in
-- a row eject a server for `eject_for` = 30 s (longer than the rest of
-- the run; a shorter one re-admits the dead server now and then). With
-- down = 1, s3 crashes at t = 3 s and stays down. The crash comes early so
-- that a run with it and a run without (down = 0) have about as long at
-- their final load: near rho = 1 a queue's chance of growing past the
-- timeout depends on how long it has.
--
-- The theory: a random split of a Poisson stream is Poisson, so each
-- server is an M/M/1 queue at rho = load (mean response 1 / (mu - lambda),
-- 5 ms at load 0.6). With one server gone, its share moves to the other
-- two: rho = 1.5 x load. At load 0.6 that is rho = 0.9: the mean response
-- rises fourfold, to 20 ms, and the service stays available. At load 0.75
-- it is rho = 1.125: more arrives than two servers can serve, the queues
-- grow until waiting takes longer than the timeout, every attempt times
-- out, the retries add more load still, and availability falls to 0.
--
-- Expectations follow the theory (rho_after, the survivors' rho): at most
-- 0.9, availability from the crash to the end (avail_after, 3 s to 36 s)
-- at least 0.99, the survivors' mean response after the loss (w_after_ms,
-- 6 s to the end) within 0.5..2.5 of M/M/1's (w_ratio; one run at
-- rho = 0.9 varies that much) and, with down = 1, risen from the one
-- before it (w_before_ms, 0.5 s to 3 s) by at least half of M/M/1's rise
-- (w_rise >= 2 at load 0.6, where M/M/1 says 4); at least 1.1: the
-- availability of 15 s to 36 s (avail_late) at most 0.05 and a full queue
-- (queue_max = 1000). In between: no expectation. theory_w_after_ms is
-- M/M/1's mean response after the loss, for `faultsim capacity
-- scenarios/capacity_n_minus_1.lua --param rate --slo 'avail_after>=0.99'`
-- (docs/capacity.md, "N-1 capacity planning").
scenario { name = "capacity_n_minus_1", duration = "40s", seeds = 2 }

local p = params { rate = 1125, load = 0.0, down = 1, eject_for = "30s" }
local windows = include("_op_windows.lua")

local mu, n, queue = 500, 3, 1000
local rate = p.load > 0 and p.load * mu * n or p.rate
local crash_at, settled, late, stop = 3, 6, 15, 36
if p.down ~= 0 and p.down ~= 1 then error("down must be 0 or 1") end

network { latency = "1ms" }
local servers = {}
for i = 1, n do
  servers[i] = node("s" .. i, "echo.server", nil, { service = { time = "exp:2ms", queue = queue } })
end
clients {
  count = 10, model = "echo.client",
  params = { target = table.concat(servers, ","), interval = 0, eject_after = 3, eject_for = p.eject_for },
  retry = { max = 1, backoff = 0 },
  workload = { mode = "open", rate = rate / 10, ops = { "ping" }, timeout = "500ms", stop = stop .. "s" },
}
if p.down == 1 then at(crash_at .. "s", function() crash("s3") end) end

-- The servers' mean response time over a stretch, from the running totals
-- of service_stats (mean x count is the sum of the response times): a
-- mark at the stretch's start, the difference at its end.
local function totals(names)
  local sum, count = 0, 0
  for _, name in ipairs(names) do
    local s = service_stats(name)
    sum, count = sum + s.response_mean_ms * s.completions, count + s.completions
  end
  return { sum = sum, count = count }
end
local function mean_ms(from, to)
  return (to.sum - from.sum) / math.max(1, to.count - from.count)
end
local survivors = p.down == 1 and { "s1", "s2" } or servers
local marks = {}
at("500ms", function() marks.start = totals(servers) end)
at(crash_at .. "s", function() marks.crash = totals(servers) end)
at(settled .. "s", function() marks.settled = totals(survivors) end)

local rho_after = rate / (n - p.down) / mu
local w_theory = rho_after < 1 and 1000 / (mu - rate / (n - p.down)) or nil
metric("rho_after", rho_after)
if w_theory then metric("theory_w_after_ms", w_theory) end

local track = windows.track(500)
invariant("measured", function()
  local w_before = mean_ms(marks.start, marks.crash)
  local w_after = mean_ms(marks.settled, totals(survivors))
  metric("w_before_ms", w_before)
  metric("w_after_ms", w_after)
  metric("w_rise", w_after / w_before)
  if w_theory then metric("w_ratio", w_after / w_theory) end
  metric("avail_after", track:availability(crash_at, stop) or 0)
  metric("avail_late", track:availability(late, stop) or 0)
  local qmax = 0
  for _, name in ipairs(survivors) do qmax = math.max(qmax, service_stats(name).queue_max) end
  metric("queue_max", qmax)
  return true
end)

local expected = {}
if rho_after <= 0.9 then
  expected.avail_after = { min = 0.99 }
  expected.w_ratio = { min = 0.5, max = 2.5 }
  -- M/M/1's rise is (mu - rate / 3) / (mu - rate / 2): fourfold at 60%
  if p.down == 1 then expected.w_rise = { min = (mu - rate / n) / (mu - rate / (n - 1)) / 2 } end
elseif rho_after >= 1.1 then
  expected.avail_late = { max = 0.05 }
  expected.queue_max = queue
end
expect { violations = 0, metrics = expected }
