-- Loss and duplication happen at the rates a scenario sets, strictly
-- between 0 and 1: a rate read wrong on its way from network{} or link()
-- to the kernel (halved, swapped, ignored) breaks a binomial bound here.
-- client1 talks to the server over the default link, client2 over a link()
-- of its own with other rates. Every message is lost with probability
-- `loss`; one that is not is duplicated with probability `duplicate`; so
-- per link class the drops are binomial(sent, loss) and the duplicates
-- binomial(sent - dropped, duplicate), each checked within 5 standard
-- deviations (a true rate fails once in about 3.5 million checks).
scenario { name = "net_rates", duration = "5s", seeds = 5 }

local default = { loss = 0.3, duplicate = 0.05 }
local own = { loss = 0.1, duplicate = 0.1 }
network { latency = "1ms", loss = default.loss, duplicate = default.duplicate }
node("server", "echo.server")
clients { count = 2, model = "echo.client", params = { target = "server", interval = "1ms", timeout = "50ms" } }
link("client2", "server", { loss = own.loss, duplicate = own.duplicate })

local counts = { default = { sent = 0, dropped = 0, duplicated = 0 },
                 own = { sent = 0, dropped = 0, duplicated = 0 } }
-- The link class of a message between a and b.
local function class(a, b) return (a == "client2" or b == "client2") and "own" or "default" end
on("send", function(ev) local c = counts[class(ev.node, ev.peer)]; c.sent = c.sent + 1 end)
on("drop", function(ev) local c = counts[class(ev.node, ev.peer)]; c.dropped = c.dropped + 1 end)
on("duplicate", function(ev) local c = counts[class(ev.node, ev.peer)]; c.duplicated = c.duplicated + 1 end)

-- observed within 5 sigma of binomial(n, p)?
local function binomial_close(what, observed, n, p)
  local sigma = math.sqrt(n * p * (1 - p))
  return math.abs(observed - n * p) <= 5 * sigma,
         string.format("%s: %d of %d, expected %.0f +- %.0f (p = %g)", what, observed, n, n * p, 5 * sigma, p)
end

for name, rates in pairs({ default = default, own = own }) do
  invariant(name .. "_link_loss_rate", function()
    local c = counts[name]
    return binomial_close(name .. " link drops", c.dropped, c.sent, rates.loss)
  end)
  invariant(name .. "_link_duplicate_rate", function()
    local c = counts[name]
    return binomial_close(name .. " link duplicates", c.duplicated, c.sent - c.dropped, rates.duplicate)
  end)
end
at("4999ms", function()
  metric("own_link_sent", counts.own.sent)
  metric("default_link_sent", counts.default.sent)
end)

expect { violations = 0, metrics = { own_link_sent = { min = 5000 }, default_link_sent = { min = 5000 } } }
