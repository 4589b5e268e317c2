-- An open-loop (Poisson) workload at `rate` operations per second for 20 s
-- against a server that is paused for `pause`: arrivals keep coming while
-- it is frozen, so the operations that arrive during the pause time out as
-- `info` (about 10% with the defaults, 200/s and 2 s).
--
-- The expectation follows the parameters. A ping invoked at t fails when
-- its request reaches the frozen server (t + d1 >= paused_at) and the
-- answer, sent at resume, comes back later than the timeout
-- (resumed_at + d2 - t > timeout): the failing invocations fill a window of
-- pause - timeout + d1 + d2 seconds. Poisson arrivals fall in it
-- independently, each with probability q = window / duration, so the
-- number that fail is binomial: the measured availability must be within
-- 5 standard deviations of 1 - q.
scenario { name = "open_loop", duration = "20s", seeds = 10 }

local p = params { rate = 200, pause = "2s" }
local timeout, latency = 0.050, 0.005 -- seconds: the timeout and the mean one-way latency below
network { latency = "normal:5ms,1ms" }
node("server", "echo.server")
clients {
  count = 1, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { mode = "open", rate = p.rate, ops = { "ping" }, timeout = timeout },
}
at("10s", function() pause("server", p.pause) end)

local paused_at, resumed_at
once({ kind = "pause", node = "server" }, function(ev) paused_at = ev.time end)
once({ kind = "resume", node = "server" }, function(ev) resumed_at = ev.time end)

invariant("availability_as_predicted", function()
  if not (paused_at and resumed_at) then return false, "the server was not paused and resumed" end
  local s = stats()
  if s.invoked == 0 then return false, "no operation was invoked" end
  local window = math.max(0, resumed_at - paused_at - timeout + 2 * latency)
  local q = math.min(1, window / 20)
  local predicted = 1 - q
  local sigma = math.sqrt(q * (1 - q) / s.invoked)
  local measured = s.ok / s.invoked
  metric("predicted_availability", predicted)
  return math.abs(measured - predicted) <= 5 * sigma,
         string.format("availability %.4f, predicted %.4f +- %.4f (5 sigma)", measured, predicted, 5 * sigma)
end)

expect { violations = 0 }
