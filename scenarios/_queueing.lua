-- Shared by the queueing-theory scenarios (capacity_mm1.lua,
-- capacity_mmc.lua, capacity_md1.lua). Returns a table:
--   station(name, rate, stop, service)
--       a server `name` (echo.server with the service table `service`)
--       loaded by its own Poisson source load_<name> at `rate` per second
--       until time `stop` (seconds), so the run ends with it empty
--   single_servers(points, mu, scale, service, theory_ms)
--       one station per point { rho =, stop = } at rate rho * mu until
--       stop * scale, named rhoNN (rho50 for 0.5); sets each point's name
--       and theory_ms = theory_ms(rho)
--   check(points, tolerance)
--       declares invariant `queueing_theory`: for each point { name =,
--       theory_ms = } the measured mean response time W (arrival to end of
--       service, by the server's service model) is within `tolerance`
--       (relative) of theory_ms; sets metrics w_ms_<name>,
--       w_theory_ms_<name>, w_ratio_<name> and little_<name>, the ratio
--       L / (lambda W) of Little's law on the measured numbers; returns
--       the expect{} metrics table that says the same (w_ratio within the
--       tolerance, little within 1e-6)
--   erlang_c(c, a)
--       the probability that an arrival waits in M/M/c at offered load a
--       (a = lambda / mu < c)
local M = {}

function M.station(name, rate, stop, service)
  node(name, "echo.server", nil, { service = service })
  node("load_" .. name, "echo.source", { target = name, rate = rate, stop = stop })
end

function M.single_servers(points, mu, scale, service, theory_ms)
  for _, pt in ipairs(points) do
    pt.name = string.format("rho%02d", math.floor(pt.rho * 100 + 0.5))
    pt.theory_ms = theory_ms(pt.rho)
    M.station(pt.name, pt.rho * mu, pt.stop * scale, service)
  end
end

function M.check(points, tolerance)
  invariant("queueing_theory", function()
    local bad = {}
    for _, pt in ipairs(points) do
      local s = service_stats(pt.name)
      local ratio = s.response_mean_ms / pt.theory_ms
      metric("w_ms_" .. pt.name, s.response_mean_ms)
      metric("w_theory_ms_" .. pt.name, pt.theory_ms)
      metric("w_ratio_" .. pt.name, ratio)
      metric("little_" .. pt.name, s.system_mean / (s.arrival_rate * s.response_mean_ms / 1000))
      if math.abs(ratio - 1) > tolerance then
        bad[#bad + 1] = string.format("%s: W = %.4f ms, theory %.4f ms", pt.name, s.response_mean_ms, pt.theory_ms)
      end
    end
    return #bad == 0, table.concat(bad, "; ")
  end)
  local metrics = {}
  for _, pt in ipairs(points) do
    metrics["w_ratio_" .. pt.name] = { min = 1 - tolerance, max = 1 + tolerance }
    metrics["little_" .. pt.name] = { min = 1 - 1e-6, max = 1 + 1e-6 }
  end
  return metrics
end

function M.erlang_c(c, a)
  local term, sum = 1, 0 -- a^k / k!
  for k = 0, c - 1 do
    sum = sum + term
    term = term * a / (k + 1)
  end
  local tail = term * c / (c - a) -- a^c / c! * 1 / (1 - rho)
  return tail / (sum + tail)
end

return M
